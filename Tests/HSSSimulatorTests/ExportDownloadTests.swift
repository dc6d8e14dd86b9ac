import Foundation
import HSSSimulator
import TestSupport
import Testing

@Suite("Downloads of created exports")
struct ExportDownloadTests {
    /// Creates an export of `request` and returns its file id.
    private func createFile(_ client: HTTPTestClient, _ request: CreateCase = .vulnerabilities) async throws -> String {
        let task = try await client.poll(try await client.createTask(request))
        return try #require(task["file_id"])
    }

    @Test("a created export downloads as a valid zip of CSV entries with the request's columns")
    func validZip() async throws {
        let scenario = try scenario(tasks: "  []", extra: "export_template: {archive: {entries: 3, rows: 10}}")
        try await withSimulator(scenario) { client, simulator in
            let fileID = try await createFile(client)
            try await withTemporaryDirectory { directory in
                let file = directory.file("export.zip")
                let response = try await client.download(downloadPath(fileID), to: file)
                #expect(response.status == 200)
                #expect(response.headers["content-type"] == "application/octet-stream")
                let size = try #require(try FileManager.default.attributesOfItem(atPath: file)[.size] as? Int)
                #expect(response.headers["content-length"] == String(size))
                let zip = try ZipTestReader(path: file)
                #expect(zip.entries.map(\.name) == ["vulnerabilities-1.csv", "vulnerabilities-2.csv", "vulnerabilities-3.csv"])
                var contents: [String] = []
                try zip.verify { _, head in contents.append(String(decoding: head, as: UTF8.self)) }
                for text in contents {
                    let lines = text.split(separator: "\r\n", omittingEmptySubsequences: false)
                    // The titles of the request's export_headers, then 10 rows and the final CRLF.
                    #expect(lines.first == "Vulnerability,CVE")
                    #expect(lines.count == 12)
                    #expect(lines[1].contains(",CVE-"))
                }
                // Seeded per entry: the entries differ.
                #expect(Set(contents).count == 3)
            }
            #expect(await simulator.statistics.downloads == [fileID: 1])
        }
    }

    @Test("two downloads of one file are byte-identical; another file differs")
    func deterministic() async throws {
        try await withSimulator { client, simulator in
            let fileID = try await createFile(client)
            let first = try await client.getWithToken(downloadPath(fileID))
            let second = try await client.getWithToken(downloadPath(fileID))
            #expect(first.status == 200 && second.status == 200)
            #expect(first.body == second.body)
            let other = try await client.getWithToken(downloadPath(try await createFile(client)))
            #expect(other.body != first.body)
            #expect(await simulator.statistics.downloads[fileID] == 2)
        }
    }

    @Test("Python's zipfile and unzip -t accept the archive", .enabled(if: ExternalTool.shouldRun("python3")))
    func externalReaders() async throws {
        let scenario = try scenario(tasks: "  []", extra: "export_template: {archive: {entries: 2, bytes: 300KB}}")
        try await withSimulator(scenario) { client, _ in
            let fileID = try await createFile(client, .events)
            try await withTemporaryDirectory { directory in
                let file = directory.file("events.zip")
                _ = try await client.download(downloadPath(fileID), to: file)
                let python = try ExternalTool.require("python3", package: "python3")
                let check = try await ProcessRunner.run(
                    python,
                    ["-c", "import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); print(z.testzip(), len(z.namelist()))", file])
                #expect(check.status == 0, "\(check.standardError)")
                #expect(check.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines) == "None 2")
                if let unzip = ExternalTool.path(of: "unzip") {
                    let tested = try await ProcessRunner.run(unzip, ["-t", file])
                    #expect(tested.status == 0, "\(tested.standardOutput)")
                    #expect(tested.standardOutput.contains("No errors detected"))
                }
            }
        }
    }

    @Test("archive bytes gives a zip of exactly that size, streamed to disk")
    func largeStreamedDownload() async throws {
        let bytes = 20 * 1024 * 1024
        let scenario = try scenario(tasks: "  []", extra: "export_template: {archive: {entries: 2, bytes: 20MB}}")
        try await withSimulator(scenario) { client, _ in
            let fileID = try await createFile(client)
            try await withTemporaryDirectory { directory in
                let file = directory.file("large.zip")
                let response = try await client.download(downloadPath(fileID), to: file)
                #expect(response.status == 200)
                #expect(response.headers["content-length"] == String(bytes))
                let size = try #require(try FileManager.default.attributesOfItem(atPath: file)[.size] as? Int)
                #expect(size == bytes)
                let zip = try ZipTestReader(path: file)
                #expect(zip.entries.count == 2)
                #expect(zip.entries.reduce(0) { $0 + $1.size } > bytes - 512)
                try zip.verify()
            }
        }
    }

    @Test("hostile entry names are written verbatim, for zip-slip tests")
    func hostileEntryNames() async throws {
        let scenario = try scenario(
            tasks: "  []", extra: #"export_template: {archive: {entry_names: ["../evil.csv", "/etc/passwd", "a/../../b.csv", "ok.csv"], rows: 2}}"#)
        try await withSimulator(scenario) { client, _ in
            let fileID = try await createFile(client)
            try await withTemporaryDirectory { directory in
                let file = directory.file("slip.zip")
                _ = try await client.download(downloadPath(fileID), to: file)
                let zip = try ZipTestReader(path: file)
                #expect(zip.entries.map(\.name) == ["../evil.csv", "/etc/passwd", "a/../../b.csv", "ok.csv"])
                try zip.verify()
            }
        }
    }

    @Test("truncate_downloads cuts off the first downloads of each file mid-body, then serves it whole")
    func truncatedDownloads() async throws {
        let scenario = try scenario(
            tasks: "  - {id: t, script: [{status: success}]}", extra: "faults: {truncate_downloads: 2}\nexport_template: {archive: {bytes: 256KB}}")
        try await withSimulator(scenario) { client, simulator in
            let fileID = try await createFile(client)
            try await withTemporaryDirectory { directory in
                let file = directory.file("cut.zip")
                for _ in 0..<2 {
                    await #expect(throws: (any Error).self) {
                        _ = try await client.download(downloadPath(fileID), to: file)
                    }
                }
                let whole = try await client.download(downloadPath(fileID), to: file)
                #expect(whole.status == 200)
                #expect(try FileManager.default.attributesOfItem(atPath: file)[.size] as? Int == 256 * 1024)
                try ZipTestReader(path: file).verify()
            }
            // Scenario tasks' files are cut off too.
            await #expect(throws: (any Error).self) {
                _ = try await client.getWithToken(downloadPath("file-t"))
            }
            let statistics = await simulator.statistics
            #expect(statistics.downloads == [fileID: 3, "file-t": 1])
            #expect(statistics.truncatedDownloads == [fileID: 2, "file-t": 1])
        }
    }

    @Test("truncate_after sets where the body stops")
    func truncateAfter() async throws {
        let scenario = try scenario(tasks: "  []", extra: "faults: {truncate_downloads: 1, truncate_after: 0}")
        try await withSimulator(scenario) { client, _ in
            let fileID = try await createFile(client)
            await #expect(throws: (any Error).self) {
                _ = try await client.getWithToken(downloadPath(fileID))
            }
            #expect(try await client.getWithToken(downloadPath(fileID)).body.starts(with: [0x50, 0x4B, 0x03, 0x04]))
        }
    }

    @Test("an unknown file is still 404 HSS.1060")
    func unknownFile() async throws {
        try await withSimulator { client, _ in
            _ = try await client.createTask(.vulnerabilities)
            let response = try await client.getWithToken(downloadPath("no-such-file"))
            #expect(response.status == 404)
            #expect(try response.json()["error_code"] == "HSS.1060")
        }
    }
}
