import ArgumentParser
import ExportPipeline

/// `--shard INDEX/COUNT`, else a Kubernetes Indexed Job's pod index.
struct ShardOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Run shard INDEX of COUNT (0 ≤ INDEX < COUNT ≤ 1000): the sources at positions i with i % COUNT == INDEX. Default: JOB_COMPLETION_INDEX/JOB_COMPLETIONS when both are set, else unsharded.",
            valueName: "index/count"))
    var shard: String?

    func validate() throws {
        if let shard {
            do {
                _ = try ShardAssignment(parsing: shard)
            } catch {
                throw ValidationError(error.description)
            }
        }
    }

    /// The shard: `--shard`, else the Indexed Job's variables, else unsharded.
    /// A bad value is written to stderr and is exit 2.
    func assignment(environment: [String: String]) throws(ArgumentParser.ExitCode) -> ShardAssignment {
        do {
            if let shard { return try ShardAssignment(parsing: shard) }
            return try ShardAssignment.fromEnvironment(environment) ?? .unsharded
        } catch {
            Console.writeStandardError("hss-export: \(error)\n")
            throw ArgumentParser.ExitCode(RunExitCode.usage)
        }
    }
}
