import ExportStageKit
import Foundation

// Writes the same records through every built-in file stage, then compares
// GzipWriter with the system gzip; see BenchmarkOptions.usage and
// scripts/benchmark-stages.sh.

let options: BenchmarkOptions
do {
    options = try BenchmarkOptions(arguments: Array(CommandLine.arguments.dropFirst()))
} catch {
    FileHandle.standardError.write(Data((error.description + "\n").utf8))
    exit(2)
}
if options.help {
    print(BenchmarkOptions.usage)
    exit(0)
}

do {
    let report = try await BenchmarkSuite(options: options).run()
    print(options.json ? report.jsonValue.serialized : report.table)
} catch {
    FileHandle.standardError.write(Data("error: \(error)\n".utf8))
    exit(1)
}
