import ArgumentParser
import ExportPipeline
import ExportStageKit

/// `hss-export stages`: what a pipeline file's `stages` may contain.
struct StagesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stages",
        abstract: "List the registered stage types and their options.",
        discussion: """
            One entry per stage type a pipeline file's 'stages' may use: its summary, then each option with its kind, \
            whether it is required, its default and what it does. A custom binary's own stages are listed too. \
            See docs/stages.md.

            Examples:
              hss-export stages
              hss-export stages --json
            """
    )

    @Flag(help: "Print JSON for machines instead of text.")
    var json = false

    func run() async throws {
        let stages = CommandEnvironment.registry.stageTypes
        if json {
            let document = JSONValue.array(
                stages.map { stage in
                    .object([
                        ("type", .string(stage.typeName)),
                        ("summary", .string(stage.summary)),
                        ("options", .array(stage.options.map(\.jsonValue))),
                    ])
                })
            Console.printLine(document.serialized)
            return
        }
        var lines: [String] = []
        for stage in stages {
            lines.append("\(stage.typeName): \(stage.summary)")
            for option in stage.options {
                var traits = [option.kind.displayName]
                if option.isRequired { traits.append("required") }
                if let value = option.defaultValue { traits.append("default \(value)") }
                lines.append("  \(option.name) (\(traits.joined(separator: ", "))): \(option.help)")
            }
            if stage.options.isEmpty { lines.append("  (no options)") }
            lines.append("")
        }
        Console.printLine(lines.joined(separator: "\n").trimmingTrailingNewlines)
    }
}

extension String {
    var trimmingTrailingNewlines: String {
        var copy = self
        while copy.hasSuffix("\n") { copy.removeLast() }
        return copy
    }
}
