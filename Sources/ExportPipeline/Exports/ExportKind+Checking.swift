import ExportStageKit

extension ExportKind {
    /// One thing wrong with an entry's values, saying which parameter (and
    /// which element of a list) so the loader can point at its line.
    public struct Problem: Sendable, Equatable, CustomStringConvertible {
        /// The parameter concerned: the one to point at, or the one missing.
        public var parameter: String?
        /// The 0-based element of a list parameter, when one element is wrong.
        public var element: Int?
        /// What is wrong, naming the parameter, the export and the bad value.
        public var message: String
        /// How to fix it.
        public var fix: String

        /// Creates a problem.
        public init(parameter: String?, element: Int? = nil, message: String, fix: String) {
            self.parameter = parameter
            self.element = element
            self.message = message
            self.fix = fix
        }

        /// `message; fix`.
        public var description: String { "\(message); \(fix)" }
    }

    /// Everything wrong with `values` for an entry called `exportName`:
    /// unknown or missing parameters, wrong types, values outside the allowed
    /// list, range or length, empty lists and headers, and the kind's rules.
    /// Empty when ``creation(from:)`` may be built from them.
    public func problems(in values: [String: ExportParameterValue], exportName: String) -> [Problem] {
        parameterProblems(in: values, exportName: exportName) + ruleProblems(in: values, exportName: exportName)
    }

    /// The problems of each value on its own, and the required parameters
    /// missing (not those in `unreadable`: set, but not readable).
    func parameterProblems(in values: [String: ExportParameterValue], exportName: String, unreadable: Set<String> = []) -> [Problem] {
        let subject = "export '\(exportName)'"
        var problems: [Problem] = []
        for key in values.keys.sorted() where parameter(named: key) == nil {
            problems.append(
                Problem(
                    parameter: key, message: "unknown key '\(key)' in \(subject)",
                    fix: Suggestion.fix(for: key, in: ["kind", "name"] + parameters.map(\.name))))
        }
        for parameter in parameters {
            if let value = values[parameter.name] {
                problems += Self.valueProblems(value, of: parameter, subject: subject)
            } else if parameter.required && !unreadable.contains(parameter.name) {
                problems.append(
                    Problem(
                        parameter: parameter.name, message: "\(subject) needs '\(parameter.name)'",
                        fix: "add '\(parameter.name): \(parameter.exampleText)' (\(parameter.type.summary))"))
            }
        }
        return problems
    }

    /// The problems across parameters: the kind's ``rules``, but those over
    /// a parameter in `unreadable` (set, but not readable), which would mislead.
    func ruleProblems(in values: [String: ExportParameterValue], exportName: String, unreadable: Set<String> = []) -> [Problem] {
        rules.filter { unreadable.isDisjoint(with: $0.parameters) }.flatMap { ruleProblems($0, values: values, subject: "export '\(exportName)'") }
    }

    static func valueProblems(_ value: ExportParameterValue, of parameter: ExportParameter, subject: String) -> [Problem] {
        let key = parameter.name
        let label = "'\(key)' of \(subject)"
        switch (parameter.type, value) {
        case (.string(let maximumLength), .string(let text)):
            if text.isEmpty {
                return [Problem(parameter: key, message: "\(label) is empty", fix: "give it a value or remove the key")]
            }
            if let maximumLength, text.count > maximumLength {
                return [
                    Problem(
                        parameter: key, message: "\(label) is \(text.count) characters, more than \(maximumLength)",
                        fix: "shorten it to at most \(maximumLength) characters")
                ]
            }
            return []
        case (.oneOf(let choices), .string(let text)):
            guard choices.contains(text) else {
                let hint = Suggestion.closest(to: text, in: choices).map { "did you mean '\($0)'? " } ?? ""
                return [
                    Problem(
                        parameter: key, message: "\(label) must be one of \(choices.joined(separator: ", ")), not '\(text)'",
                        fix: hint + "write one of " + choices.joined(separator: ", "))
                ]
            }
            return []
        case (.integer(let range), .integer(let number)):
            guard let range, !range.contains(number) else { return [] }
            if range.upperBound == Int.max {
                return [
                    Problem(
                        parameter: key, message: "\(label) is \(number), less than \(range.lowerBound)",
                        fix: "use \(range.lowerBound) or more")
                ]
            }
            return [
                Problem(
                    parameter: key, message: "\(label) is \(number), outside \(range.lowerBound)...\(range.upperBound)",
                    fix: "use a value between \(range.lowerBound) and \(range.upperBound)")
            ]
        case (.boolean, .boolean):
            return []
        case (.stringList, .stringList(let items)):
            if items.isEmpty { return [emptyList(key, label: label, example: parameter.exampleText)] }
            return items.enumerated().compactMap { index, item in
                item.isEmpty
                    ? Problem(
                        parameter: key, element: index, message: "element \(index + 1) of \(label) is empty", fix: "remove it or give it a value")
                    : nil
            }
        case (.integerList, .integerList(let items)):
            return items.isEmpty ? [emptyList(key, label: label, example: parameter.exampleText)] : []
        case (.headers, .headers(let pairs)):
            if pairs.isEmpty { return [emptyList(key, label: label, example: parameter.exampleText)] }
            return pairs.enumerated().compactMap { index, pair in
                let missing = pair.field.isEmpty ? "field" : pair.title.isEmpty ? "title" : nil
                return missing.map {
                    Problem(
                        parameter: key, element: index, message: "element \(index + 1) of \(label) has an empty \($0)",
                        fix: "write each element as [field, title], both non-empty, e.g. [vul_name, Vulnerability]")
                }
            }
        default:
            return [Problem(parameter: key, message: "\(label) must be \(parameter.type.summary)", fix: "write '\(key): \(parameter.exampleText)'")]
        }
    }

    static func emptyList(_ key: String, label: String, example: String) -> Problem {
        Problem(parameter: key, message: "\(label) is an empty list", fix: "list at least one value, e.g. '\(key): \(example)', or remove the key")
    }

    func ruleProblems(_ rule: ExportRule, values: [String: ExportParameterValue], subject: String) -> [Problem] {
        switch rule {
        case let .exclusive(first, second):
            guard values[first] != nil, values[second] != nil else { return [] }
            return [
                Problem(
                    parameter: second, message: "'\(second)' cannot be used together with '\(first)' in \(subject)",
                    fix: "keep one of '\(first)' and '\(second)'")
            ]
        case let .together(first, second):
            let (present, absent) = values[first] == nil ? (second, first) : (first, second)
            guard values[present] != nil, values[absent] == nil else { return [] }
            let example = parameter(named: absent)?.exampleText ?? "…"
            return [
                Problem(
                    parameter: present, message: "'\(present)' of \(subject) is set without '\(absent)'",
                    fix: "add '\(absent): \(example)' or remove '\(present)'")
            ]
        case let .timeRange(begin, end, maximum):
            return timeRangeProblems(begin: begin, end: end, maximum: maximum, values: values, subject: subject)
        case .jsonObject(let key):
            guard case .string(let text)? = values[key], !text.isEmpty else { return [] }
            guard case .object? = JSONValue.parse(Array(text.utf8)) else {
                return [
                    Problem(
                        parameter: key, message: "'\(key)' of \(subject) must be a JSON object, not '\(text)'",
                        fix: #"write JSON text in single quotes, e.g. '{"port_string": "8080"}'"#)
                ]
            }
            return []
        }
    }

    /// Both ends must be epoch milliseconds, in order, at most `maximum` apart.
    func timeRangeProblems(begin: String, end: String, maximum: Int, values: [String: ExportParameterValue], subject: String) -> [Problem] {
        var problems: [Problem] = []
        // Before 1973 in milliseconds, but a plausible time in seconds: the
        // usual mistake, which HSS would take as an empty range in 1970.
        let secondsLimit = 100_000_000_000
        var ends: [Int] = []
        for key in [begin, end] {
            guard case .integer(let value)? = values[key] else { continue }
            if value < 0 {
                problems.append(
                    Problem(
                        parameter: key, message: "'\(key)' of \(subject) is \(value), before 1970",
                        fix: "write epoch milliseconds, e.g. 1715644800000"))
            } else if value < secondsLimit {
                problems.append(
                    Problem(
                        parameter: key, message: "'\(key)' of \(subject) is \(value), which looks like seconds, not milliseconds",
                        fix: "write epoch milliseconds: \(value)000"))
            } else {
                ends.append(value)
            }
        }
        guard problems.isEmpty, ends.count == 2 else { return problems }
        let (from, to) = (ends[0], ends[1])
        if to <= from {
            return [
                Problem(
                    parameter: end, message: "'\(end)' (\(to)) of \(subject) is not after '\(begin)' (\(from))",
                    fix: "make '\(end)' later than '\(begin)' (both epoch milliseconds)")
            ]
        }
        if to - from > maximum {
            let span = DurationText.format(.milliseconds(to - from))
            let limit = DurationText.format(.milliseconds(maximum))
            return [
                Problem(
                    parameter: end, message: "'\(begin)' and '\(end)' of \(subject) are \(span) apart, more than \(limit)",
                    fix: "HSS exports at most \(limit) at a time: shorten the range or split it into several exports")
            ]
        }
        return []
    }
}

extension ExportRule {
    /// The parameters the rule reads.
    public var parameters: [String] {
        switch self {
        case let .exclusive(first, second), let .together(first, second), let .timeRange(first, second, _): return [first, second]
        case .jsonObject(let name): return [name]
        }
    }
}

extension ExportParameter {
    /// ``example``, or one made from the type.
    var exampleText: String {
        if let example { return example }
        switch type {
        case .string: return "…"
        case .oneOf(let choices): return choices.first ?? "…"
        case .integer(let range): return String(range.map { max($0.lowerBound, 1) } ?? 1)
        case .boolean: return "true"
        case .stringList: return "[a, b]"
        case .integerList: return "[1, 2]"
        case .headers: return "[[field, Title]]"
        }
    }
}

extension ExportParameter.ValueType {
    /// What the type accepts, for fixes and the docs: "one of vul, host".
    public var summary: String {
        switch self {
        case .string(let maximumLength?): return "text, at most \(maximumLength) characters"
        case .string: return "text"
        case .oneOf(let choices): return "one of " + choices.joined(separator: ", ")
        case .integer(let range?) where range.upperBound == Int.max: return "a whole number, at least \(range.lowerBound)"
        case .integer(let range?): return "a whole number from \(range.lowerBound) to \(range.upperBound)"
        case .integer: return "a whole number"
        case .boolean: return "true or false"
        case .stringList: return "a list of strings"
        case .integerList: return "a list of whole numbers"
        case .headers: return "a list of [field, title] pairs"
        }
    }
}
