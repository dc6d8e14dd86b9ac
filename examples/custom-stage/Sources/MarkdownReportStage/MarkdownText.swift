/// Text from HSS (task names, error messages) made safe for a Markdown table cell.
enum MarkdownText {
    /// Characters that would end a table cell, start emphasis, code, links
    /// or HTML; each is backslash-escaped (CommonMark allows this for any
    /// ASCII punctuation), so the text renders as written.
    static let special: Set<Character> = ["\\", "|", "`", "*", "_", "[", "]", "<", ">", "~", "&"]

    /// `text` on one line with Markdown's special characters escaped.
    static func escape(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.count)
        for character in text {
            if character.isNewline || character == "\t" {
                // A line break would end the table row.
                escaped.append(" ")
            } else {
                if special.contains(character) { escaped.append("\\") }
                escaped.append(character)
            }
        }
        return escaped
    }
}
