import ArgumentParser
import ExportPipeline
import ExportStageKit
import GzipManifestStage

/// `hss-export verify MANIFEST`: check a night's files against its gzip manifest.
struct VerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check the files a gzip manifest lists (artifacts, downloaded archives, extracted files) against the disk.",
        discussion: """
            Re-hashes every file the manifest lists and prints one line per file that does not match, then a summary:

              $ hss-export verify /srv/hss/2026-11-29/manifest.json.gz
              changed: /srv/hss/2026-11-29/downloads/vul.zip (sha256 was 3f5c…, is 9a0b…)
              missing: /srv/hss/2026-11-29/results.csv
              2 of 14 files changed or missing

            Absolute paths are checked as recorded; relative ones against the manifest's directory. \
            Exits 0 when every file matches, 1 when any file changed or is missing, 2 when the manifest cannot be read.

            Examples:
              hss-export verify /srv/hss/2026-11-29/manifest.json.gz
              hss-export verify --quiet manifest.json.gz
              hss-export verify --json manifest.json.gz
            """
    )

    @Argument(help: ArgumentHelp("The manifest the gzip-manifest stage wrote, e.g. manifest.json.gz.", valueName: "file"))
    var manifest: String

    @Flag(name: .shortAndLong, help: "Print only the files that do not match, no summary.")
    var quiet = false

    @Flag(help: "Print the whole report as one JSON object instead of text.")
    var json = false

    func validate() throws {
        if quiet && json { throw ValidationError("give --quiet or --json, not both") }
    }

    func run() async throws {
        let report: VerificationReport
        do {
            report = try ManifestVerifier().verify(manifestAt: manifest)
        } catch {
            Console.writeStandardError(error.description + "\n")
            throw ExitCode(RunExitCode.usage)
        }
        if json {
            Console.printLine(report.jsonValue.serialized)
        } else {
            for line in report.problemLines { Console.printLine(line) }
            if !quiet { Console.printLine(report.summaryLine) }
        }
        if !report.allMatch { throw ExitCode(RunExitCode.taskFailed) }
    }
}
