/// Byte sizes in scenario files: a whole number of bytes (`1048576`) or a number with a
/// binary unit (`512KB`, `20MB`, `1.5GB`; `KiB`, `MiB`, `GiB` mean the same), so that a
/// 200 MB download is written `200MB`.
enum ByteSizeText {
    private static let units: [(suffix: String, factor: Double)] = [
        ("KiB", 1024), ("MiB", 1024 * 1024), ("GiB", 1024 * 1024 * 1024),
        ("KB", 1024), ("MB", 1024 * 1024), ("GB", 1024 * 1024 * 1024), ("K", 1024), ("M", 1024 * 1024), ("G", 1024 * 1024 * 1024),
        ("B", 1),
    ]

    /// The largest size a scenario may give: 1 TiB, far beyond any archive the
    /// simulator builds, and small enough that sums and products of sizes
    /// cannot overflow an `Int`.
    static let maximum = 1 << 40

    /// Why a text is not an acceptable size.
    enum Problem: Error, Equatable {
        /// Not a number of bytes, nor a number with a unit.
        case notASize
        /// A size, but negative or larger than ``ByteSizeText/maximum``.
        case outOfRange
    }

    /// The number of bytes, or `nil` for text that is not a size or is out of range.
    static func parse(_ text: String) -> Int? {
        try? value(of: text)
    }

    /// The number of bytes, from 0 to ``maximum``; computed in `Double` and
    /// compared before converting, so no input traps.
    static func value(of text: String) throws(Problem) -> Int {
        let trimmed = text.trimmingSpaces
        if let plain = Int(trimmed) {
            guard (0...maximum).contains(plain) else { throw .outOfRange }
            return plain
        }
        let unsigned = trimmed.hasPrefix("-") || trimmed.hasPrefix("+") ? String(trimmed.dropFirst()) : trimmed
        if !unsigned.isEmpty, unsigned.allSatisfy({ ("0"..."9").contains($0) }) { throw .outOfRange }
        for unit in units where trimmed.hasSuffix(unit.suffix) {
            let number = String(trimmed.dropLast(unit.suffix.count)).trimmingSpaces
            let digits = number.hasPrefix("-") ? String(number.dropFirst()) : number
            guard !digits.isEmpty, digits.allSatisfy({ ("0"..."9").contains($0) || $0 == "." }), let value = Double(number), value.isFinite else {
                throw .notASize
            }
            let bytes = (value * unit.factor).rounded()
            guard bytes >= 0, bytes <= Double(maximum) else { throw .outOfRange }
            return Int(bytes)
        }
        throw .notASize
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
        do throws(ByteSizeText.Problem) {
            return try ByteSizeText.value(of: text)
        } catch {
            switch error {
            case .notASize:
                throw invalid(key, "bad size '\(text)'; write a number of bytes or a number and a unit (KB, MB, GB), e.g. '64KB' or '200MB'")
            case .outOfRange:
                throw invalid(key, "\(text.prefix(40)) is out of range; use a size between 0 and 1024GB (\(ByteSizeText.maximum) bytes)")
            }
        }
    }
}
