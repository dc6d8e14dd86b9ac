import Foundation
import HSSClient
import Testing

/// The credentials file read as the SDK's `configparser` reads it.
@Suite struct ProfileFileTests {
    func items(_ text: String, _ section: String = "basic") throws -> [String: String]? {
        try ProfileFile(parsing: text, path: "f").items(section, path: "f")
    }

    @Test func keysAreTrimmedLowerCasedAndSplitAtTheFirstDelimiter() throws {
        let values = try #require(try items("[basic]\n  AK =  AKID  \nsk: se=cr:et\nproject_id=p1\n"))
        #expect(values == ["ak": "AKID", "sk": "se=cr:et", "project_id": "p1"])
    }

    @Test func commentsAndBlankLinesAreSkippedButInlineHashIsPartOfTheValue() throws {
        let text = "# top\n; also\n[basic]\n\n# note\nak = A # not a comment\n   ; indented comment\nsk = S\n"
        let values = try #require(try items(text))
        #expect(values["ak"] == "A # not a comment")
        #expect(values["sk"] == "S")
    }

    @Test func indentedLinesContinueAValueAndDefaultsApply() throws {
        let text = "[DEFAULT]\nproject_id = shared\n[basic]\nak = A\nsecurity_token = first\n  second\nsk = S\n"
        let values = try #require(try items(text))
        #expect(values["security_token"] == "first\nsecond")
        #expect(values["project_id"] == "shared")
    }

    @Test func sectionNamesAreCaseSensitiveAndAMissingSectionIsNil() throws {
        #expect(try items("[Basic]\nak = A\nsk = S\n") == nil)
        #expect(try items("[other]\nak = A\n") == nil)
        #expect(try items("") == nil)
    }

    @Test func interpolationFollowsBasicInterpolation() throws {
        let values = try #require(try items("[basic]\nak = A%%B\nbase = x\nsk = %(base)s-y\n"))
        #expect(values["ak"] == "A%B")
        #expect(values["sk"] == "x-y")
        #expect(throws: ProfileFile.ParseError.self) { try items("[basic]\nak = 50%\n") }
    }

    @Test(arguments: [
        "ak = A\n[basic]\n",  // before any section
        "[basic]\n[basic]\n",  // duplicate section
        "[basic]\nak = A\nAK = B\n",  // duplicate key
        "[basic]\njust words\n",  // no delimiter
    ])
    func malformedFilesAreErrorsNamingTheLine(text: String) throws {
        #expect(throws: ProfileFile.ParseError.self) { try ProfileFile(parsing: text, path: "f") }
        do {
            _ = try ProfileFile(parsing: text, path: "/x/credentials")
        } catch {
            #expect(error.description.contains("'/x/credentials' line"))
            #expect(!error.description.contains("= A"))
        }
    }

    @Test func windowsLineEndingsRead() throws {
        #expect(try items("[basic]\r\nak = A\r\nsk = S\r\n") == ["ak": "A", "sk": "S"])
    }
}
