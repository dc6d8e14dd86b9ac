import ExportPipeline
import Foundation
import TestSupport
import Testing

/// The root command through the binary: the bare command, mistyped
/// subcommands, `--version`, the help's examples, and usage lines.
@Suite struct RootCommandTests {
    @Test func aBareCommandPrintsTheHelpToStandardErrorAndExitsTwo() async throws {
        let output = try await BinaryHarness.run([])
        #expect(output.status == 2)
        #expect(output.standardOutput.isEmpty)
        #expect(output.standardError.contains("USAGE: hss-export <subcommand>"), "\(output.standardError)")
        #expect(output.standardError.contains("SUBCOMMANDS:"))
    }

    @Test(arguments: [("rn", "run"), ("valdate", "validate"), ("wiat", "wait"), ("simulat", "simulate")])
    func aMistypedSubcommandGetsDidYouMean(typed: String, meant: String) async throws {
        let output = try await BinaryHarness.run([typed, "x.yaml"])
        #expect(output.status == 2)
        #expect(output.standardError.contains("unknown command '\(typed)'; did you mean '\(meant)'?"), "\(output.standardError)")
    }

    @Test func anUnrelatedWordListsTheCommands() async throws {
        let output = try await BinaryHarness.run(["frobnicate"])
        #expect(output.status == 2)
        #expect(output.standardError.contains("the commands are run, validate, stages"), "\(output.standardError)")
    }

    @Test func versionNamesTheBuild() async throws {
        let output = try await BinaryHarness.run(["--version"])
        #expect(output.status == 0)
        #expect(output.standardOutput == HSSExportVersion.description + "\n")
        #expect(output.standardOutput.hasPrefix(HSSExportVersion.current + " ("))
    }

    @Test func theRootHelpHasExamplesCompletionsAndTheManPage() async throws {
        let output = try await BinaryHarness.run(["--help"])
        #expect(output.status == 0)
        let help = output.standardOutput
        #expect(help.contains("Examples:\n  hss-export "), "\(help)")
        #expect(help.contains("--generate-completion-script"))
        #expect(help.contains("man hss-export"))
        #expect(help.contains("Exit codes:"))
    }

    @Test func validateHelpHasItsOptionsAndExamples() async throws {
        let output = try await BinaryHarness.run(["validate", "--help"])
        #expect(output.status == 0)
        let help = output.standardOutput
        #expect(help.contains("Examples:\n  hss-export validate "), "\(help)")
        for option in ["--format <format>", "--no-environment", "--log-format <format>", "<file> ..."] {
            #expect(help.contains(option), "\(option) missing from: \(help)")
        }
    }

    @Test func anErrorWhileASubcommandRunsShowsThatSubcommandsUsage() async throws {
        var environment = BinaryHarness.tokenEnvironment
        for name in ["HSS_ENDPOINT", "HUAWEICLOUD_SDK_REGION", "HUAWEICLOUD_SDK_PROJECT_ID", "HSS_REGION"] { environment.removeValue(forKey: name) }
        let output = try await BinaryHarness.run(["wait", "task-1"], environment: environment)
        #expect(output.status == 2, "\(output.standardError)")
        #expect(output.standardError.contains("Usage: hss-export wait "), "\(output.standardError)")
        #expect(!output.standardError.contains("hss-export <subcommand>"))
        #expect(output.standardError.contains("See 'hss-export wait --help'"))
    }
}
