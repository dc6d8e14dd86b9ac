/// Header helpers shared by the signer and the verifier.
enum HeaderFields {
    /// The value of the first header whose name matches `name` case-insensitively.
    static func first(named name: String, in headers: [(name: String, value: String)]) -> String? {
        let lowered = name.lowercased()
        return headers.first { $0.name.lowercased() == lowered }?.value
    }

    /// Whether any header matches `name` case-insensitively.
    static func contains(_ name: String, in headers: [(name: String, value: String)]) -> Bool {
        first(named: name, in: headers) != nil
    }

    /// Trims like Python's `str.strip()`, which also treats U+001C–U+001F as whitespace;
    /// a different trim would change the canonical headers for such values.
    static func trim(_ value: String) -> String {
        let scalars = value.unicodeScalars
        guard let start = scalars.firstIndex(where: { !isPythonWhitespace($0) }) else { return "" }
        let end = scalars.lastIndex(where: { !isPythonWhitespace($0) })!
        return String(scalars[start...end])
    }

    private static func isPythonWhitespace(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.isWhitespace || (0x1C...0x1F).contains(scalar.value)
    }
}
