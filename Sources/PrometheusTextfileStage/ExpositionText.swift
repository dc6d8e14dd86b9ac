import ExportStageKit

/// Text in the Prometheus exposition format (version 0.0.4), built family by
/// family and handed to a file writer in chunks, so a large batch never sits
/// in memory as one string.
struct ExpositionText {
    /// Text not yet written out.
    private(set) var pending = ""

    /// Starts a family: its `# HELP` and `# TYPE` lines (always a gauge: every
    /// value describes the last run, none accumulates across runs).
    mutating func family(_ name: String, help: String) {
        pending += "# HELP " + name + " " + Self.escapeHelp(help) + "\n"
        pending += "# TYPE " + name + " gauge\n"
    }

    /// Adds a sample; `labels` is an already escaped label list (see
    /// ``label(_:_:)``), empty for none. No timestamp: node_exporter rejects
    /// textfiles whose samples carry one.
    mutating func sample(_ name: String, labels: String, value: String) {
        pending += name
        if !labels.isEmpty { pending += "{" + labels + "}" }
        pending += " " + value + "\n"
    }

    /// Writes the pending text once it is large enough to be worth a system call
    /// (or always, with `force`).
    mutating func flush(to file: AtomicFileWriter, force: Bool = false) throws {
        guard force || pending.utf8.count >= 64 * 1024 else { return }
        try file.write(pending)
        pending.removeAll(keepingCapacity: true)
    }

    /// `name="value"` with the value capped (``cappedLabelValue(_:)``) and escaped.
    static func label(_ name: String, _ value: String) -> String {
        name + "=\"" + escapeLabelValue(cappedLabelValue(value)) + "\""
    }

    /// `value` if it fits in ``PrometheusTextfileStage/Configuration/maximumLabelValueBytes``
    /// bytes of UTF-8; otherwise its start (cut between characters), `…` and
    /// the first 8 hex digits of the SHA-256 of the whole value, 256 bytes at
    /// most. The hash keeps two long values that share their start two
    /// series, and the cap keeps a megabyte task name from becoming a
    /// megabyte per series (eight series per task).
    static func cappedLabelValue(_ value: String) -> String {
        capped(value, maximum: PrometheusTextfileStage.Configuration.maximumLabelValueBytes, separator: "…")
    }

    /// `name` if it fits in `maximum` bytes; otherwise its start, `_` and the
    /// first 8 hex digits of the SHA-256 of the whole name, which is still a
    /// valid metric or label name (a name is ASCII, so any cut is clean).
    static func cappedName(_ name: String, maximum: Int) -> String {
        capped(name, maximum: maximum, separator: "_")
    }

    /// Hex digits of the SHA-256 kept after a cut.
    static let hashSuffixLength = 8

    private static func capped(_ value: String, maximum: Int, separator: String) -> String {
        let bytes = value.utf8
        guard bytes.count > maximum else { return value }
        let room = maximum - separator.utf8.count - hashSuffixLength
        var end = bytes.index(bytes.startIndex, offsetBy: room)
        // Back off to the start of a scalar, so the kept part stays valid UTF-8.
        while end > bytes.startIndex, UTF8.isContinuation(bytes[end]) { end = bytes.index(before: end) }
        let digest = FileDigest(of: Array(bytes)).sha256
        return String(value[..<end]) + separator + digest.prefix(hashSuffixLength)
    }

    /// Joins escaped label lists, skipping empty ones.
    static func joinLabels(_ lists: String...) -> String {
        lists.filter { !$0.isEmpty }.joined(separator: ",")
    }

    /// A label value with `\`, `"` and line feed escaped, as the format requires.
    static func escapeLabelValue(_ value: String) -> String {
        // Scalars, not Characters: "\r\n" is one Character, and its "\n" must still be escaped.
        guard value.unicodeScalars.contains(where: { $0 == "\\" || $0 == "\"" || $0 == "\n" }) else { return value }
        var escaped = String.UnicodeScalarView()
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\\": escaped.append(contentsOf: "\\\\".unicodeScalars)
            case "\"": escaped.append(contentsOf: "\\\"".unicodeScalars)
            case "\n": escaped.append(contentsOf: "\\n".unicodeScalars)
            default: escaped.append(scalar)
            }
        }
        return String(escaped)
    }

    /// Help text with `\` and line feed escaped (quotes are literal in HELP).
    static func escapeHelp(_ help: String) -> String {
        var escaped = String.UnicodeScalarView()
        for scalar in help.unicodeScalars {
            switch scalar {
            case "\\": escaped.append(contentsOf: "\\\\".unicodeScalars)
            case "\n": escaped.append(contentsOf: "\\n".unicodeScalars)
            default: escaped.append(scalar)
            }
        }
        return String(escaped)
    }

    /// A value in seconds rounded to milliseconds, without trailing zeros
    /// (`3`, `2.5`, `1764426634.123`), in a form Prometheus parses.
    static func seconds(_ value: Double) -> String {
        guard value.isFinite else { return value.isNaN ? "NaN" : (value > 0 ? "+Inf" : "-Inf") }
        let milliseconds = (value * 1000).rounded()
        // Beyond 2^53 ms a Double holds no milliseconds anyway; Swift's shortest
        // round-trip form (`1e+20`) is valid for Prometheus.
        guard milliseconds.magnitude < 9.0e15 else { return String(value) }
        let total = Int64(milliseconds)
        let whole = total.magnitude / 1000
        let fraction = total.magnitude % 1000
        let sign = total < 0 ? "-" : ""
        guard fraction != 0 else { return sign + String(whole) }
        var digits = String(fraction)
        digits = String(repeating: "0", count: 3 - digits.count) + digits
        while digits.hasSuffix("0") { digits.removeLast() }
        return sign + String(whole) + "." + digits
    }
}
