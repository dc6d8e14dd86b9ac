import ExportStageKit

/// The JSON body of a create request, with checks that name the key.
struct CreateBody {
    let value: JSONValue?

    /// Parses `bytes`; empty bytes are no body.
    init(bytes: [UInt8]) throws {
        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) {
            value = nil
            return
        }
        guard let parsed = JSONValue.parse(bytes) else {
            throw HSSAPIError.invalidParameter("request body", "is not valid JSON; send a JSON document encoded as UTF-8")
        }
        value = parsed
    }

    /// The body as an object with only `allowed` keys; required for every operation but events.
    func object(allowed: [String]) throws -> [(key: String, value: JSONValue)] {
        guard let value else {
            throw HSSAPIError.missingParameter("request body", in: "body", example: "{\"export_headers\": [[\"field\", \"Title\"]]}")
        }
        guard case .object(let members) = value else {
            throw HSSAPIError.invalidParameter("request body", "must be a JSON object, not \(Self.kind(of: value))")
        }
        if let unknown = members.first(where: { !allowed.contains($0.key) }) {
            throw HSSAPIError.invalidParameter(unknown.key, "is not a body parameter of this API; allowed: \(allowed.joined(separator: ", "))")
        }
        var seen: Set<String> = []
        for member in members where !seen.insert(member.key).inserted {
            throw HSSAPIError.invalidParameter(member.key, "appears twice in the body; send it once")
        }
        return members
    }

    /// `[[field, title], ...]`: pairs of strings with a non-empty field.
    static func headers(_ value: JSONValue, name: String, allowEmpty: Bool) throws -> [(field: String, title: String)] {
        guard case .array(let items) = value else {
            throw HSSAPIError.invalidParameter(name, "must be a list of [field, title] pairs, not \(kind(of: value))")
        }
        if items.isEmpty && !allowEmpty {
            throw HSSAPIError.invalidParameter(name, "must list at least one [field, title] pair")
        }
        return try items.enumerated().map { index, item in
            guard case .array(let pair) = item, pair.count == 2, case .string(let field) = pair[0], case .string(let title) = pair[1] else {
                throw HSSAPIError.invalidParameter("\(name)[\(index)]", "must be a pair of strings [field, title], not \(item.serialized)")
            }
            if field.isEmpty {
                throw HSSAPIError.invalidParameter("\(name)[\(index)]", "has an empty field name")
            }
            return (field, title)
        }
    }

    static func string(_ value: JSONValue, name: String, maximumLength: Int? = nil) throws -> String {
        guard case .string(let string) = value else {
            throw HSSAPIError.invalidParameter(name, "must be a string, not \(kind(of: value))")
        }
        if string.isEmpty {
            throw HSSAPIError.invalidParameter(name, "must not be empty")
        }
        if let maximumLength, string.count > maximumLength {
            throw HSSAPIError.invalidParameter(name, "must be at most \(maximumLength) characters, not \(string.count)")
        }
        return string
    }

    static func stringList(_ value: JSONValue, name: String) throws {
        guard case .array(let items) = value, items.allSatisfy({ if case .string = $0 { return true } else { return false } }) else {
            throw HSSAPIError.invalidParameter(name, "must be a list of strings")
        }
    }

    static func integer(_ value: JSONValue, name: String, range: ClosedRange<Int>) throws -> Int {
        let integer: Int?
        switch value {
        case .integer(let number): integer = number
        case .numberLiteral(let text): integer = Int(text)
        default: integer = nil
        }
        guard let integer else {
            throw HSSAPIError.invalidParameter(name, "must be an integer, not \(value.serialized)")
        }
        if !range.contains(integer) {
            throw HSSAPIError.invalidParameter(name, "must be from \(range.lowerBound) to \(range.upperBound), not \(integer)")
        }
        return integer
    }

    static func kind(of value: JSONValue) -> String {
        switch value {
        case .null: return "null"
        case .bool: return "a boolean"
        case .integer, .number, .numberLiteral: return "a number"
        case .string: return "a string"
        case .array: return "a list"
        case .object: return "an object"
        }
    }
}
