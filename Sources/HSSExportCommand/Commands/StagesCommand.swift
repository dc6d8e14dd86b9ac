import ArgumentParser
import ExportPipeline
import ExportStageKit

/// `hss-export stages`: what a pipeline file's `stages` may contain.
struct StagesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stages",
        abstract: "List the registered stage types and their options."
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
