import Foundation

/// Turns the file name a server gives an export into one safe path component.
///
/// The name comes from the HSS API (`file_name` of the export task) and is
/// used to save the download in a directory the user chose, so a hostile or
/// broken server must not be able to pick where the file lands or what it
/// looks like in a listing.
public enum ArchiveFileName {
    /// The most UTF-8 bytes a file name may have on common file systems (ext4, APFS, XFS).
    static let maximumBytes = 255
    /// What is left when neither the server's name nor the fallback stem has anything usable.
    static let lastResortStem = "hss-export-download"

    /// A safe single path component for a downloaded archive.
    ///
    /// The result never contains `/`, `\` or NUL, is never `.` or `..`, never
    /// starts with `.` (hidden files) or `-`/`~` (read as options or home by
    /// shells), holds no control characters (C0, C1, DEL) and no bidi or other
    /// invisible format characters, and is at most 255 UTF-8 bytes (cut at a
    /// character boundary, keeping the extension). Only the last component of
    /// a path-like name is kept. Characters that are merely unusual (symbols,
    /// punctuation other than `-_.+=@,()[]`, spaces, characters Windows forbids)
    /// become `_`; letters and digits of any script stay, in Unicode NFC.
    /// The name always ends in `.zip` (any case): the download is a zip, whatever
    /// the server called it, so `report.csv` becomes `report.csv.zip`.
    ///
    /// - Parameters:
    ///   - serverName: the name the server gave, or `nil`.
    ///   - fallbackStem: used (sanitized the same way) as `<fallbackStem>.zip` when the
    ///     server's name has no letter or digit left; make it unique, e.g. from the task id.
    /// - Returns: the file name, never empty.
    public static func sanitize(_ serverName: String?, fallbackStem: String) -> String {
        if let serverName, let name = clean(serverName) { return name }
        if let name = clean(fallbackStem) { return name }
        return lastResortStem + ".zip"
    }

    /// The cleaned name, or `nil` when no letter or digit survives.
    static func clean(_ raw: String) -> String? {
        let lastComponent = raw.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
        var text = ""
        for scalar in lastComponent.precomposedStringWithCanonicalMapping.unicodeScalars {
            if UnicodeClass.isControlOrFormat(scalar) { continue }
            text.unicodeScalars.append(isKept(scalar) ? scalar : "_")
        }
        var stem = Substring(text)
        var suffix = ".zip"
        if stem.lowercased().hasSuffix(".zip") {
            suffix = String(stem.suffix(4))
            stem = stem.dropLast(4)
        }
        stem = trimmed(stem)
        guard isUsable(stem) else { return nil }
        var result = String(stem)
        if let first = result.unicodeScalars.first, first == "-" || first == "~" {
            result = "_" + String(result.unicodeScalars.dropFirst())
        }
        result = fitted(result, suffix: suffix)
        return isUsable(Substring(result)) ? result + suffix : nil
    }

    /// Whether a stem has a letter or a digit: a name of only `_` says nothing about the file.
    private static func isUsable(_ stem: Substring) -> Bool {
        stem.unicodeScalars.contains(where: { $0.properties.isAlphabetic || $0.properties.numericType != nil })
    }

    /// Letters, digits and marks of any script, and a few ASCII punctuation marks
    /// that are harmless in shells and on every file system.
    private static func isKept(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.isASCII {
            switch scalar {
            case "a"..."z", "A"..."Z", "0"..."9", "-", "_", ".", "+", "=", "@", ",", "(", ")", "[", "]": return true
            default: return false
            }
        }
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
            .decimalNumber, .letterNumber, .otherNumber, .nonspacingMark, .spacingMark, .enclosingMark:
            return true
        default:
            return false
        }
    }

    /// Without leading dots (hidden files, `..`) and trailing dots (which Windows drops).
    private static func trimmed(_ stem: Substring) -> Substring {
        var stem = stem
        while stem.first == "." { stem = stem.dropFirst() }
        while stem.last == "." { stem = stem.dropLast() }
        return stem
    }

    /// The stem cut so that it and the suffix fit in 255 bytes: at a character
    /// boundary, or at a scalar boundary when a single character is longer than that.
    private static func fitted(_ stem: String, suffix: String) -> String {
        let budget = maximumBytes - suffix.utf8.count
        guard stem.utf8.count > budget else { return stem }
        var result = ""
        var bytes = 0
        for character in stem {
            let size = character.utf8.count
            if bytes + size > budget { break }
            result.append(character)
            bytes += size
        }
        if result.isEmpty {
            for scalar in stem.unicodeScalars {
                let size = UTF8.width(scalar)
                if bytes + size > budget { break }
                result.unicodeScalars.append(scalar)
                bytes += size
            }
        }
        // Cutting may leave the stem ending in dots; trim it as a whole name would be.
        return String(trimmed(Substring(result)))
    }
}
