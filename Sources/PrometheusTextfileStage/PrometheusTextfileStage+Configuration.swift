public import ExportStageKit

extension PrometheusTextfileStage {
    /// The stage's validated settings.
    public struct Configuration: Sendable, Equatable {
        /// The prefix used when the pipeline file sets none.
        public static let defaultPrefix = "hss_export"

        /// Labels the stage sets itself; an extra label with one of these
        /// names would produce two labels of the same name on one series.
        public static let reservedLabelNames: [String] = ["source", "task_id", "task_name", "outcome", "task_status", "file_id", "file_name"]

        /// The longest label value written, in bytes of UTF-8 before escaping;
        /// a longer one (a task or file name from HSS, an extra label) is cut
        /// and ends in `…` and 8 hex digits of its SHA-256.
        public static let maximumLabelValueBytes = 256
        /// The longest prefix kept: with the longest family suffix
        /// (`_last_success_timestamp_seconds`, 31 bytes) every metric name
        /// stays within ``maximumNameBytes``. A longer prefix is cut and ends
        /// in `_` and 8 hex digits of its SHA-256.
        public static let maximumPrefixBytes = 96
        /// The longest metric or label name written; a longer `extra_labels`
        /// name is cut and ends in `_` and 8 hex digits of its SHA-256.
        public static let maximumNameBytes = 128

        /// The absolute path of the `.prom` file.
        public let path: String
        /// The prefix of every metric name (cut to ``maximumPrefixBytes``).
        public let prefix: String
        /// Whether per-task series are written.
        public let perTask: Bool
        /// Constant labels added to every series, in file order (names cut to
        /// ``maximumNameBytes``; values are cut when written).
        public let extraLabels: [StageOptionValue.KeyValue]

        /// Validates settings.
        ///
        /// A `prefix` holding `:` or upper-case letters is a valid metric name
        /// and node_exporter serves it, but `promtool check metrics` warns
        /// about it (colons are meant for recording rules).
        ///
        /// - Throws: ``StageOptionError`` naming the option, the bad value and
        ///   a fix, for a path not ending in `.prom`, a prefix that is not a
        ///   metric name, or an extra label whose name is invalid, reserved,
        ///   repeated, or one of ``reservedLabelNames``.
        public init(path: String, prefix: String = defaultPrefix, perTask: Bool = true, extraLabels: [StageOptionValue.KeyValue] = [])
            throws(StageOptionError)
        {
            try Self.validate(path: path)
            try Self.validate(prefix: prefix)
            try Self.validate(extraLabels: extraLabels)
            self.path = path
            // Cut after validating, so a diagnostic names what the user wrote.
            self.prefix = ExpositionText.cappedName(prefix, maximum: Self.maximumPrefixBytes)
            self.perTask = perTask
            self.extraLabels = extraLabels.map { entry in
                var entry = entry
                entry.key = ExpositionText.cappedName(entry.key, maximum: Self.maximumNameBytes)
                return entry
            }
        }

        /// The full name of the family carried over between runs.
        var lastSuccessMetric: String { prefix + "_last_success_timestamp_seconds" }

        /// The extra labels, escaped and joined, ready to start a label set.
        var constantLabelText: String {
            extraLabels.map { ExpositionText.label($0.key, $0.value) }.joined(separator: ",")
        }
    }
}

extension PrometheusTextfileStage.Configuration {
    private static func validate(path: String) throws(StageOptionError) {
        let name = FilePath.lastComponent(of: path)
        // The collector reads only `*.prom`; anything else would be written and never served.
        guard name.hasSuffix(".prom"), name.count > ".prom".count else {
            let stem = name.lastIndex(of: ".").map { String(name[..<$0]) } ?? name
            throw StageOptionError(
                option: "path",
                message: "'\(path)' does not name a file ending in '.prom', and node_exporter's textfile collector reads only *.prom files",
                fix: "name the file like '\(stem.isEmpty ? "metrics" : stem).prom'"
            )
        }
    }

    private static func validate(prefix: String) throws(StageOptionError) {
        guard isMetricName(prefix) else {
            throw StageOptionError(
                option: "prefix",
                message: "'\(prefix)' is not a valid Prometheus metric name (it must match [a-zA-Z_:][a-zA-Z0-9_:]*)",
                fix: "use '\(sanitized(prefix, allowColon: true))'"
            )
        }
    }

    private static func validate(extraLabels: [StageOptionValue.KeyValue]) throws(StageOptionError) {
        var seen: Set<String> = []
        for entry in extraLabels {
            let name = entry.key
            guard isLabelName(name) else {
                throw StageOptionError(
                    option: "extra_labels",
                    message: "'\(name)' is not a valid Prometheus label name (it must match [a-zA-Z_][a-zA-Z0-9_]*)",
                    fix: "use '\(sanitized(name, allowColon: false))'"
                )
            }
            guard !name.hasPrefix("__") else {
                throw StageOptionError(
                    option: "extra_labels",
                    message: "label '\(name)' starts with '__', which Prometheus reserves for its own use",
                    fix: "drop the leading underscores: '\(suggestion(stripping: name))'"
                )
            }
            guard !reservedLabelNames.contains(name) else {
                throw StageOptionError(
                    option: "extra_labels",
                    message: "label '\(name)' clashes with a label the stage sets itself (\(reservedLabelNames.joined(separator: ", ")))",
                    fix: "rename it, e.g. 'job_\(name)'"
                )
            }
            // promtool flags these on gauges: they mean histogram buckets and summary quantiles.
            guard name != "le", name != "quantile" else {
                throw StageOptionError(
                    option: "extra_labels",
                    message: "label '\(name)' is reserved for histograms and summaries, and the stage writes gauges",
                    fix: "rename it, e.g. '\(name)_value'"
                )
            }
            guard seen.insert(name).inserted else {
                throw StageOptionError(option: "extra_labels", message: "label '\(name)' is given twice", fix: "keep one of them")
            }
        }
    }

    /// `[a-zA-Z_:][a-zA-Z0-9_:]*`
    static func isMetricName(_ name: String) -> Bool {
        isName(name, allowColon: true)
    }

    /// `[a-zA-Z_][a-zA-Z0-9_]*`
    static func isLabelName(_ name: String) -> Bool {
        isName(name, allowColon: false)
    }

    private static func isName(_ name: String, allowColon: Bool) -> Bool {
        guard let first = name.utf8.first, !isDigit(first) else { return false }
        return name.utf8.allSatisfy { isNameByte($0, allowColon: allowColon) }
    }

    private static func isNameByte(_ byte: UInt8, allowColon: Bool) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "_"): return true
        case UInt8(ascii: ":"): return allowColon
        default: return isDigit(byte)
        }
    }

    private static func isDigit(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }

    /// `name` with every invalid character replaced by `_`, for the fix text.
    private static func sanitized(_ name: String, allowColon: Bool) -> String {
        var result = String(
            name.unicodeScalars.map { scalar -> Character in
                scalar.isASCII && isNameByte(UInt8(scalar.value), allowColon: allowColon) ? Character(scalar) : "_"
            })
        if result.utf8.first.map(isDigit) ?? true { result = "_" + result }
        return result
    }

    private static func suggestion(stripping name: String) -> String {
        let stripped = String(name.drop { $0 == "_" })
        return stripped.isEmpty ? "label" : stripped
    }
}
