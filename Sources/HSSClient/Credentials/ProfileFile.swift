import Foundation

/// An SDK credentials file (`~/.huaweicloud/credentials`), read the way the
/// Python SDK's `configparser.ConfigParser()` reads it, so both accept and
/// refuse the same files.
///
/// What that means: `[section]` headers (the name is everything between the
/// first `[` and the last `]`, case-sensitive); `key = value` or `key: value`
/// (the first `=` or `:` splits; keys are lower-cased, both sides trimmed);
/// full-line comments starting with `#` or `;` (a `#` after a value is part of
/// the value); indented lines continue the previous value; `[DEFAULT]` values
/// apply to every section; `%%` is a `%` and `%(key)s` another key's value.
/// A line before any section, a duplicate section or key, a line without a
/// delimiter, or a bare `%` makes the whole file unreadable (the SDK raises).
public struct ProfileFile: Sendable, Equatable {
    /// The sections, each a map of lower-cased key to raw value.
    public var sections: [String: [String: String]]
    /// `[DEFAULT]`'s keys.
    public var defaults: [String: String]

    /// A file that does not parse; names the line, never a value.
    public struct ParseError: Error, CustomStringConvertible, Sendable, Equatable {
        /// The file.
        public var path: String
        /// 1-based line, or 0 when the problem is not on one line.
        public var line: Int
        /// What is wrong.
        public var problem: String

        /// `credentials file 'PATH' line N: PROBLEM; fix it …`.
        public var description: String {
            let location = line > 0 ? " line \(line)" : ""
            return "credentials file '\(path)'\(location): \(problem); fix the file (INI: '[basic]', then 'ak = …' and 'sk = …' lines)"
        }
    }

    /// Parses `text`; `path` only names the file in errors.
    public init(parsing text: String, path: String) throws(ParseError) {
        var sections: [String: [String: [String]]] = [:]
        var order: [String] = []
        var defaults: [String: [String]] = [:]
        var current: String?  // section name; "DEFAULT" for defaults
        var option: String?
        var indentLevel = Int.max
        var added = Set<String>()
        var badLine: Int?
        let lines = text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
            .split(separator: "\n", omittingEmptySubsequences: false)
        func append(_ value: String, to name: String) {
            if current == "DEFAULT" {
                defaults[name, default: []].append(value)
            } else if let current {
                sections[current, default: [:]][name, default: []].append(value)
            }
        }
        for (index, raw) in lines.enumerated() {
            let lineNumber = index + 1
            let line = String(raw)
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            let isComment = trimmed.hasPrefix("#") || trimmed.hasPrefix(";")
            let value = isComment ? "" : trimmed
            if value.isEmpty {
                // A blank line (not a comment) inside a value belongs to it.
                if !isComment, current != nil, let option { append("", to: option) }
                continue
            }
            let indent = line.prefix { $0 == " " || $0 == "\t" }.count
            if current != nil, option != nil, indent > indentLevel {
                append(value, to: option!)
                continue
            }
            indentLevel = indent
            if value.hasPrefix("["), let close = value.lastIndex(of: "]"), value.index(after: value.startIndex) < close {
                let name = String(value[value.index(after: value.startIndex)..<close])
                if name != "DEFAULT" {
                    if added.contains("[" + name) {
                        throw ParseError(path: path, line: lineNumber, problem: "section [\(name)] appears twice")
                    }
                    added.insert("[" + name)
                    if sections[name] == nil {
                        sections[name] = [:]
                        order.append(name)
                    }
                }
                current = name
                option = nil
                continue
            }
            guard let section = current else {
                throw ParseError(path: path, line: lineNumber, problem: "the file must start with a section header such as [basic]")
            }
            guard let delimiter = value.firstIndex(where: { $0 == "=" || $0 == ":" }), delimiter != value.startIndex else {
                if badLine == nil { badLine = lineNumber }
                option = nil
                continue
            }
            let name = value[..<delimiter].trimmingCharacters(in: .whitespaces).lowercased()
            let rest = value[value.index(after: delimiter)...].trimmingCharacters(in: .whitespaces)
            if added.contains(section + "\u{0}" + name) {
                throw ParseError(path: path, line: lineNumber, problem: "key '\(name)' appears twice in section [\(section)]")
            }
            added.insert(section + "\u{0}" + name)
            option = name
            if section == "DEFAULT" { defaults[name] = [rest] } else { sections[section, default: [:]][name] = [rest] }
        }
        if let badLine {
            throw ParseError(path: path, line: badLine, problem: "a line is neither a section header, a comment nor 'key = value'")
        }
        func join(_ parts: [String]) -> String {
            var joined = parts.joined(separator: "\n")
            while joined.last?.isWhitespace == true { joined.removeLast() }
            return joined
        }
        self.defaults = defaults.mapValues(join)
        self.sections = sections.mapValues { $0.mapValues(join) }
    }

    /// Reads the file at `path`; `nil` when it does not exist or cannot be
    /// opened (the SDK then moves on to the next source).
    public static func read(path: String) throws(ParseError) -> ProfileFile? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ParseError(path: path, line: 0, problem: "is not UTF-8 text")
        }
        return try ProfileFile(parsing: text, path: path)
    }

    /// Section `name`'s values with `[DEFAULT]`'s, interpolated as the SDK's
    /// `parser.items(name)` does; `nil` when there is no such section.
    public func items(_ name: String, path: String) throws(ParseError) -> [String: String]? {
        guard let section = sections[name] else { return nil }
        let map = defaults.merging(section) { _, own in own }
        var result: [String: String] = [:]
        for (key, value) in map {
            result[key] = try Self.interpolate(value, key: key, section: name, map: map, path: path, depth: 1)
        }
        return result
    }

    private static func interpolate(
        _ value: String, key: String, section: String, map: [String: String], path: String, depth: Int
    ) throws(ParseError) -> String {
        guard depth <= 10 else { throw ParseError(path: path, line: 0, problem: "key '\(key)' in [\(section)] refers to itself (%(…)s)") }
        var output = ""
        var rest = Substring(value)
        while let percent = rest.firstIndex(of: "%") {
            output += rest[..<percent]
            rest = rest[percent...]
            let next = rest.dropFirst().first
            if next == "%" {
                output += "%"
                rest = rest.dropFirst(2)
            } else if next == "(", let close = rest.range(of: ")s") {
                let name = rest[rest.index(rest.startIndex, offsetBy: 2)..<close.lowerBound].lowercased()
                guard !name.isEmpty, !name.contains(")") else {
                    throw ParseError(path: path, line: 0, problem: "key '\(key)' in [\(section)] has a bad %(…)s reference")
                }
                guard let referenced = map[name] else {
                    throw ParseError(path: path, line: 0, problem: "key '\(key)' in [\(section)] refers to '%(\(name))s', which is not set")
                }
                output += try interpolate(referenced, key: key, section: section, map: map, path: path, depth: depth + 1)
                rest = rest[close.upperBound...]
            } else {
                throw ParseError(
                    path: path, line: 0,
                    problem: "key '\(key)' in [\(section)] contains a '%' that is not '%%' or '%(name)s' (write a literal % as %%)")
            }
        }
        return output + rest
    }
}
