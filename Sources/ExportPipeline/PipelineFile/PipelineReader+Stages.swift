import ExportStageKit
import Foundation
import Yams

extension PipelineReader {
    mutating func readStages(_ node: Node) -> [ConfiguredStage]? {
        guard case .sequence(let sequence) = node else {
            report(at: node, "'stages' must be a list of stages, not \(kindName(node))", fix: "write '- type: jsonl' entries")
            return nil
        }
        if sequence.isEmpty {
            report(at: node, "'stages' is empty, so the run would write nothing", fix: "add a stage, e.g. '- type: jsonl' with 'path: results.jsonl'")
            return nil
        }
        var stages: [ConfiguredStage] = []
        var pathOwners: [String: Int] = [:]
        var standardOutputOwner: Int?
        for (index, item) in sequence.enumerated() {
            guard let (configured, pathNodes, standardOutputNode) = readStage(item, index: index) else { continue }
            if let standardOutputNode {
                // Two stages on one stdout would interleave two formats in one stream.
                if let owner = standardOutputOwner {
                    report(
                        at: standardOutputNode, "stage \(index + 1) writes standard output, which stage \(owner + 1) writes already",
                        fix: "at most one stage may write stdout (path: \"-\"); give the others a file path")
                } else {
                    standardOutputOwner = index
                }
            }
            for (path, pathNode) in zip(configured.outputPaths, pathNodes) {
                if let owner = pathOwners[path] {
                    report(
                        at: pathNode, "stage \(index + 1) writes '\(path)', which stage \(owner + 1) writes too",
                        fix: "give each stage its own output file")
                } else {
                    pathOwners[path] = index
                }
            }
            stages.append(configured)
        }
        return stages
    }

    /// Reads and builds one stage: returns it, the nodes of its output
    /// paths, and, when it writes standard output, the node that says so
    /// (its `path: -`, or its `type` for a stage that writes stdout by itself).
    mutating func readStage(_ node: Node, index: Int) -> (ConfiguredStage, [Node], Node?)? {
        let label = "stage \(index + 1)"
        guard case .mapping(let mapping) = node else {
            report(
                at: node, "\(label) must be a mapping with 'type' and its options, not \(kindName(node))",
                fix: "write '- type: jsonl' and the stage's options below it")
            return nil
        }
        guard let typeNode = mapping.first(where: { $0.key.scalar?.string == "type" })?.value else {
            report(at: node, "\(label) has no 'type'", fix: "add 'type:' with one of " + loader.registry.typeNames.joined(separator: ", "))
            return nil
        }
        guard let typeName = string(typeNode, key: "type") else { return nil }
        guard let stageType = loader.registry.stage(named: typeName) else {
            let suggestion = Suggestion.closest(to: typeName, in: loader.registry.typeNames).map { "did you mean '\($0)'? " } ?? ""
            report(
                at: typeNode, "unknown stage type '\(typeName)'",
                fix: suggestion + "known types: " + loader.registry.typeNames.joined(separator: ", ") + " (hss-export stages lists them)")
            return nil
        }
        let declarations = stageType.options
        var values: [String: StageOptionValue] = [:]
        var valueNodes: [String: Node] = [:]
        var failed = false
        for (keyNode, valueNode) in mapping {
            guard let key = keyNode.scalar?.string, key != "type" else { continue }
            guard let declaration = declarations.first(where: { $0.name == key }) else {
                let names = declarations.map(\.name)
                report(
                    at: keyNode, "unknown key '\(key)' in stage '\(typeName)'",
                    fix: names.isEmpty ? "this stage takes no options" : Suggestion.fix(for: key, in: names))
                failed = true
                continue
            }
            guard let value = optionValue(valueNode, declaration: declaration, stageType: typeName) else {
                failed = true
                continue
            }
            values[key] = value
            valueNodes[key] = valueNode
        }
        for declaration in declarations where declaration.isRequired && values[declaration.name] == nil && declaration.defaultValue == nil {
            report(at: typeNode, "stage '\(typeName)' needs option '\(declaration.name)'", fix: "add '\(declaration.name): …' (\(declaration.help))")
            failed = true
        }
        guard !failed else { return nil }
        let options = StageOptions(values, declarations: declarations, baseDirectory: baseDirectory)
        var outputPaths: [String] = []
        var pathNodes: [Node] = []
        var standardOutputNode: Node?
        for declaration in declarations where declaration.kind == .outputPath {
            guard let path = options.string(declaration.name) else { continue }
            let pathNode = valueNodes[declaration.name] ?? typeNode
            // `-` is standard output, no file: no directory to check, no path for another stage to clash with.
            // A stage that cannot write stdout refuses it when it is built, below.
            if options.value(declaration.name) == .string(ReplaceableOutput.standardOutputPath) {
                standardOutputNode = pathNode
                continue
            }
            if loader.isForRun {
                var isDirectory: ObjCBool = false
                let directory = FilePath.directory(of: path)
                if !FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) || !isDirectory.boolValue {
                    report(
                        at: pathNode, "the directory of '\(path)' does not exist",
                        fix: "create \(directory) first (hss-export does not create directories)")
                    failed = true
                } else if !FileManager.default.isWritableFile(atPath: directory) {
                    report(
                        at: pathNode, "cannot write to the directory of '\(path)'",
                        fix: "give the user running hss-export write permission on \(directory)")
                    failed = true
                }
            }
            outputPaths.append(path)
            pathNodes.append(pathNode)
        }
        guard !failed else { return nil }
        do {
            var context = StageBuildContext(index: index, pipelineFile: file, sourceNames: sourceNames)
            context.shardIndex = loader.shard.index
            context.shardCount = loader.shard.count
            let stage = try stageType.init(options: options, context: context)
            if stage.writesStandardOutput, standardOutputNode == nil { standardOutputNode = typeNode }
            let configured = ConfiguredStage(typeName: typeName, index: index, stage: stage, outputPaths: outputPaths)
            return (configured, pathNodes, stage.writesStandardOutput ? standardOutputNode : nil)
        } catch let error as StageOptionError {
            let location = error.option.flatMap { valueNodes[$0] ?? keyNode($0, in: node) } ?? typeNode
            let subject = error.option.map { "option '\($0)' of stage '\(typeName)'" } ?? "stage '\(typeName)'"
            var fix = error.fix
            if let option = error.option, options.value(option) == .string(ReplaceableOutput.standardOutputPath),
                declarations.first(where: { $0.name == option })?.kind == .outputPath, !(stageType is any StandardOutputCapableStage.Type)
            {
                fix = standardOutputFix ?? fix
            }
            report(at: location, "\(subject): \(error.message)", fix: fix)
            return nil
        } catch {
            report(at: typeNode, "stage '\(typeName)' cannot be set up: \(error)")
            return nil
        }
    }

    /// The fix for `path: -` given to a stage that cannot write standard
    /// output: the registered stages that can (`nil` when none can: the
    /// stage's own fix stands).
    var standardOutputFix: String? {
        // (A closure, not `\.typeName`: a key path to a static member of an existential metatype crashes the 6.3 compiler.)
        let capable = loader.registry.stageTypes.filter { $0 is any StandardOutputCapableStage.Type }.map { $0.typeName }
        guard !capable.isEmpty else { return nil }
        let names = capable.count == 1 ? capable[0] : capable.dropLast().joined(separator: ", ") + " and " + capable[capable.count - 1]
        return "give the path of a regular file; only the \(names) stage\(capable.count == 1 ? "" : "s") can write standard output (path: \"-\")"
    }

    /// Checks one option value against its declared kind.
    mutating func optionValue(_ node: Node, declaration: StageOption, stageType: String) -> StageOptionValue? {
        let key = declaration.name
        switch declaration.kind {
        case .string:
            return string(node, key: key, allowEmpty: true).map(StageOptionValue.string)
        case .outputPath:
            guard let path = string(node, key: key) else { return nil }
            if path.hasSuffix("/") {
                report(at: node, "'\(key)' of stage '\(stageType)' names a directory: '\(path)'", fix: "name a file, e.g. '\(path)results'")
                return nil
            }
            if path.contains("\0") {
                report(at: node, "'\(key)' of stage '\(stageType)' contains a NUL character")
                return nil
            }
            // Without `${SHARD}` in it, every shard would write the same file; stdout is each shard's own.
            if loader.shard.isSharded, path != ReplaceableOutput.standardOutputPath, case .scalar(let scalar) = node,
                !scalar.string.contains("${SHARD}")
            {
                return .string(loader.shard.outputPath(path))
            }
            return .string(path)
        case .bool:
            return bool(node, key: key).map(StageOptionValue.bool)
        case .integer(let range):
            return integer(node, key: key, range: range ?? Int.min...Int.max).map(StageOptionValue.integer)
        case .duration:
            return duration(node, key: key).map(StageOptionValue.duration)
        case .choice(let choices):
            guard let value = string(node, key: key) else { return nil }
            guard choices.contains(value) else {
                let hint = Suggestion.closest(to: value, in: choices).map { "did you mean '\($0)'? " } ?? ""
                report(
                    at: node, "'\(key)' of stage '\(stageType)' must be one of \(choices.joined(separator: ", ")), not '\(value)'",
                    fix: hint + "write one of " + choices.joined(separator: ", "))
                return nil
            }
            return .string(value)
        case .stringList:
            guard case .sequence(let sequence) = node else {
                report(at: node, "'\(key)' of stage '\(stageType)' must be a list, not \(kindName(node))", fix: "write '\(key): [a, b]'")
                return nil
            }
            var items: [String] = []
            for item in sequence {
                guard let value = string(item, key: key) else { return nil }
                items.append(value)
            }
            return .stringList(items)
        case .stringMap:
            guard case .mapping(let mapping) = node else {
                report(at: node, "'\(key)' of stage '\(stageType)' must be a mapping, not \(kindName(node))", fix: "write '\(key): {name: value}'")
                return nil
            }
            var entries: [StageOptionValue.KeyValue] = []
            for (keyNode, valueNode) in mapping {
                guard let name = keyNode.scalar?.string, let value = string(valueNode, key: "\(key).\(name)", allowEmpty: true) else { return nil }
                entries.append(.init(name, value))
            }
            return .stringMap(entries)
        }
    }
}
