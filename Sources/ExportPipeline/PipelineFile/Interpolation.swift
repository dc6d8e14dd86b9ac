import ExportStageKit
import Foundation

/// `${VAR}` and `${VAR:-default}` in scalar values, after YAML parsing.
///
/// Working on parsed scalars (not on the file's text) keeps locations right
/// and means a variable's value can never inject YAML structure.
///
/// A failure never quotes what follows `${` unless it is a clean variable
/// name: a user who pastes a token between the braces (or forgets the closing
/// one after a default holding a secret) must not see it echoed on stderr or
/// in a CI log. The secrets are not known yet when the file is loaded, so the
/// redactor cannot catch it later.
enum Interpolation {
    enum Failure: Error, Equatable, CustomStringConvertible {
        /// The variable `name` is not set (and the reference has no default).
        case missingVariable(String)
        /// A reference that is not `${NAME}` or `${NAME:-default}`; the text is
        /// a description safe to print (e.g. `${…} at character 7`), never the
        /// reference's content.
        case malformed(String)

        var description: String {
            switch self {
            case .missingVariable(let name): return "environment variable '\(name)' is not set"
            case .malformed(let text): return "malformed variable reference '\(text)'"
            }
        }
    }

    /// The longest name shown in a diagnostic; longer "names" are pasted values.
    static let maximumShownNameLength = 64

    /// `text` with every reference replaced; `$$` is a literal `$`.
    ///
    /// With `keepingUnset` (`validate --no-environment`) a reference to an
    /// unset variable without a default stays in the text as `${NAME}`
    /// instead of failing: the checks of the value are then the loader's to
    /// skip (see ``PipelineLoader/allowsUnsetVariables``).
    static func expand(_ text: String, environment: [String: String], keepingUnset: Bool = false) -> Result<String, Failure> {
        guard text.contains("$") else { return .success(text) }
        var output = ""
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            guard character == "$" else {
                output.append(character)
                index = text.index(after: index)
                continue
            }
            let next = text.index(after: index)
            if next < text.endIndex, text[next] == "$" {
                output.append("$")
                index = text.index(after: next)
                continue
            }
            guard next < text.endIndex, text[next] == "{" else {
                output.append("$")
                index = next
                continue
            }
            let bodyStart = text.index(after: next)
            guard let close = text[next...].firstIndex(of: "}") else {
                let rest = text[bodyStart...]
                let shown: String
                if isShowable(rest) {
                    shown = String(rest)
                } else if let separator = rest.range(of: ":-"), isShowable(rest[..<separator.lowerBound]) {
                    shown = rest[..<separator.lowerBound] + ":-…"
                } else {
                    shown = "…"
                }
                return .failure(.malformed("${\(shown) at \(position(of: index, in: text)), with no closing }"))
            }
            let body = text[bodyStart..<close]
            let name: Substring
            let fallback: Substring?
            if let separator = body.range(of: ":-") {
                name = body[..<separator.lowerBound]
                fallback = body[separator.upperBound...]
            } else {
                name = body
                fallback = nil
            }
            guard isValidName(name) else {
                let shown = isShowable(name) && fallback != nil ? "\(name):-…" : "…"
                return .failure(.malformed("${\(shown)} at \(position(of: index, in: text))"))
            }
            if let value = environment[String(name)], !(fallback != nil && value.isEmpty) {
                output += value
            } else if let fallback {
                output += fallback
            } else if keepingUnset, isShowable(name) {
                output += "${\(name)}"
            } else if isShowable(name) {
                return .failure(.missingVariable(String(name)))
            } else {
                return .failure(
                    .malformed("${…} at \(position(of: index, in: text)): an unset variable whose name looks like a credential, so it is not shown"))
            }
            index = text.index(after: close)
        }
        return .success(output)
    }

    /// The names of the variables `text` refers to that are unset in
    /// `environment` and have no default: what `validate --no-environment`
    /// does not check.
    static func unsetVariables(in text: String, environment: [String: String]) -> [String] {
        guard text.contains("${") else { return [] }
        var names: [String] = []
        forEachDollar(in: text) { next in
            guard text[next] == "{", let close = text[next...].firstIndex(of: "}") else { return next }
            let body = text[text.index(after: next)..<close]
            if !body.contains(":-"), isValidName(body), environment[String(body)] == nil { names.append(String(body)) }
            return text.index(after: close)
        }
        return names
    }

    /// The names written `$NAME` (no braces) in `text`: they are not
    /// interpolated, so the value keeps them literally (`$$` and `${…}` are
    /// not among them).
    static func unbracedReferences(in text: String) -> [Substring] {
        guard text.contains("$") else { return [] }
        var names: [Substring] = []
        forEachDollar(in: text) { next in
            // `${…}` is a reference (its end is found by `expand`); a `$NAME` in its default is still literal.
            if text[next] == "{" { return text.index(after: next) }
            var end = next
            while end < text.endIndex, text[end].isASCII, text[end].isLetter || text[end].isNumber || text[end] == "_" {
                end = text.index(after: end)
            }
            let name = text[next..<end]
            if isValidName(name) { names.append(name) }
            return end
        }
        return names
    }

    /// The scan the checks of `text` share (``expand(_:environment:keepingUnset:)``
    /// builds its output as it goes, so it has its own): calls `visit` with
    /// the index after each `$` that is neither half of a `$$` (a literal
    /// `$`) nor the last character, and goes on where `visit` says.
    private static func forEachDollar(in text: String, _ visit: (_ next: String.Index) -> String.Index) {
        var index = text.startIndex
        while index < text.endIndex {
            guard text[index] == "$" else {
                index = text.index(after: index)
                continue
            }
            let next = text.index(after: index)
            guard next < text.endIndex else { break }
            index = text[next] == "$" ? text.index(after: next) : visit(next)
        }
    }

    private static func isValidName(_ name: Substring) -> Bool {
        guard let first = name.first, first == "_" || first.isLetter, first.isASCII else { return false }
        return name.allSatisfy { ($0.isLetter || $0.isNumber || $0 == "_") && $0.isASCII }
    }

    /// Whether `name` may appear in a diagnostic: a valid name that does not
    /// look like a pasted credential. Environment variables are short and
    /// mostly `UPPER_SNAKE`; a secret key is 40 mixed-case letters and digits,
    /// a token hundreds of characters.
    static func isShowable(_ name: Substring) -> Bool {
        guard name.isEmpty || isValidName(name), name.count <= maximumShownNameLength else { return false }
        guard name.count >= 16, !name.contains("_") else { return true }
        let hasLower = name.contains { $0.isLowercase }
        let hasUpper = name.contains { $0.isUppercase }
        let hasDigit = name.contains { $0.isNumber }
        return !(hasLower && hasUpper && hasDigit)
    }

    /// `character 5`, or `line 2, character 5` in a multi-line value (1-based).
    private static func position(of index: String.Index, in text: String) -> String {
        let before = text[..<index]
        let lineStart = before.lastIndex(of: "\n").map { text.index(after: $0) } ?? text.startIndex
        let column = text.distance(from: lineStart, to: index) + 1
        guard lineStart != text.startIndex else { return "character \(column)" }
        let line = before.reduce(1) { $1 == "\n" ? $0 + 1 : $0 }
        return "line \(line), character \(column)"
    }
}
