import ExportStageKit

/// A coding key for any scenario key, so that decoders can list the keys a mapping has
/// and reject the ones they do not know.
struct ScenarioKey: CodingKey, ExpressibleByStringLiteral {
    var stringValue: String
    var intValue: Int?

    init(_ string: String) {
        stringValue = string
        intValue = nil
    }

    init(index: Int) {
        stringValue = "\(index)"
        intValue = index
    }

    init(stringLiteral value: String) {
        self.init(value)
    }

    init?(stringValue: String) {
        self.init(stringValue)
    }

    init?(intValue: Int) {
        self.init(index: intValue)
    }
}

extension KeyedDecodingContainer where Key == ScenarioKey {
    /// Throws for the first key that is not in `allowed`, suggesting the closest one.
    func rejectUnknownKeys(allowed: [String]) throws {
        for key in allKeys where !allowed.contains(key.stringValue) {
            let suggestion = Self.closest(to: key.stringValue, in: allowed).map { "did you mean '\($0)'? " } ?? ""
            throw DecodingError.dataCorrupted(
                .init(
                    codingPath: codingPath + [key],
                    debugDescription: "unknown key '\(key.stringValue)'; \(suggestion)allowed here: \(allowed.joined(separator: ", "))"
                ))
        }
    }

    /// A required string that must not be empty.
    func nonEmptyString(_ key: String) throws -> String {
        let value = try decode(String.self, forKey: ScenarioKey(key))
        if value.isEmpty {
            throw invalid(key, "must not be empty")
        }
        return value
    }

    /// An optional duration written as in pipeline files (``DurationText``): `500ms`, `2s`, `1m`, `1m30s`,
    /// at most ``DurationText/maximum`` (366 days), so that the simulator's clock arithmetic cannot overflow.
    func duration(_ key: String) throws -> Duration? {
        guard let text = try decodeIfPresent(String.self, forKey: ScenarioKey(key)) else { return nil }
        do throws(DurationText.Problem) {
            return try DurationText.value(of: text)
        } catch {
            switch error {
            case .notADuration:
                throw invalid(key, "bad duration '\(text)'; write a number and a unit (ms, s, m, h), e.g. '500ms', '2s' or '1m30s'")
            case .tooLong:
                throw invalid(key, "\(text.prefix(40)) is out of range; use \(DurationText.rangeDescription())")
            }
        }
    }

    /// A validation error at `key` (or at this mapping when `key` is nil).
    func invalid(_ key: String?, _ message: String) -> DecodingError {
        .dataCorrupted(.init(codingPath: codingPath + (key.map { [ScenarioKey($0)] } ?? []), debugDescription: message))
    }

    private static func closest(to key: String, in candidates: [String]) -> String? {
        let scored = candidates.map { ($0, editDistance(Array(key), Array($0))) }
        guard let best = scored.min(by: { $0.1 < $1.1 }), best.1 <= max(2, key.count / 3) else { return nil }
        return best.0
    }

    private static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
        var previous = Array(0...b.count)
        for (i, ca) in a.enumerated() {
            var current = [i + 1] + Array(repeating: 0, count: b.count)
            for (j, cb) in b.enumerated() {
                current[j + 1] = Swift.min(previous[j + 1] + 1, current[j] + 1, previous[j] + (ca == cb ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}
