/// A JSON value whose objects keep their keys in the order they were built
/// (or, when parsed, the order of the document).
///
/// Every output format promises a stable key order, which `JSONSerialization`
/// and `JSONEncoder` don't; this small model gives that guarantee and is also
/// the way custom stages get a record as JSON. It is the package's one JSON
/// model: the stages, the manifest, the HSS client and the simulator all write
/// through its single string escaper, and the client reads responses with its
/// order-preserving parser.
public enum JSONValue: Sendable, Equatable {
    /// `null`.
    case null
    /// `true` or `false`.
    case bool(Bool)
    /// An integer, written without a fraction.
    case integer(Int)
    /// A number; NaN and infinities are written as `null`.
    case number(Double)
    /// A number exactly as written in JSON text, so a parsed `12345` stays
    /// `12345` and `1.50` stays `1.50` (not `1.5`) when it is turned back
    /// into text. Parsing produces this case for every number.
    ///
    /// The text is written verbatim when it is a JSON number (RFC 8259
    /// grammar) and as `null` otherwise, so the output is always valid JSON.
    case numberLiteral(String)
    /// A string.
    case string(String)
    /// An array.
    case array([JSONValue])
    /// An object whose keys keep their order.
    case object([(key: String, value: JSONValue)])

    /// Equal values with object keys in the same order.
    ///
    /// Numbers compare by representation: `.integer(1)`, `.number(1)` and
    /// `.numberLiteral("1")` are three different values.
    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case let (.bool(a), .bool(b)): return a == b
        case let (.integer(a), .integer(b)): return a == b
        case let (.number(a), .number(b)): return a == b
        case let (.numberLiteral(a), .numberLiteral(b)): return a == b
        case let (.string(a), .string(b)): return a == b
        case let (.array(a), .array(b)): return a == b
        case let (.object(a), .object(b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        default: return false
        }
    }

    /// The value for `key` when this is an object; when the key repeats, the
    /// last member's value, as Python's `json.loads` reads such a document.
    public subscript(key: String) -> JSONValue? {
        guard case let .object(members) = self else { return nil }
        return members.last { $0.key == key }?.value
    }
}

extension JSONValue {
    /// Wraps an optional string, mapping `nil` to `null`.
    public init(_ string: String?) {
        self = string.map(JSONValue.string) ?? .null
    }
}
