import Foundation

/// The shapes of the Kubernetes objects the examples use, and a checker that
/// walks a parsed manifest and names every key the API does not define.
///
/// `kubectl apply` (server-side field validation) would reject a misspelled
/// field; CI has no cluster, so this is the offline stand-in. The schema is a
/// strict subset of the 1.31 API: a field is listed only when its name, type
/// and place are certain, and a field that exists but is not modelled here
/// (probes, affinity, ...) is rejected too, so that using one means adding it
/// here on purpose.
struct KubernetesSchema: Sendable {
    /// A parsed YAML value, as the JSON that PyYAML turned it into.
    indirect enum Value: Decodable, Sendable, Equatable {
        case null
        case bool(Bool)
        case integer(Int)
        case number(Double)
        case string(String)
        case list([Value])
        case object([String: Value])

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if container.decodeNil() {
                self = .null
            } else if let value = try? container.decode(Bool.self) {
                self = .bool(value)
            } else if let value = try? container.decode(Int.self) {
                self = .integer(value)
            } else if let value = try? container.decode(Double.self) {
                self = .number(value)
            } else if let value = try? container.decode(String.self) {
                self = .string(value)
            } else if let value = try? container.decode([Value].self) {
                self = .list(value)
            } else {
                self = .object(try container.decode([String: Value].self))
            }
        }

        subscript(key: String) -> Value? {
            if case .object(let fields) = self { return fields[key] }
            return nil
        }

        /// The value at a dotted path of object keys (`spec.jobTemplate.spec`).
        func at(_ path: String) -> Value? {
            path.split(separator: ".").reduce(Optional(self)) { value, key in value?[String(key)] }
        }

        var string: String? {
            if case .string(let text) = self { return text }
            return nil
        }

        var integer: Int? {
            if case .integer(let number) = self { return number }
            return nil
        }

        var list: [Value] {
            if case .list(let items) = self { return items }
            return []
        }

        var typeName: String {
            switch self {
            case .null: return "null"
            case .bool: return "a boolean"
            case .integer: return "an integer"
            case .number: return "a number"
            case .string: return "a string"
            case .list: return "a list"
            case .object: return "a mapping"
            }
        }
    }

    /// What a field holds.
    indirect enum FieldType: Sendable {
        case string
        case integer
        case boolean
        /// A string from a fixed set (the API's enum constants).
        case oneOf([String])
        /// A resource quantity: `100m`, `512Mi`, `2`, or an integer.
        case quantity
        /// A mapping with free string keys and string values (labels, ConfigMap data).
        case stringMap
        /// A mapping with free keys and quantity values (limits, requests).
        case quantityMap
        case list(FieldType)
        case object(ObjectType)
    }

    /// An object type of the API: its fields, and which of them are required.
    struct ObjectType: Sendable {
        var name: String
        var fields: [String: FieldType]
        var required: [String] = []
        /// Fields of which exactly one must be set (a volume's source).
        var exactlyOne: [String] = []
    }

    /// The object types of each top-level kind, by `apiVersion` and `kind`.
    var kinds: [String: ObjectType]

    /// Every problem of `document` (one top-level object), each naming where it is.
    func problems(in document: Value, at location: String) -> [String] {
        guard case .object = document else {
            return ["\(location): a manifest is a mapping, not \(document.typeName)"]
        }
        var problems: [String] = []
        let apiVersion = document["apiVersion"]?.string
        let kind = document["kind"]?.string
        if apiVersion == nil { problems.append("\(location): no apiVersion; add one, e.g. 'apiVersion: batch/v1'") }
        if kind == nil { problems.append("\(location): no kind; add one, e.g. 'kind: CronJob'") }
        if document.at("metadata.name")?.string?.isEmpty ?? true {
            problems.append("\(location): no metadata.name; every object needs a name")
        }
        guard let apiVersion, let kind else { return problems }
        guard let type = kinds["\(apiVersion) \(kind)"] else {
            let known = kinds.keys.sorted().joined(separator: ", ")
            return problems + ["\(location): '\(apiVersion) \(kind)' is not a kind this check knows; known: \(known)"]
        }
        check(document, as: .object(type), at: "\(location) \(kind)", into: &problems)
        return problems
    }

    private func check(_ value: Value, as type: FieldType, at path: String, into problems: inout [String]) {
        switch (type, value) {
        case (.string, .string), (.integer, .integer), (.boolean, .bool):
            return
        case (.oneOf(let choices), .string(let text)):
            if !choices.contains(text) {
                problems.append("\(path): '\(text)' is not one of \(choices.joined(separator: ", "))")
            }
        case (.quantity, .integer):
            return
        case (.quantity, .string(let text)):
            if text.wholeMatch(of: /[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([KMGTPE]i|[numkMGTPE]|[eE][+-]?[0-9]+)?/) == nil {
                problems.append("\(path): '\(text)' is not a quantity; write e.g. 100m, 512Mi or 2")
            }
        case (.stringMap, .object(let fields)):
            for (key, item) in fields where item.string == nil {
                problems.append("\(path).\(key): must be a string, not \(item.typeName); quote it")
            }
        case (.quantityMap, .object(let fields)):
            for (key, item) in fields { check(item, as: .quantity, at: "\(path).\(key)", into: &problems) }
        case (.list(let element), .list(let items)):
            for (index, item) in items.enumerated() { check(item, as: element, at: "\(path)[\(index)]", into: &problems) }
        case (.object(let object), .object(let fields)):
            for key in fields.keys.sorted() {
                guard let fieldType = object.fields[key] else {
                    problems.append("\(path): unknown field '\(key)' in \(object.name)\(Self.suggestion(for: key, among: object.fields.keys))")
                    continue
                }
                check(fields[key]!, as: fieldType, at: "\(path).\(key)", into: &problems)
            }
            for key in object.required where fields[key] == nil {
                problems.append("\(path): \(object.name) needs '\(key)'")
            }
            if !object.exactlyOne.isEmpty {
                let present = object.exactlyOne.filter { fields[$0] != nil }
                if present.count != 1 {
                    problems.append(
                        "\(path): \(object.name) needs exactly one of \(object.exactlyOne.joined(separator: ", ")), has \(present.count)")
                }
            }
        default:
            problems.append("\(path): must be \(Self.describe(type)), not \(value.typeName)")
        }
    }

    private static func describe(_ type: FieldType) -> String {
        switch type {
        case .string, .oneOf: return "a string"
        case .integer: return "an integer"
        case .boolean: return "a boolean"
        case .quantity: return "a quantity"
        case .stringMap, .quantityMap: return "a mapping"
        case .list: return "a list"
        case .object(let object): return "a mapping (\(object.name))"
        }
    }

    /// "; did you mean 'X'?" for a key that differs from a known one by case or a few letters.
    private static func suggestion(for key: String, among known: Dictionary<String, FieldType>.Keys) -> String {
        let lowered = key.lowercased()
        // A few letters off, or the known name cut short (`storageClass` for `storageClassName`).
        let scored = known.map { name -> (String, Int) in
            let candidate = name.lowercased()
            let isPrefix = lowered.count >= 4 && (candidate.hasPrefix(lowered) || lowered.hasPrefix(candidate))
            return (name, min(distance(candidate, lowered), isPrefix ? 3 : .max))
        }.filter { $0.1 <= 3 }
        guard let best = scored.min(by: { $0.1 < $1.1 || ($0.1 == $1.1 && $0.0 < $1.0) }) else {
            return " (not a field of the API, or not modelled in KubernetesSchema+API.swift)"
        }
        return "; did you mean '\(best.0)'?"
    }

    private static func distance(_ left: String, _ right: String) -> Int {
        let left = Array(left)
        let right = Array(right)
        var previous = Array(0...right.count)
        for (i, l) in left.enumerated() {
            var current = [i + 1]
            for (j, r) in right.enumerated() {
                current.append(min(previous[j + 1] + 1, current[j] + 1, previous[j] + (l == r ? 0 : 1)))
            }
            previous = current
        }
        return previous[right.count]
    }
}
