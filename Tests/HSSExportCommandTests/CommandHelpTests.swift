import Foundation
import TestSupport
import Testing

/// Every subcommand's help, as the built binary prints it: a description,
/// examples a user can copy, and value names a user can read.
@Suite struct CommandHelpTests {
    /// The subcommands the root command's help lists under SUBCOMMANDS.
    static func listedSubcommands() async throws -> [String] {
        let output = try await BinaryHarness.run(["--help"])
        #expect(output.status == 0, "\(output.standardError)")
        return Self.subcommands(inRootHelp: output.standardOutput)
    }

    /// The names in the SUBCOMMANDS block: two-space indented lower-case
    /// words (continuation lines are indented further).
    static func subcommands(inRootHelp help: String) -> [String] {
        var names: [String] = []
        var inBlock = false
        for line in help.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("SUBCOMMANDS:") {
                inBlock = true
                continue
            }
            guard inBlock else { continue }
            if line.isEmpty { break }
            guard line.hasPrefix("  "), !line.hasPrefix("   ") else { continue }
            let name = line.dropFirst(2).prefix { $0 != " " }
            if let first = name.first, first.isLowercase { names.append(String(name)) }
        }
        return names
    }

    /// The lines of the help's "Examples:" block, without their indentation.
    static func examples(in help: String) -> [String]? {
        let lines = help.split(separator: "\n", omittingEmptySubsequences: false)
        guard let start = lines.firstIndex(where: { $0 == "Examples:" }) else { return nil }
        return lines[(start + 1)...].prefix { !$0.isEmpty }.map { String($0) }
    }

    /// Value names ArgumentParser derives from property names it splits
    /// badly: a one-letter part (`<task-i-ds>` from `taskIDs`, `<u-r-l>`).
    static func derivedValueNames(in help: String) -> [String] {
        var found: [String] = []
        var rest = Substring(help)
        while let open = rest.firstIndex(of: "<") {
            let after = rest[rest.index(after: open)...]
            guard let close = after.firstIndex(of: ">") else { break }
            let name = after[..<close]
            let parts = name.split(separator: "-", omittingEmptySubsequences: false)
            if parts.count > 1, parts.contains(where: { $0.count == 1 }) { found.append("<\(name)>") }
            rest = after[after.index(after: close)...]
        }
        return found
    }

    @Test func theRootHelpListsTheSubcommands() async throws {
        let names = try await Self.listedSubcommands()
        // The ones every release has; a new one is checked as well, by the test below.
        for name in ["run", "validate", "stages", "query", "wait", "simulate", "demo", "verify", "state", "merge", "credentials"] {
            #expect(names.contains(name), "\(name) is not in the root help's SUBCOMMANDS: \(names)")
        }
    }

    @Test func everySubcommandHasADescriptionExamplesAndReadableValueNames() async throws {
        let names = try await Self.listedSubcommands()
        #expect(!names.isEmpty)
        for name in names {
            for arguments in [[name, "--help"], ["help", name]] {
                let output = try await BinaryHarness.run(arguments)
                let help = output.standardOutput
                let command = (["hss-export"] + arguments).joined(separator: " ")
                #expect(output.status == 0, "\(command) exited \(output.status): \(output.standardError)")
                let overview = help.split(separator: "\n").first { $0.hasPrefix("OVERVIEW:") }
                #expect(
                    overview.map { $0.dropFirst("OVERVIEW:".count).trimmingCharacters(in: .whitespaces).isEmpty } == false,
                    "\(command) has no abstract")
                #expect(help.contains("USAGE: hss-export \(name)"), "\(command) has no usage line of its own:\n\(help)")
                if let examples = Self.examples(in: help) {
                    #expect(!examples.isEmpty, "\(command): the Examples: block is empty")
                    for line in examples {
                        #expect(line.hasPrefix("  hss-export \(name)"), "\(command): example line '\(line)' is not 'hss-export \(name) …'")
                    }
                } else {
                    Issue.record("\(command) has no Examples: block")
                }
                #expect(Self.derivedValueNames(in: help).isEmpty, "\(command) shows value names \(Self.derivedValueNames(in: help))")
            }
        }
    }

    /// The checks themselves, on the help text that started this.
    @Test func theChecksCatchTheOldWaitHelp() {
        #expect(Self.derivedValueNames(in: "USAGE: hss-export wait [<options>] <task-i-ds> ... --adopt <export=task-id> <dir>") == ["<task-i-ds>"])
        #expect(Self.examples(in: "OVERVIEW: x\n\nExample:\n  hss-export merge f --shards 4\n") == nil)
        #expect(Self.examples(in: "Examples:\n  hss-export a\n  hss-export b\n\nUSAGE: x") == ["  hss-export a", "  hss-export b"])
        #expect(
            Self.subcommands(
                inRootHelp:
                    "SUBCOMMANDS:\n  run                     Run it\n                          more words\n  wait                    Wait\n\n  See 'help'"
            )
                == ["run", "wait"])
    }
}
