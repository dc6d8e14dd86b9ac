/// The command line of `StageBenchmarks`, parsed by hand because the target
/// depends on nothing but the stage kit and the stages.
struct BenchmarkOptions: Sendable, Equatable {
    /// A bad command line: what was wrong and how to write it instead.
    struct UsageError: Error, CustomStringConvertible {
        var message: String
        var description: String { message + "\n\n" + BenchmarkOptions.usage }
    }

    /// How many records go through each stage.
    var records = 100_000
    /// How many times each measurement runs; the median is reported.
    var repeats = 3
    /// MiB of JSON Lines compressed in the gzip comparison; 0 skips it.
    var gzipMiB = 64
    /// Print one JSON object instead of the table.
    var json = false
    /// Leave the temp directory and its outputs behind for inspection.
    var keepOutputs = false
    /// Write the outputs into this directory (created if missing) and keep
    /// them, instead of a temp directory.
    var outputDirectory: String?
    /// Write the synthetic records as JSON Lines to this file before timing,
    /// so another implementation can be measured on the same records.
    var dumpRecordsPath: String?
    /// Only the stages with these type names (`jsonl`, `csv`, ...); all when `nil`.
    var stageTypes: [String]?
    /// Print the usage and exit.
    var help = false

    static let usage = """
        USAGE: StageBenchmarks [--records N] [--repeat N] [--gzip-mib N] [--stages LIST] [--json] [--keep]
                               [--output-dir DIR] [--dump-records FILE]

          --records N          records written through each stage (default 100000)
          --repeat N           runs of each measurement; the median is printed (default 3)
          --gzip-mib N         MiB of JSON Lines for GzipWriter vs gzip -6 (default 64; 0 skips it)
          --stages LIST        only these stage types, comma-separated (jsonl,csv,prometheus-textfile,gzip-manifest)
          --json               print one JSON object instead of the table
          --keep               keep the temp directory with every output, to inspect them
          --output-dir DIR     write the outputs into DIR (created if missing) and keep them
          --dump-records FILE  write the synthetic records to FILE as JSON Lines before timing
          -h, --help           show this help
        """

    /// Parses `arguments` (without the program name).
    init(arguments: [String]) throws(UsageError) {
        var remaining = arguments[...]
        while let argument = remaining.popFirst() {
            // Accept `--records=N` as well as `--records N`, like ArgumentParser does.
            let parts = argument.split(separator: "=", maxSplits: 1).map(String.init)
            let name = parts[0]
            let inlineValue = parts.count == 2 ? parts[1] : nil
            func integer(minimum: Int) throws(UsageError) -> Int {
                guard let text = inlineValue ?? remaining.popFirst() else {
                    throw UsageError(message: "error: \(name) needs a value, e.g. '\(name) \(minimum == 0 ? 0 : 10)'")
                }
                guard let value = Int(text), value >= minimum else {
                    throw UsageError(message: "error: \(name) takes a whole number of at least \(minimum), not '\(text)'")
                }
                return value
            }
            switch name {
            case "--records": records = try integer(minimum: 1)
            case "--repeat": repeats = try integer(minimum: 1)
            case "--gzip-mib": gzipMiB = try integer(minimum: 0)
            case "--stages":
                guard let text = inlineValue ?? remaining.popFirst() else {
                    throw UsageError(message: "error: --stages needs a value, e.g. '--stages jsonl,csv'")
                }
                let types = text.split(separator: ",").map(String.init).filter { !$0.isEmpty }
                guard !types.isEmpty else {
                    throw UsageError(message: "error: --stages lists no stage type, e.g. '--stages jsonl,csv'")
                }
                stageTypes = types
            case "--output-dir", "--dump-records":
                guard let path = inlineValue ?? remaining.popFirst(), !path.isEmpty else {
                    throw UsageError(
                        message: "error: \(name) needs a path, e.g. '\(name) /tmp/bench\(name == "--dump-records" ? "/records.jsonl" : "")'")
                }
                if name == "--output-dir" { outputDirectory = path } else { dumpRecordsPath = path }
            case "--json" where inlineValue == nil: json = true
            case "--keep" where inlineValue == nil: keepOutputs = true
            case "-h", "--help": help = true
            default: throw UsageError(message: "error: unknown argument '\(argument)'")
            }
        }
    }
}
