/// Byte sizes in scenario files: a whole number of bytes (`1048576`) or a number with a
/// binary unit (`512KB`, `20MB`, `1.5GB`; `KiB`, `MiB`, `GiB` mean the same), so that a
/// 200 MB download is written `200MB`.
enum ByteSizeText {
    private static let units: [(suffix: String, factor: Double)] = [
        ("KiB", 1024), ("MiB", 1024 * 1024), ("GiB", 1024 * 1024 * 1024),
        ("KB", 1024), ("MB", 1024 * 1024), ("GB", 1024 * 1024 * 1024), ("K", 1024), ("M", 1024 * 1024), ("G", 1024 * 1024 * 1024),
        ("B", 1),
    ]

    /// The number of bytes, or `nil` for text that is not a size.
    static func parse(_ text: String) -> Int? {
        let trimmed = text.trimmingSpaces
        if let plain = Int(trimmed) { return plain }
        for unit in units where trimmed.hasSuffix(unit.suffix) {
            let number = String(trimmed.dropLast(unit.suffix.count)).trimmingSpaces
            guard !number.isEmpty, number.allSatisfy({ $0.isNumber || $0 == "." }), let value = Double(number) else { return nil }
            let bytes = (value * unit.factor).rounded()
            guard bytes < 9e18 else { return nil }
            return Int(bytes)
        }
        return nil
    }

    /// The shortest exact spelling: `200MB`, `512KB` or a plain number of bytes.
    static func format(_ bytes: Int) -> String {
        for (suffix, factor) in [("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)] where bytes >= factor && bytes % factor == 0 {
            return "\(bytes / factor)\(suffix)"
        }
        return "\(bytes)"
    }
}

extension String {
    fileprivate var trimmingSpaces: String {
        String(self.drop(while: { $0 == " " }).reversed().drop(while: { $0 == " " }).reversed())
    }
}

extension KeyedDecodingContainer where Key == ScenarioKey {
    /// An optional byte size (``ByteSizeText``): `1048576`, `512KB`, `200MB`.
    func byteSize(_ key: String) throws -> Int? {
        guard contains(ScenarioKey(key)) else { return nil }
        let text: String
        if let number = try? decode(Int.self, forKey: ScenarioKey(key)) {
            text = String(number)
        } else {
            text = try decode(String.self, forKey: ScenarioKey(key))
        }
        guard let bytes = ByteSizeText.parse(text) else {
            throw invalid(key, "bad size '\(text)'; write a number of bytes or a number and a unit (KB, MB, GB), e.g. '64KB' or '200MB'")
        }
        return bytes
    }
}
