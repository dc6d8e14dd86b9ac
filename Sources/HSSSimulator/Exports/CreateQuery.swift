import HSSSigning

/// The decoded query of a create request, with checks that name the parameter. List
/// parameters arrive as repeated keys (`event_types=1001&event_types=4002`); any other
/// parameter given twice is refused.
struct CreateQuery {
    let pairs: [(name: String, value: String)]

    init(raw: String?) {
        pairs = SignatureVerifier.decodeQuery(raw)
    }

    func values(_ name: String) -> [String] {
        pairs.filter { $0.name == name }.map(\.value)
    }

    /// The one value of `name`, or `nil` when absent.
    func single(_ name: String, required: Bool = false) throws -> String? {
        let values = values(name)
        if values.count > 1 {
            throw HSSAPIError.invalidParameter(name, "is given \(values.count) times; send it once")
        }
        guard let value = values.first else {
            if required { throw HSSAPIError.missingParameter(name, in: "query") }
            return nil
        }
        if value.isEmpty {
            throw HSSAPIError.invalidParameter(name, "must not be empty")
        }
        return value
    }

    func integer(_ name: String, required: Bool = false, range: ClosedRange<Int>? = nil) throws -> Int? {
        guard let text = try single(name, required: required) else { return nil }
        guard let value = Int(text) else {
            throw HSSAPIError.invalidParameter(name, "must be an integer, not '\(text)'")
        }
        if let range, !range.contains(value) {
            throw HSSAPIError.invalidParameter(name, "must be from \(range.lowerBound) to \(range.upperBound), not \(value)")
        }
        return value
    }

    func oneOf(_ name: String, _ allowed: [String], required: Bool = false) throws -> String? {
        guard let value = try single(name, required: required) else { return nil }
        guard allowed.contains(value) else {
            throw HSSAPIError.invalidParameter(name, "must be one of \(allowed.joined(separator: ", ")), not '\(value)'")
        }
        return value
    }

    func boolean(_ name: String) throws -> Bool? {
        guard let value = try oneOf(name, ["true", "false"]) else { return nil }
        return value == "true"
    }

    /// Every value of a list parameter, each an integer.
    func integers(_ name: String) throws -> [Int] {
        try values(name).map { text in
            guard let value = Int(text) else {
                throw HSSAPIError.invalidParameter(name, "must be a list of integers (repeated keys), not '\(text)'")
            }
            return value
        }
    }
}
