import ExportStageKit
import Foundation
import Yams

extension PipelineReader {
    static let sourcesEntryKeys = ["name"] + sourceKeys + ["tasks", "exports"]

    /// One `sources:` entry as read: the source, and its own tasks and exports
    /// (`nil` when the entry has none, or they could not be read).
    struct SourceEntry {
        var spec: SourceSpec
        var node: Node
        var tasks: [TaskSpec]?
        var exports: [ExportSpec]?
        var hasTasksOrExports: Bool
        var readable: Bool
    }

    /// Reads `sources:`: a non-empty list of named sources, each with the
    /// keys of `source:` plus its own `tasks` and `exports`. Entries that
    /// could not be read are reported and left out.
    mutating func readSources(_ node: Node) -> [SourceEntry]? {
        guard case .sequence(let sequence) = node else {
            report(
                at: node, "'sources' must be a list of sources, not \(kindName(node))",
                fix: "write '- name: cn4-prod' entries, each with region or endpoint and its tasks or exports")
            return nil
        }
        if sequence.isEmpty {
            report(at: node, "'sources' is an empty list", fix: "add a source, e.g. '- name: cn4-prod' with 'region: cn-north-4'")
            return nil
        }
        var entries: [SourceEntry] = []
        var names: [String: Int] = [:]
        for (index, item) in sequence.enumerated() {
            let label = "source \(index + 1)"
            guard
                let keys = mapping(
                    item, context: "'sources' entry \(index + 1)", allowed: Self.sourcesEntryKeys,
                    example: "'- name: cn4-prod' and below it, indented, 'region: cn-north-4' and the source's 'tasks:' or 'exports:'")
            else { continue }
            var name: String?
            if let nameNode = keys["name"] {
                name = sourceName(nameNode)
                if let name, let first = names[name] {
                    report(at: nameNode, "source name '\(name)' is used twice (also source \(first + 1))", fix: "give each source its own 'name'")
                } else if let name {
                    names[name] = index
                }
            } else {
                report(
                    at: item, "\(label) has no 'name'",
                    fix: "add 'name: …' (letters, digits, '.', '_', '-'; records carry it as 'source'), e.g. 'name: cn4-prod'")
            }
            let sourceLabel = name.map { "source '\($0)'" } ?? label
            let settings = readSourceSettings(keys, node: item, label: sourceLabel, locationKey: "sources[\(index)]", name: name ?? "")
            let tasks = keys["tasks"].flatMap { readTasks($0) }.map { list in
                list.map { TaskSpec(id: $0.id, name: $0.name, source: entries.count) }
            }
            let exports = keys["exports"].flatMap { readExports($0, locationPrefix: "sources[\(index)].exports") }.map { list in
                list.map { spec in
                    var spec = spec
                    spec.source = entries.count
                    spec.sourceName = name
                    return spec
                }
            }
            guard let settings else { continue }
            let readable = (keys["tasks"] == nil || tasks != nil) && (keys["exports"] == nil || exports != nil) && name != nil
            entries.append(
                SourceEntry(
                    spec: settings, node: item, tasks: tasks, exports: exports, hasTasksOrExports: keys["tasks"] != nil || keys["exports"] != nil,
                    readable: readable))
        }
        return entries
    }

    /// A source's `name:`, checked; nil (reported) when it is not usable.
    mutating func sourceName(_ node: Node) -> String? {
        checkedName(node, of: "source")
    }

    /// The tasks and exports of a `sources:` pipeline, source by source: each
    /// source's own tasks, its own exports, then the top-level exports made
    /// for it. A top-level export whose name a source's own export has is
    /// reported at the top-level entry.
    mutating func sourcesWork(
        _ entries: [SourceEntry], topLevelExports: [ExportSpec], topLevelNode: Node?, root: Node
    ) -> (tasks: [TaskSpec], exports: [ExportSpec]) {
        var tasks: [TaskSpec] = []
        var exports: [ExportSpec] = []
        for (index, entry) in entries.enumerated() {
            if !entry.hasTasksOrExports && topLevelNode == nil {
                report(
                    at: entry.node, "source '\(entry.spec.name)' has no 'tasks' or 'exports', and there are no top-level 'exports'",
                    fix: "add 'tasks:' or 'exports:' to the source, or top-level 'exports:' (made in every source), or remove the source")
            }
            tasks += entry.tasks ?? []
            let own = entry.exports ?? []
            exports += own
            let ownNames = Set(own.map(\.name))
            for export in topLevelExports {
                if ownNames.contains(export.name) {
                    report(
                        at: locations["exports.\(export.name)"] ?? topLevelNode.map(location(of:)) ?? location(of: root),
                        "export name '\(export.name)' of the top-level 'exports' is also an export of source '\(entry.spec.name)'",
                        fix: "give one of them its own 'name' (export names are unique within a source)")
                    continue
                }
                var copy = export
                copy.source = index
                copy.sourceName = entry.spec.name
                exports.append(copy)
            }
        }
        _ = root
        return (tasks, exports)
    }
}
