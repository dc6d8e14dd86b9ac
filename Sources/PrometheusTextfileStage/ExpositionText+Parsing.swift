extension ExpositionText {
    /// The values of every sample of the metric `name` in exposition-format
    /// `text`, whatever their labels; malformed lines and non-finite values
    /// are skipped, because a damaged old file must not fail a new run.
    static func sampleValues(of name: String, in text: String) -> [Double] {
        // Bytes, not Characters: a combining mark after a quote would otherwise
        // merge with it into one Character and hide it.
        let nameBytes = Array(name.utf8)
        var values: [Double] = []
        for line in text.utf8.split(separator: UInt8(ascii: "\n")) {
            guard line.starts(with: nameBytes) else { continue }
            var rest = line.dropFirst(nameBytes.count)
            if rest.first == UInt8(ascii: "{") {
                guard let end = endOfLabelSet(rest) else { continue }
                rest = rest[end...]
            } else if let next = rest.first, !isBlank(next) {
                continue  // a longer name that merely starts with `name`
            }
            let token = rest.drop(while: isBlank).prefix { !isBlank($0) && $0 != UInt8(ascii: "\r") }
            if let value = Double(String(decoding: token, as: UTF8.self)), value.isFinite { values.append(value) }
        }
        return values
    }

    private static func isBlank(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t")
    }

    /// The index just past the `}` closing the label set that `bytes` starts
    /// with, skipping quoted values (which may hold `}` and escaped quotes).
    private static func endOfLabelSet(_ bytes: Substring.UTF8View) -> String.Index? {
        var inQuotes = false
        var escaped = false
        var index = bytes.index(after: bytes.startIndex)
        while index < bytes.endIndex {
            let byte = bytes[index]
            if escaped {
                escaped = false
            } else if inQuotes {
                if byte == UInt8(ascii: "\\") { escaped = true } else if byte == UInt8(ascii: "\"") { inQuotes = false }
            } else if byte == UInt8(ascii: "\"") {
                inQuotes = true
            } else if byte == UInt8(ascii: "}") {
                return bytes.index(after: index)
            }
            index = bytes.index(after: index)
        }
        return nil
    }
}
