/// `text` as a YAML double-quoted scalar that the pipeline loader reads back
/// as exactly `text`: backslashes, quotes and control characters escaped,
/// and every `$` doubled so `${VAR}` interpolation leaves it alone. For
/// option values in ``StageHarness`` options text:
///
/// ```swift
/// try harness.build("delimiter: \(quoted("\t"))")
/// ```
public func quoted(_ text: String) -> String {
    var scalar = "\""
    for character in text.unicodeScalars {
        switch character {
        case "\\": scalar += "\\\\"
        case "\"": scalar += "\\\""
        case "$": scalar += "$$"
        case "\n": scalar += "\\n"
        case "\t": scalar += "\\t"
        case "\r": scalar += "\\r"
        case "\u{20}"..."\u{7E}": scalar.unicodeScalars.append(character)
        // C0 and C1 controls, DEL, and what YAML reads as line breaks or a byte order mark.
        case "\u{0}"..."\u{1F}", "\u{7F}"..."\u{9F}", "\u{2028}", "\u{2029}", "\u{FEFF}":
            scalar += "\\u" + String(repeating: "0", count: 4 - String(character.value, radix: 16).count) + String(character.value, radix: 16)
        default: scalar.unicodeScalars.append(character)
        }
    }
    return scalar + "\""
}

/// `items` as a YAML flow sequence of ``quoted(_:)`` scalars, such as the
/// `command` of an exec stage.
public func quoted(_ items: [String]) -> String {
    "[" + items.map(quoted).joined(separator: ", ") + "]"
}
