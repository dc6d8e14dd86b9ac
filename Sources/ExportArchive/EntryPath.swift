/// An entry name checked to stay inside the directory it is extracted into.
struct EntryPath {
    /// The path's components, none empty, `.` or `..`.
    var components: [String]

    /// The relative path.
    var relative: String { components.joined(separator: "/") }

    /// Checks a name the way it will be used, and its raw bytes, which ZIPFoundation may have
    /// decoded as code page 437 (where control bytes become visible symbols).
    ///
    /// - Returns: the path, or why the name is refused.
    static func check(name: String, rawName: [UInt8], isDirectory: Bool) -> Result<EntryPath, Refusal> {
        if rawName.contains(where: { $0 < 0x20 || $0 == 0x7F }) || name.unicodeScalars.contains(where: isControl) {
            return .failure(Refusal("contains a NUL or control character"))
        }
        if name.contains("\\") || rawName.contains(UInt8(ascii: "\\")) { return .failure(Refusal("contains a backslash")) }
        if name.hasPrefix("/") { return .failure(Refusal("is an absolute path")) }
        let scalars = Array(name.unicodeScalars.prefix(2))
        if scalars.count == 2, scalars[1] == ":", scalars[0].isASCII, scalars[0].properties.isAlphabetic {
            return .failure(Refusal("starts with a drive letter"))
        }
        var text = Substring(name)
        if isDirectory, text.hasSuffix("/") { text = text.dropLast() }
        guard !text.isEmpty else { return .failure(Refusal("is empty")) }
        let components = text.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        for component in components {
            switch component {
            case "": return .failure(Refusal("has an empty path component"))
            case ".": return .failure(Refusal("has a '.' path component"))
            case "..": return .failure(Refusal("has a '..' path component"))
            default:
                if component.utf8.count > 255 { return .failure(Refusal("has a path component longer than 255 bytes")) }
            }
        }
        return .success(EntryPath(components: components))
    }

    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
    }

    /// Why a name is refused.
    struct Refusal: Error {
        var reason: String
        init(_ reason: String) { self.reason = reason }
    }
}
