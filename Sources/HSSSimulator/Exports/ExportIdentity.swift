import ExportStageKit
import HSSSigning

/// The identity of an export request: `<operation> <canonical query> <canonical body>`,
/// where the query is sorted and encoded as the signature's canonical query string and the
/// body is re-serialized with sorted object keys and no whitespace. Two requests that ask
/// for the same export have one identity however their JSON was spaced or ordered.
enum ExportIdentity {
    static func make(operation: String, rawQuery: String?, body: [UInt8]) -> String {
        let query = CanonicalRequest.canonicalQueryString(SignatureVerifier.decodeQuery(rawQuery))
        let canonicalBody: String
        if body.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) {
            canonicalBody = ""
        } else if let value = JSONValue.parse(body) {
            canonicalBody = sorted(value).serialized
        } else {
            // Not JSON (such a request is refused anyway): the bytes themselves.
            canonicalBody = String(decoding: body, as: UTF8.self)
        }
        return "\(operation) \(query) \(canonicalBody)"
    }

    private static func sorted(_ value: JSONValue) -> JSONValue {
        switch value {
        case .array(let items):
            return .array(items.map(sorted))
        case .object(let members):
            let ordered = members.enumerated().sorted { a, b in
                a.element.key == b.element.key ? a.offset < b.offset : a.element.key < b.element.key
            }
            return .object(ordered.map { (key: $0.element.key, value: sorted($0.element.value)) })
        default:
            return value
        }
    }
}
