import Crypto
public import ExportStageKit

extension ExportKind {
    /// The create request for `values` (checked first with
    /// ``problems(in:exportName:)``; unknown names are ignored here).
    ///
    /// Query items follow the parameter order (the SDK's; the client sorts
    /// them when it signs): a list gives one item per element, a boolean
    /// `true` or `false`, an integer its decimal digits. The body holds only
    /// the parameters set (and those with a ``ExportParameter/defaultValue``),
    /// in the SDK model's attribute order, which is the order the SDK writes
    /// the keys. A ``BodyShape/bareHeaders`` kind with no headers set has the
    /// body `.null`: the SDK then sends no body at all.
    public func creation(from values: [String: ExportParameterValue]) -> ExportCreation {
        var query: [ExportCreation.QueryItem] = []
        var members: [(key: String, value: JSONValue)] = []
        var bareBody: JSONValue?
        for parameter in parameters {
            guard let value = values[parameter.name] ?? parameter.defaultValue.flatMap({ Self.value(fromDefault: $0, for: parameter.type) }) else {
                continue
            }
            switch parameter.location {
            case .query:
                query += Self.queryItems(parameter.name, value)
            case .body(let path) where path.isEmpty:
                bareBody = value.json
            case .body(let path):
                Self.insert(value.json, at: path[...], into: &members)
            }
        }
        let body: JSONValue
        switch bodyShape {
        case .object: body = .object(members)
        case .bareHeaders: body = bareBody ?? .null
        }
        return ExportCreation(operation: operation, pathSegments: pathSegments, query: query, body: body)
    }

    /// Lower-case hex SHA-256 of this kind's name and `creation`: its path,
    /// its query as the server sees it (sorted by key, then value) and its
    /// body. Equal requests give equal fingerprints; any change to a value,
    /// a key or the body's key order gives another.
    public func fingerprint(of creation: ExportCreation) -> String {
        let query = creation.query.sorted { ($0.name, $0.value) < ($1.name, $1.value) }
        // One JSON array: unambiguous however names and values are spelt.
        let canonical = JSONValue.array([
            .string(name),
            .array(creation.pathSegments.map(JSONValue.string)),
            .array(query.map { .array([.string($0.name), .string($0.value)]) }),
            creation.body,
        ])
        let digest = SHA256.hash(data: Array(canonical.serialized.utf8))
        let hexDigits = Array("0123456789abcdef")
        return String(digest.flatMap { [hexDigits[Int($0 >> 4)], hexDigits[Int($0 & 0x0f)]] })
    }

    /// The ``ExportSpec`` called `name` for `values`: the request and its fingerprint.
    public func spec(named name: String, values: [String: ExportParameterValue]) -> ExportSpec {
        let creation = creation(from: values)
        return ExportSpec(name: name, kind: self.name, creation: creation, fingerprint: fingerprint(of: creation))
    }

    static func value(fromDefault text: String, for type: ExportParameter.ValueType) -> ExportParameterValue? {
        switch type {
        case .string, .oneOf: return .string(text)
        case .integer: return Int(text).map(ExportParameterValue.integer)
        case .boolean: return text == "true" ? .boolean(true) : text == "false" ? .boolean(false) : nil
        case .stringList, .integerList, .headers: return nil
        }
    }

    static func queryItems(_ name: String, _ value: ExportParameterValue) -> [ExportCreation.QueryItem] {
        switch value {
        case .string(let text): return [.init(name: name, value: text)]
        case .integer(let number): return [.init(name: name, value: String(number))]
        case .boolean(let flag): return [.init(name: name, value: flag ? "true" : "false")]
        case .stringList(let items): return items.map { .init(name: name, value: $0) }
        case .integerList(let items): return items.map { .init(name: name, value: String($0)) }
        // No kind sends headers in the query; one item per pair keeps nothing hidden.
        case .headers(let pairs): return pairs.map { .init(name: name, value: "\($0.field),\($0.title)") }
        }
    }

    /// Puts `value` at `path`, creating nested objects where the first key
    /// of the path is new, so keys keep the order they were first set in.
    static func insert(_ value: JSONValue, at path: ArraySlice<String>, into members: inout [(key: String, value: JSONValue)]) {
        guard let key = path.first else { return }
        let rest = path.dropFirst()
        let index = members.firstIndex { $0.key == key }
        if rest.isEmpty {
            if let index { members[index].value = value } else { members.append((key, value)) }
            return
        }
        var nested: [(key: String, value: JSONValue)] = []
        if let index, case .object(let existing) = members[index].value { nested = existing }
        insert(value, at: rest, into: &nested)
        if let index { members[index].value = .object(nested) } else { members.append((key, .object(nested))) }
    }
}

extension ExportParameterValue {
    /// The value as the SDK serializes it in a body.
    public var json: JSONValue {
        switch self {
        case .string(let text): return .string(text)
        case .integer(let number): return .integer(number)
        case .boolean(let flag): return .bool(flag)
        case .stringList(let items): return .array(items.map(JSONValue.string))
        case .integerList(let items): return .array(items.map(JSONValue.integer))
        case .headers(let pairs): return .array(pairs.map { .array([.string($0.field), .string($0.title)]) })
        }
    }
}
