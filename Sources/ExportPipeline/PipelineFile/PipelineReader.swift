import ExportStageKit
import Foundation
import Yams

/// Walks the YAML tree of one pipeline file, collecting every problem.
struct PipelineReader {
    let loader: PipelineLoader
    let file: String
    let baseDirectory: String
    private(set) var diagnostics: [PipelineDiagnostic] = []
    /// Where some keys are, for problems found after loading (``Pipeline/locations``).
    var locations: [String: PipelineDiagnostic.Location] = [:]
    /// The names of a `sources:` file's sources, in file order, once read
    /// (empty for `source:`): stages learn them from their build context.
    var sourceNames: [String] = []

    init(loader: PipelineLoader, file: String, baseDirectory: String) {
        self.loader = loader
        self.file = file
        self.baseDirectory = baseDirectory
    }

    static let topLevelKeys = ["version", "source", "sources", "tasks", "exports", "download", "state", "wait", "stages"]

    mutating func readPipeline(_ root: Node, sha256: String) -> Pipeline? {
        guard
            let sections = mapping(
                root, context: "the pipeline file", allowed: Self.topLevelKeys,
                example: "'version: 1', then the 'source:', 'tasks:' and 'stages:' sections")
        else { return nil }
        var version = 1
        if let node = sections["version"] {
            if let value = readVersion(node) { version = value }
        } else {
            report(at: root, "missing key 'version'", fix: "add 'version: 1' at the top")
        }
        if let sourcesNode = sections["sources"] {
            if sections["source"] != nil {
                report(
                    at: keyNode("sources", in: root) ?? sourcesNode, "the file has both 'source' and 'sources'",
                    fix: "keep one: move the single 'source:' into 'sources:' as an entry with a 'name', or remove 'sources:'")
                return nil
            }
            return readMultiSourcePipeline(root, sections: sections, sourcesNode: sourcesNode, version: version, sha256: sha256)
        }
        let source = sections["source"].flatMap { readSource($0) }
        if sections["source"] == nil {
            report(
                at: root, "missing section 'source'",
                fix: "add 'source:' with region or endpoint (and project_id), or 'sources:' with a list of named sources")
        }
        let tasks = sections["tasks"].map { readTasks($0) } ?? []
        let exports = sections["exports"].map { readExports($0) } ?? []
        if sections["tasks"] == nil, sections["exports"] == nil {
            report(
                at: root, "missing section 'tasks' or 'exports'",
                fix: "add 'tasks:' with a list of export task ids, or 'exports:' with the exports to create (or both)")
        }
        let download = sections["download"].flatMap { readDownload($0) }
        let state = sections["state"].map { readState($0) } ?? StateSettings()
        let wait = sections["wait"].map { readWait($0) } ?? WaitPolicy()
        let stages = sections["stages"].flatMap { readStages($0) }
        if sections["stages"] == nil {
            report(at: root, "missing section 'stages'", fix: "add 'stages:' with at least one stage, e.g. '- type: jsonl' and 'path: results.jsonl'")
        }
        guard let source, let tasks, let exports, let stages else { return nil }
        if sections["download"] != nil, download == nil { return nil }
        return Pipeline(
            file: file, sha256: sha256, version: version, source: source, tasks: tasks, exports: exports, download: download,
            state: state, wait: wait, stages: stages, locations: locations
        )
    }

    /// A file with `sources:`: the sources with their own tasks and exports,
    /// the top-level `exports` made in every source, no top-level `tasks`.
    mutating func readMultiSourcePipeline(
        _ root: Node, sections: [String: Node], sourcesNode: Node, version: Int, sha256: String
    ) -> Pipeline? {
        let entries = readSources(sourcesNode)
        sourceNames = entries?.map(\.spec.name) ?? []
        if let tasksNode = sections["tasks"] {
            report(
                at: keyNode("tasks", in: root) ?? tasksNode, "top-level 'tasks' cannot be used with 'sources'",
                fix: "move the task ids under the source whose project they belong to ('tasks:' inside its 'sources' entry); "
                    + "a task id names a task of one project")
        }
        let topLevelExports = sections["exports"].map { readExports($0) } ?? []
        let download = sections["download"].flatMap { readDownload($0) }
        let state = sections["state"].map { readState($0) } ?? StateSettings()
        let wait = sections["wait"].map { readWait($0) } ?? WaitPolicy()
        let stages = sections["stages"].flatMap { readStages($0) }
        if sections["stages"] == nil {
            report(at: root, "missing section 'stages'", fix: "add 'stages:' with at least one stage, e.g. '- type: jsonl' and 'path: results.jsonl'")
        }
        guard let entries, let topLevelExports, let stages, sections["tasks"] == nil else { return nil }
        let work = sourcesWork(entries, topLevelExports: topLevelExports, topLevelNode: sections["exports"], root: root)
        guard entries.count == sourceNames.count, entries.allSatisfy(\.readable), !entries.isEmpty else { return nil }
        if sections["download"] != nil, download == nil { return nil }
        return Pipeline(
            file: file, sha256: sha256, version: version, sources: entries.map(\.spec), tasks: work.tasks, exports: work.exports,
            download: download, state: state, wait: wait, stages: stages, locations: locations
        )
    }

    /// The versions of the file format this hss-export reads.
    static let supportedVersions = 1...1

    /// `version:`; another whole number says that this build reads version 1
    /// only, rather than offering a "range" of one value.
    mutating func readVersion(_ node: Node) -> Int? {
        guard let text = string(node, key: "version") else { return nil }
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard Self.isIntegerLiteral(trimmed) else {
            report(at: node, "'version' must be a whole number, not '\(text.prefix(40))'", fix: "write 'version: 1'")
            return nil
        }
        guard let value = Int(trimmed), Self.supportedVersions.contains(value) else {
            report(
                at: node, "this hss-export reads pipeline files of version 1 only, not version \(trimmed.prefix(40))",
                fix: "write 'version: 1' and the keys docs/pipeline-file.md describes; a file written for a newer hss-export "
                    + "needs that release (hss-export --version shows this one)")
            return nil
        }
        return value
    }

    // MARK: Diagnostics

    func location(of node: Node) -> PipelineDiagnostic.Location {
        PipelineDiagnostic.Location(line: node.mark?.line ?? 0, column: node.mark?.column ?? 0)
    }

    mutating func report(at node: Node, _ message: String, fix: String? = nil) {
        report(at: node.mark, message, fix: fix)
    }

    mutating func report(at location: PipelineDiagnostic.Location, _ message: String, fix: String? = nil) {
        diagnostics.append(PipelineDiagnostic(file: file, line: location.line, column: location.column, message: message, fix: fix))
    }

    mutating func report(at mark: Mark?, _ message: String, fix: String? = nil) {
        diagnostics.append(PipelineDiagnostic(file: file, line: mark?.line ?? 0, column: mark?.column ?? 0, message: message, fix: fix))
    }

    func diagnostic(for error: YamlError) -> PipelineDiagnostic {
        switch error {
        case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _), let .composer(context, problem, mark, _):
            let detail = context.map { "\(problem) (\($0.text) at \($0.mark))" } ?? problem
            return PipelineDiagnostic(
                file: file, line: mark.line, column: mark.column, message: "invalid YAML: \(detail)",
                fix: "check indentation and quoting around this spot")
        case let .duplicatedKeysInMapping(duplicates, context):
            let keys = duplicates.map { "'\($0)'" }.joined(separator: ", ")
            return PipelineDiagnostic(
                file: file, line: context.mark.line, column: context.mark.column, message: "duplicate key \(keys)", fix: "keep one of them")
        case let .reader(problem, offset, value, yaml):
            // libyaml's reader (control characters, NUL, bad encoding) knows
            // only an offset; Yams turns it into characters into the text.
            let position = offset.map { TextPosition(characterOffset: $0, in: yaml) } ?? TextPosition(line: 1, column: 1)
            let character = value >= 0 ? String(format: " (U+%04X)", value) : ""
            return PipelineDiagnostic(
                file: file, line: position.line, column: position.column, message: "invalid YAML: \(problem)\(character)",
                fix: "remove the character or write it as an escape inside double quotes, e.g. \"\\t\"")
        default:
            return PipelineDiagnostic(file: file, line: 1, column: 1, message: "invalid YAML: \(error)")
        }
    }

    // MARK: Structure

    /// The entries of a mapping, checking every key against `allowed`.
    /// When it is not a mapping, the fix shows `example` (YAML for this
    /// context), or else names the keys it may have.
    mutating func mapping(_ node: Node, context: String, allowed: [String], example: String? = nil) -> [String: Node]? {
        guard case .mapping(let mapping) = node else {
            let fix =
                example.map { "write it as 'key: value' lines: \($0)" }
                ?? "write it as indented 'key: value' lines below it; its keys: \(allowed.joined(separator: ", "))"
            report(at: node, "\(context) must be a mapping of keys to values, not \(kindName(node))", fix: fix)
            return nil
        }
        var entries: [String: Node] = [:]
        for (keyNode, value) in mapping {
            guard case .scalar(let key) = keyNode else {
                report(at: keyNode, "keys in \(context) must be plain names")
                continue
            }
            guard allowed.contains(key.string) else {
                report(at: keyNode, "unknown key '\(key.string)' in \(context)", fix: Suggestion.fix(for: key.string, in: allowed))
                continue
            }
            entries[key.string] = value
        }
        return entries
    }

    /// The key nodes of a mapping, to locate an option's name.
    func keyNode(_ key: String, in node: Node) -> Node? {
        guard case .mapping(let mapping) = node else { return nil }
        return mapping.first { $0.key.scalar?.string == key }?.key
    }

    func kindName(_ node: Node) -> String {
        switch node {
        case .scalar(let scalar): return isNull(scalar) ? "an empty value" : "the value '\(scalar.string)'"
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        }
    }

    func isNull(_ scalar: Node.Scalar) -> Bool {
        scalar.style == .plain && ["", "~", "null", "Null", "NULL"].contains(scalar.string)
    }

    // MARK: Scalars

    /// A scalar's text after `${VAR}` interpolation; reports and returns nil on failure.
    /// Ids stay strings: the scalar's source text is used, so `0123` is not a number.
    mutating func string(_ node: Node, key: String, allowEmpty: Bool = false) -> String? {
        guard case .scalar(let scalar) = node else {
            report(at: node, "'\(key)' must be a single value, not \(kindName(node))", fix: "write '\(key): <value>'")
            return nil
        }
        if isNull(scalar) {
            if allowEmpty { return "" }
            report(at: node, "'\(key)' is empty", fix: "give it a value or remove the key")
            return nil
        }
        switch Interpolation.expand(scalar.string, environment: loader.environment, keepingUnset: loader.allowsUnsetVariables) {
        case .success(let value):
            if value.isEmpty && !allowEmpty {
                report(
                    at: node, "'\(key)' is empty after interpolating '\(scalar.string)'",
                    fix: "set the variable to a non-empty value or give a default with ${VAR:-default}")
                return nil
            }
            return value
        case .failure(.missingVariable(let name)):
            report(at: node, "environment variable '\(name)' used by '\(key)' is not set", fix: "export \(name)=… or write ${\(name):-default}")
            return nil
        case .failure(.malformed(let text)):
            report(at: node, "malformed variable reference '\(text)' in '\(key)'", fix: "write ${NAME} or ${NAME:-default}; use $$ for a literal $")
            return nil
        }
    }

    mutating func integer(_ node: Node, key: String, range: ClosedRange<Int>) -> Int? {
        guard let text = string(node, key: key) else { return nil }
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard let value = Int(trimmed) else {
            // A whole number too large for Int is out of range, not "not an integer".
            let message =
                Self.isIntegerLiteral(trimmed)
                ? "'\(key)' is \(trimmed.prefix(40)), outside \(range.lowerBound)...\(range.upperBound)"
                : "'\(key)' must be an integer, not '\(text)'"
            report(
                at: node, message,
                fix: range.count == 1 ? "write \(range.lowerBound)" : "write a whole number between \(range.lowerBound) and \(range.upperBound)")
            return nil
        }
        guard range.contains(value) else {
            report(
                at: node, "'\(key)' is \(value), outside \(range.lowerBound)...\(range.upperBound)",
                fix: range.count == 1 ? "use \(range.lowerBound)" : "use a value between \(range.lowerBound) and \(range.upperBound)")
            return nil
        }
        return value
    }

    /// An optional sign and digits only: a whole number, whatever its size.
    static func isIntegerLiteral(_ text: String) -> Bool {
        let digits = text.first == "-" || text.first == "+" ? text.dropFirst() : Substring(text)
        return !digits.isEmpty && digits.allSatisfy { ("0"..."9").contains($0) }
    }

    mutating func number(_ node: Node, key: String, range: ClosedRange<Double>) -> Double? {
        guard let text = string(node, key: key) else { return nil }
        guard let value = Double(text.trimmingCharacters(in: .whitespaces)), value.isFinite else {
            report(at: node, "'\(key)' must be a number, not '\(text)'", fix: "write a number between \(range.lowerBound) and \(range.upperBound)")
            return nil
        }
        guard range.contains(value) else {
            report(
                at: node, "'\(key)' is \(text), outside \(range.lowerBound)...\(range.upperBound)",
                fix: "use a value between \(range.lowerBound) and \(range.upperBound)")
            return nil
        }
        return value
    }

    mutating func bool(_ node: Node, key: String) -> Bool? {
        guard let text = string(node, key: key) else { return nil }
        switch text.lowercased() {
        case "true": return true
        case "false": return false
        default:
            report(at: node, "'\(key)' must be true or false, not '\(text)'", fix: "write '\(key): true' or '\(key): false'")
            return nil
        }
    }

    /// A duration from `minimum` to ``DurationText/maximum`` (366 days), so
    /// that nothing computed from it (deadlines, backoff) can overflow.
    mutating func duration(_ node: Node, key: String, minimum: Duration = .zero) -> Duration? {
        guard let text = string(node, key: key) else { return nil }
        let value: Duration
        do throws(DurationText.Problem) {
            value = try DurationText.value(of: text)
        } catch {
            switch error {
            case .notADuration:
                report(at: node, "'\(key)' must be a duration, not '\(text)'", fix: "write a number with a unit: 500ms, 30s, 15m or 2h")
            case .tooLong:
                report(at: node, "'\(key)' is \(text.prefix(40)), out of range", fix: "use \(DurationText.rangeDescription(minimum: minimum))")
            }
            return nil
        }
        guard value >= minimum else {
            report(at: node, "'\(key)' is \(text), less than \(DurationText.format(minimum))", fix: "use at least \(DurationText.format(minimum))")
            return nil
        }
        return value
    }
}
