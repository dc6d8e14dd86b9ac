import ExportStageKit
import Yams

/// Parses scenario YAML and turns decoding errors into ``SimulatorScenarioError`` with
/// the line, column and key path of the bad value.
enum ScenarioLoader {
    static func load(yaml: String, sourceName: String) throws -> SimulatorScenario {
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: yaml) else {
                throw SimulatorScenarioError(source: sourceName, message: "the scenario is empty", fix: "start with 'project_id: ...'")
            }
            root = node
        } catch let error as SimulatorScenarioError {
            throw error
        } catch let error as YamlError {
            throw syntaxError(error, sourceName: sourceName)
        }
        guard root.mapping != nil else {
            throw SimulatorScenarioError(
                source: sourceName, line: root.mark?.line, column: root.mark?.column,
                message: "the scenario must be a mapping of keys", fix: "start with 'project_id: ...'"
            )
        }
        do {
            return try YAMLDecoder().decode(SimulatorScenario.self, from: root)
        } catch let error as DecodingError {
            throw describe(error, root: root, sourceName: sourceName)
        }
    }

    private static func syntaxError(_ error: YamlError, sourceName: String) -> SimulatorScenarioError {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _), .composer(_, let problem, let mark, _):
            return SimulatorScenarioError(source: sourceName, line: mark.line, column: mark.column, message: "invalid YAML: \(problem)")
        case .reader(let problem, let offset, let value, let yaml):
            // libyaml's reader (control characters, NUL) knows only an offset, in characters of the text.
            let position = offset.map { TextPosition(characterOffset: $0, in: yaml) } ?? TextPosition(line: 1, column: 1)
            let hex = String(value, radix: 16, uppercase: true)
            let character = value >= 0 ? " (U+\(String(repeating: "0", count: max(0, 4 - hex.count)) + hex))" : ""
            return SimulatorScenarioError(
                source: sourceName, line: position.line, column: position.column, message: "invalid YAML: \(problem)\(character)",
                fix: "remove the character or write it as an escape inside double quotes")
        case .duplicatedKeysInMapping(let duplicates, let context):
            return SimulatorScenarioError(
                source: sourceName, line: context.mark.line, column: context.mark.column,
                message: "duplicate key \(duplicates.sorted().map { "'\($0)'" }.joined(separator: ", "))", fix: "keep one of them")
        default:
            return SimulatorScenarioError(source: sourceName, line: 1, column: 1, message: "invalid YAML: \(error)")
        }
    }

    private static func describe(_ error: DecodingError, root: Node, sourceName: String) -> SimulatorScenarioError {
        let path: [any CodingKey]
        let message: String
        switch error {
        case .keyNotFound(let key, let context):
            path = context.codingPath
            message = "missing required key '\(key.stringValue)'"
        case .typeMismatch(let type, let context):
            path = context.codingPath
            message = "expected \(friendlyName(of: type))\(found(at: path, in: root))"
        case .valueNotFound(let type, let context):
            path = context.codingPath
            message = "expected \(friendlyName(of: type)), found nothing"
        case .dataCorrupted(let context):
            path = context.codingPath
            message = context.debugDescription
        @unknown default:
            path = []
            message = "\(error)"
        }
        let mark = self.mark(of: path, in: root)
        return SimulatorScenarioError(
            source: sourceName,
            line: mark?.line,
            column: mark?.column,
            keyPath: keyPath(path),
            message: message
        )
    }

    /// `tasks[1].script[0].for`.
    static func keyPath(_ path: [any CodingKey]) -> String {
        var result = ""
        for key in path {
            if let index = key.intValue {
                result += "[\(index)]"
            } else {
                result += result.isEmpty ? key.stringValue : ".\(key.stringValue)"
            }
        }
        return result
    }

    /// The mark of the deepest node along `path` that exists: a missing key points at its
    /// mapping, a bad scalar at the value, a bad collection at its key.
    private static func mark(of path: [any CodingKey], in root: Node) -> Mark? {
        var node = root
        var keyMark: Mark?
        for key in path {
            if let mapping = node.mapping, let pair = mapping.first(where: { $0.key.string == key.stringValue }) {
                node = pair.value
                keyMark = pair.key.mark
            } else if let sequence = node.sequence, let index = key.intValue, index < sequence.count {
                node = sequence[index]
                keyMark = nil
            } else {
                break
            }
        }
        if node.scalar == nil, let keyMark {
            return keyMark
        }
        return node.mark
    }

    private static func found(at path: [any CodingKey], in root: Node) -> String {
        var node: Node? = root
        for key in path {
            if let mapping = node?.mapping {
                node = mapping.first { $0.key.string == key.stringValue }?.value
            } else if let sequence = node?.sequence, let index = key.intValue, index < sequence.count {
                node = sequence[index]
            } else {
                node = nil
            }
        }
        switch node {
        case .scalar(let scalar)?: return ", found '\(scalar.string)'"
        case .mapping?: return ", found a mapping"
        case .sequence?: return ", found a list"
        default: return ""
        }
    }

    private static func friendlyName(of type: Any.Type) -> String {
        switch type {
        case is Int.Type: return "a whole number"
        case is String.Type: return "a string"
        case is [Any].Type: return "a list"
        default:
            let name = "\(type)"
            return name.hasPrefix("Array") || name.hasPrefix("[")
                ? "a list" : (name.contains("Dictionary") || name.contains("Key") ? "a mapping" : "a \(name)")
        }
    }
}
