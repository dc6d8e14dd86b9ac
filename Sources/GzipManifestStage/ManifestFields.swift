import ExportStageKit

/// Reads the members of one JSON object of the manifest, naming the object's
/// location (e.g. `archives[2]`) in every error.
struct ManifestFields {
    let value: JSONValue
    let location: String

    init(_ value: JSONValue, at location: String) throws {
        guard case .object = value else { throw ManifestFormatError(location: location, message: "expected an object") }
        self.value = value
        self.location = location
    }

    func string(_ key: String) throws -> String {
        guard case .string(let text)? = value[key] else { throw problem(key, "expected a string") }
        return text
    }

    func optionalString(_ key: String) throws -> String? {
        switch value[key] {
        case .string(let text)?: return text
        case .null?, nil: return nil
        default: throw problem(key, "expected a string or null")
        }
    }

    /// A whole number of at least 0.
    func count(_ key: String) throws -> Int {
        let number: Int? =
            switch value[key] {
            case .integer(let number)?: number
            case .numberLiteral(let text)?: Int(text)
            default: nil
            }
        guard let number, number >= 0 else { throw problem(key, "expected a whole number of at least 0") }
        return number
    }

    /// 64 lower-case hex digits.
    func sha256(_ key: String) throws -> String {
        let text = try string(key)
        guard Self.isHex(text, digits: 64) else { throw problem(key, "expected a SHA-256 as 64 lower-case hex digits, found \"\(text)\"") }
        return text
    }

    func optionalSHA256(_ key: String) throws -> String? {
        guard case .string? = value[key] else { return try optionalString(key) }
        return try sha256(key)
    }

    /// 8 lower-case hex digits, as the manifest writes a CRC-32.
    func crc32(_ key: String) throws -> UInt32 {
        let text = try string(key)
        guard Self.isHex(text, digits: 8), let crc = UInt32(text, radix: 16) else {
            throw problem(key, "expected a CRC-32 as 8 lower-case hex digits, found \"\(text)\"")
        }
        return crc
    }

    func array(_ key: String) throws -> [JSONValue] {
        guard case .array(let items)? = value[key] else { throw problem(key, "expected an array") }
        return items
    }

    func problem(_ key: String, _ message: String) -> ManifestFormatError {
        ManifestFormatError(location: "\(location).\(key)", message: value[key] == nil ? "is missing" : message)
    }

    static func isHex(_ text: String, digits: Int) -> Bool {
        text.utf8.count == digits && text.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }
}
