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
        for (index, item) in sequence.enumerated() {
            guard let (configured, pathNodes) = readStage(item, index: index) else { continue }
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

    mutating func readStage(_ node: Node, index: Int) -> (ConfiguredStage, [Node])? {
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
        for declaration in declarations where declaration.kind == .outputPath {
            guard let path = options.string(declaration.name) else { continue }
            let pathNode = valueNodes[declaration.name] ?? typeNode
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
            return (ConfiguredStage(typeName: typeName, index: index, stage: stage, outputPaths: outputPaths), pathNodes)
        } catch let error as StageOptionError {
            let location = error.option.flatMap { valueNodes[$0] ?? keyNode($0, in: node) } ?? typeNode
            let subject = error.option.map { "option '\($0)' of stage '\(typeName)'" } ?? "stage '\(typeName)'"
            report(at: location, "\(subject): \(error.message)", fix: error.fix)
            return nil
        } catch {
            report(at: typeNode, "stage '\(typeName)' cannot be set up: \(error)")
            return nil
        }
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
            // Without `${SHARD}` in it, every shard would write the same file.
            if loader.shard.isSharded, case .scalar(let scalar) = node, !scalar.string.contains("${SHARD}") {
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
