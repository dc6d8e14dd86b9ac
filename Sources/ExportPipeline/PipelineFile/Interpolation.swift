import ExportStageKit
import Foundation

/// `${VAR}` and `${VAR:-default}` in scalar values, after YAML parsing.
///
/// Working on parsed scalars (not on the file's text) keeps locations right
/// and means a variable's value can never inject YAML structure.
enum Interpolation {
    enum Failure: Error, Equatable {
        case missingVariable(String)
        case malformed(String)
    }

    /// `text` with every reference replaced; `$$` is a literal `$`.
    static func expand(_ text: String, environment: [String: String]) -> Result<String, Failure> {
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
            guard let close = text[next...].firstIndex(of: "}") else {
                return .failure(.malformed(String(text[index...])))
            }
            let body = text[text.index(after: next)..<close]
            let name: Substring
            let fallback: Substring?
            if let separator = body.range(of: ":-") {
                name = body[..<separator.lowerBound]
                fallback = body[separator.upperBound...]
            } else {
                name = body
                fallback = nil
            }
            guard isValidName(name) else { return .failure(.malformed(String(text[index...close]))) }
            if let value = environment[String(name)], !(fallback != nil && value.isEmpty) {
                output += value
            } else if let fallback {
                output += fallback
            } else {
                return .failure(.missingVariable(String(name)))
            }
            index = text.index(after: close)
        }
        return .success(output)
    }

    private static func isValidName(_ name: Substring) -> Bool {
        guard let first = name.first, first == "_" || first.isLetter, first.isASCII else { return false }
        return name.allSatisfy { ($0.isLetter || $0.isNumber || $0 == "_") && $0.isASCII }
    }
}
