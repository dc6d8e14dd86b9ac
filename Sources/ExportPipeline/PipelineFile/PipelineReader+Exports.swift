import ExportStageKit
import Foundation
import Yams

extension PipelineReader {
    /// Reads `exports:`: a non-empty list of entries, each a `kind`, an
    /// optional `name` and the kind's parameters (see ``ExportKind/catalog``).
    /// Every problem is reported where it is; the entries without problems
    /// are returned, nil when the section itself is unusable.
    /// `locationPrefix` keys the entries in ``Pipeline/locations``
    /// (`exports.NAME`, or `sources[N].exports.NAME` for a source's own).
    mutating func readExports(_ node: Node, locationPrefix: String = "exports") -> [ExportSpec]? {
        guard case .sequence(let sequence) = node else {
            report(
                at: node, "'exports' must be a list of exports, not \(kindName(node))",
                fix: "write '- kind: vulnerabilities' entries with their parameters below")
            return nil
        }
        if sequence.isEmpty {
            report(
                at: node, "'exports' is an empty list",
                fix: "add an export, e.g. '- kind: vulnerabilities' with category, export_size and export_headers, or remove the key")
            return nil
        }
        var entries: [ExportEntry] = []
        for (index, item) in sequence.enumerated() {
            if let entry = readExportHead(item, index: index) { entries.append(entry) }
        }
        let names = exportNames(entries)
        var specs: [ExportSpec] = []
        for (entry, name) in zip(entries, names) {
            locations["\(locationPrefix).\(name)"] = location(of: entry.node)
            let (values, valueNodes, unreadable) = readExportValues(entry, name: name)
            var problems = entry.kind.parameterProblems(in: values, exportName: name, unreadable: unreadable)
            problems += entry.kind.ruleProblems(in: values, exportName: name, unreadable: unreadable)
            for problem in problems {
                report(at: entry.node(for: problem, in: valueNodes), problem.message, fix: problem.fix)
            }
            if problems.isEmpty && unreadable.isEmpty && entry.nameIsUsable {
                specs.append(entry.kind.spec(named: name, values: values))
            }
        }
        return specs
    }

    /// One entry's kind and `name`, read before its parameters so every
    /// message can use the name the export will have.
    struct ExportEntry {
        var kind: ExportKind
        var node: Node
        var kindNode: Node
        var name: String?
        var nameNode: Node?

        /// A `name:` that was given but could not be used (reported).
        var nameIsUsable: Bool { nameNode == nil || name != nil }

        /// Where a problem points: the element, the value, or the `kind` for
        /// what the entry lacks.
        func node(for problem: ExportKind.Problem, in valueNodes: [String: Node]) -> Node {
            guard let parameter = problem.parameter, let valueNode = valueNodes[parameter] else { return kindNode }
            if let element = problem.element, case .sequence(let sequence) = valueNode, sequence.indices.contains(element) {
                return sequence[element]
            }
            return valueNode
        }
    }

    mutating func readExportHead(_ node: Node, index: Int) -> ExportEntry? {
        let label = "export \(index + 1)"
        guard case .mapping(let mapping) = node else {
            report(
                at: node, "\(label) must be a mapping with 'kind' and its parameters, not \(kindName(node))",
                fix: "write '- kind: vulnerabilities' and the parameters below it")
            return nil
        }
        guard let kindNode = mapping.first(where: { $0.key.scalar?.string == "kind" })?.value else {
            report(at: node, "\(label) has no 'kind'", fix: "add 'kind:' with one of " + ExportKind.names.joined(separator: ", "))
            return nil
        }
        guard let kindName = string(kindNode, key: "kind") else { return nil }
        guard let kind = ExportKind.named(kindName) else {
            let suggestion = Suggestion.closest(to: kindName, in: ExportKind.names).map { "did you mean '\($0)'? " } ?? ""
            report(at: kindNode, "unknown export kind '\(kindName)'", fix: suggestion + "known kinds: " + ExportKind.names.joined(separator: ", "))
            return nil
        }
        var entry = ExportEntry(kind: kind, node: node, kindNode: kindNode)
        if let nameNode = mapping.first(where: { $0.key.scalar?.string == "name" })?.value {
            entry.nameNode = nameNode
            entry.name = exportName(nameNode)
        }
        return entry
    }

    /// The entry's parameters read into their types, with their nodes, and
    /// the keys that could not be read (reported).
    mutating func readExportValues(
        _ entry: ExportEntry, name: String
    ) -> (values: [String: ExportParameterValue], nodes: [String: Node], unreadable: Set<String>) {
        var values: [String: ExportParameterValue] = [:]
        var valueNodes: [String: Node] = [:]
        var unreadable: Set<String> = []
        guard case .mapping(let mapping) = entry.node else { return (values, valueNodes, unreadable) }
        for (keyNode, valueNode) in mapping {
            guard case .scalar(let keyScalar) = keyNode else {
                report(at: keyNode, "keys in export '\(name)' must be plain names")
                unreadable.insert("")
                continue
            }
            let key = keyScalar.string
            if key == "kind" || key == "name" { continue }
            guard let parameter = entry.kind.parameter(named: key) else {
                report(
                    at: keyNode, "unknown key '\(key)' in export '\(name)'",
                    fix: Suggestion.fix(for: key, in: ["kind", "name"] + entry.kind.parameters.map(\.name)))
                unreadable.insert(key)
                continue
            }
            valueNodes[key] = valueNode
            if parameter.type == .headers {
                // The pairs that could be read are still checked, so every
                // wrong element is reported, not only the malformed ones.
                let (pairs, complete) = exportHeaders(valueNode, label: "'\(key)' of export '\(name)'", key: key, example: parameter.exampleText)
                if let pairs { values[key] = pairs }
                if !complete { unreadable.insert(key) }
                continue
            }
            guard let value = exportValue(valueNode, parameter: parameter, export: name) else {
                unreadable.insert(key)
                continue
            }
            values[key] = value
        }
        return (values, valueNodes, unreadable)
    }

    /// `name:`, checked; nil (reported) when it is not a usable name.
    mutating func exportName(_ node: Node) -> String? {
        checkedName(node, of: "export")
    }

    /// A `name:` of an export or a source: 1 to 64 letters, digits, `.`, `_`
    /// and `-`, since it ends up in file names, journal keys and labels.
    mutating func checkedName(_ node: Node, of subject: String) -> String? {
        guard let name = string(node, key: "name") else { return nil }
        if name.count > 64 {
            report(at: node, "\(subject) name '\(name.prefix(20))…' is \(name.count) characters, more than 64", fix: "use at most 64 characters")
            return nil
        }
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")
        if !name.allSatisfy(allowed.contains) {
            report(
                at: node, "\(subject) name '\(name)' may hold only letters, digits, '.', '_' and '-'",
                fix: "rename it, e.g. '\(String(name.map { allowed.contains($0) ? $0 : "-" }))'")
            return nil
        }
        return name
    }

    /// Each entry's name: its own `name`, or its kind numbered `-2`, `-3`,
    /// ... for repeats, skipping names given explicitly. A name given twice
    /// is reported at its second use.
    mutating func exportNames(_ entries: [ExportEntry]) -> [String] {
        var taken: Set<String> = []
        for entry in entries {
            guard let name = entry.name, let nameNode = entry.nameNode else { continue }
            if !taken.insert(name).inserted {
                report(at: nameNode, "export name '\(name)' is used twice", fix: "give each export its own 'name'")
            }
        }
        var counts: [String: Int] = [:]
        var names: [String] = []
        for entry in entries {
            if let name = entry.name {
                names.append(name)
                continue
            }
            // An unusable `name:` was reported already; the kind stands in.
            var count = counts[entry.kind.name, default: 0]
            var candidate: String
            repeat {
                count += 1
                candidate = count == 1 ? entry.kind.name : "\(entry.kind.name)-\(count)"
            } while taken.contains(candidate)
            counts[entry.kind.name] = count
            taken.insert(candidate)
            names.append(candidate)
        }
        return names
    }

    /// Reads one parameter's YAML value into the shape its type takes. What
    /// the value may be (choices, ranges, lengths) is the kind's to check.
    mutating func exportValue(_ node: Node, parameter: ExportParameter, export: String) -> ExportParameterValue? {
        let key = parameter.name
        let label = "'\(key)' of export '\(export)'"
        switch parameter.type {
        case .string, .oneOf:
            return string(node, key: key).map(ExportParameterValue.string)
        case .integer:
            guard let text = string(node, key: key) else { return nil }
            guard let number = Int(text.trimmingCharacters(in: .whitespaces)) else {
                let problem = Self.isIntegerLiteral(text.trimmingCharacters(in: .whitespaces)) ? "is too large for an integer" : "must be an integer"
                report(
                    at: node, "\(label) \(problem), not '\(text.prefix(40))'", fix: "write a whole number, e.g. '\(key): \(parameter.exampleText)'")
                return nil
            }
            return .integer(number)
        case .boolean:
            return bool(node, key: key).map(ExportParameterValue.boolean)
        case .stringList:
            guard let items = exportList(node, label: label, key: key, example: parameter.exampleText) else { return nil }
            var strings: [String] = []
            for item in items {
                guard let text = string(item, key: key) else { return nil }
                strings.append(text)
            }
            return .stringList(strings)
        case .integerList:
            guard let items = exportList(node, label: label, key: key, example: parameter.exampleText) else { return nil }
            var numbers: [Int] = []
            var failed = false
            for (index, item) in items.enumerated() {
                guard let text = string(item, key: key) else {
                    failed = true
                    continue
                }
                guard let number = Int(text.trimmingCharacters(in: .whitespaces)) else {
                    let problem =
                        Self.isIntegerLiteral(text.trimmingCharacters(in: .whitespaces)) ? "is too large for an integer" : "must be an integer"
                    report(
                        at: item, "element \(index + 1) of \(label) \(problem), not '\(text.prefix(40))'",
                        fix: "write whole numbers, e.g. \(parameter.exampleText)")
                    failed = true
                    continue
                }
                numbers.append(number)
            }
            return failed ? nil : .integerList(numbers)
        case .headers:
            let (pairs, complete) = exportHeaders(node, label: label, key: key, example: parameter.exampleText)
            return complete ? pairs : nil
        }
    }

    mutating func exportList(_ node: Node, label: String, key: String, example: String) -> [Node]? {
        guard case .sequence(let sequence) = node else {
            report(at: node, "\(label) must be a list, not \(kindName(node))", fix: "write '\(key): \(example)'")
            return nil
        }
        return Array(sequence)
    }

    /// `[[field, title], ...]`; each element that is not a pair of single
    /// values is reported at the element and stands as a placeholder, so the
    /// other elements keep their positions for the kind's checks. Complete
    /// when every element could be read.
    mutating func exportHeaders(_ node: Node, label: String, key: String, example: String) -> (ExportParameterValue?, complete: Bool) {
        guard let items = exportList(node, label: label, key: key, example: example) else { return (nil, false) }
        var pairs: [ExportParameterValue.Header] = []
        var complete = true
        let placeholder = ExportParameterValue.Header("?", "?")
        for (index, item) in items.enumerated() {
            guard case .sequence(let pair) = item, pair.count == 2 else {
                let found: String
                if case .sequence(let other) = item { found = "a list of \(other.count)" } else { found = kindName(item) }
                report(
                    at: item, "element \(index + 1) of \(label) must be a [field, title] pair, not \(found)",
                    fix: "write each element as [field, title], e.g. '\(key): \(example)'")
                complete = false
                pairs.append(placeholder)
                continue
            }
            guard let field = string(pair[0], key: key, allowEmpty: true), let title = string(pair[1], key: key, allowEmpty: true) else {
                complete = false
                pairs.append(placeholder)
                continue
            }
            pairs.append(.init(field, title))
        }
        return (.headers(pairs), complete)
    }
}
