import Crypto
public import ExportStageKit
import Foundation

/// Makes a record safe to hand to stages and logs: every known secret is
/// replaced in the strings that came from the server (or the pipeline file),
/// and the server's strings are cut to the lengths the API documents.
///
/// HSS echoes whatever was sent or stored: a `task_name` or `file_name` can
/// hold the token (a user pasted it, a proxy echoed a header), and a hostile
/// or broken server can send megabytes where the API allows 128 characters.
/// The runner calls ``sanitize(_:)`` once per result, before any stage or log
/// sees it, so every output gets the same clean record.
///
/// A secret is found in every form a record or log line could carry it:
/// verbatim; percent-encoded (`%2F` or `%2f`, `+` for a space, any mix of
/// encoded and plain characters); JSON-escaped (`\u002f`, `\/`); as hex (lower
/// or upper case, and the part of it at either end of a hex run, as in a
/// truncated hex dump); and as base64 (standard and URL-safe, at any of the
/// three byte alignments, so also inside `base64("user:" + secret)`).
public struct ResultSanitizer: Sendable {
    /// The longest value kept per field, in Unicode scalars (the API's
    /// "characters").
    public struct Limits: Sendable, Equatable {
        /// The lengths HSS documents (`task_id` 1–64, `task_name` 1–128,
        /// `file_id` 1–64, `file_name` 1–255), and for the fields it does not
        /// document: `task_status` 64, error codes 64, request ids 128 and
        /// error messages 1,024.
        public static let api = Limits()

        /// `task_id` (documented: 64).
        public var taskID: Int
        /// `task_name` (documented: 128).
        public var taskName: Int
        /// `task_status` (not documented; its values are short words).
        public var taskStatus: Int
        /// `file_id` (documented: 64).
        public var fileID: Int
        /// `file_name` (documented: 255).
        public var fileName: Int
        /// An error's code (not documented; `APIG.0301`, `HSS.1059`, a status).
        public var errorCode: Int
        /// An error's message (not documented).
        public var errorMessage: Int
        /// An error's `X-Request-Id` (not documented; HSS sends 32 hex digits).
        public var requestID: Int

        /// Creates limits; every value must be at least ``ResultSanitizer/minimumLimit``
        /// (smaller ones are raised to it, since a cut value keeps a hash suffix).
        public init(
            taskID: Int = 64, taskName: Int = 128, taskStatus: Int = 64, fileID: Int = 64, fileName: Int = 255,
            errorCode: Int = 64, errorMessage: Int = 1024, requestID: Int = 128
        ) {
            let floor = ResultSanitizer.minimumLimit
            self.taskID = max(taskID, floor)
            self.taskName = max(taskName, floor)
            self.taskStatus = max(taskStatus, floor)
            self.fileID = max(fileID, floor)
            self.fileName = max(fileName, floor)
            self.errorCode = max(errorCode, floor)
            self.errorMessage = max(errorMessage, floor)
            self.requestID = max(requestID, floor)
        }
    }

    /// What replaces a secret in records: `***`.
    public static let defaultReplacement = "***"
    /// Shorter secrets are ignored: redacting `abc` everywhere would garble
    /// every line and protect nothing.
    public static let minimumSecretLength = 4
    /// The smallest limit: room for a few characters, `…` and the hash.
    public static let minimumLimit = 16
    /// Hex digits of the SHA-256 of the whole value kept after a cut, so two
    /// long values that share their start stay distinct.
    public static let hashSuffixLength = 8
    /// The shortest part of a secret (in bytes) redacted at the end of a hex
    /// run; shorter pieces say nothing of the secret and would match by chance.
    static let minimumFragment = 6

    /// The lengths values are cut to.
    public let limits: Limits
    /// What replaces each occurrence of a secret.
    public let replacement: String
    /// The secrets' bytes (the usable ones, longest first).
    private let secrets: [[UInt8]]
    /// Every form of every secret.
    private let patterns: [Pattern]
    /// Bytes a pattern can start with (256 entries).
    private let starts: [Bool]
    /// The longest text a pattern can match, in bytes.
    private let longestMatch: Int

    /// Creates a sanitizer.
    ///
    /// - Parameters:
    ///   - secrets: The values never to write: a token, a secret key, a
    ///     security token (e.g. `HSSCredentials.secrets`). Values shorter than
    ///     ``minimumSecretLength`` are ignored; duplicates are fine.
    ///   - limits: The longest value kept per field; the API's lengths by default.
    ///   - replacement: What replaces a secret; `***` by default.
    public init(secrets: [String], limits: Limits = .api, replacement: String = ResultSanitizer.defaultReplacement) {
        self.limits = limits
        self.replacement = replacement
        let usable = Set(secrets.filter { $0.unicodeScalars.count >= Self.minimumSecretLength }.map { Array($0.utf8) })
        self.secrets = usable.sorted { $0.count != $1.count ? $0.count > $1.count : $0.lexicographicallyPrecedes($1) }
        var patterns: [Pattern] = []
        for secret in self.secrets {
            patterns.append(Pattern(bytes: secret, ignoresCase: false, allowsEscapes: true))
            patterns.append(Pattern(bytes: Array(Self.hex(secret).utf8), ignoresCase: true, allowsEscapes: false))
            for core in Self.base64Cores(of: secret) where core.count >= Self.minimumSecretLength {
                patterns.append(Pattern(bytes: core, ignoresCase: false, allowsEscapes: true))
            }
        }
        var seen: Set<Pattern> = []
        self.patterns = patterns.filter { seen.insert($0).inserted }.sorted { $0.bytes.count > $1.bytes.count }
        var starts = [Bool](repeating: false, count: 256)
        for pattern in self.patterns {
            guard let first = pattern.bytes.first else { continue }
            starts[Int(first)] = true
            if pattern.ignoresCase { starts[Int(Self.otherCase(first))] = true }
            if pattern.allowsEscapes {
                for escape in ["%", "\\", "+"] { starts[Int(escape.utf8.first!)] = true }
            }
        }
        self.starts = starts
        // `\u00XX` is the longest escape: six bytes per byte of a secret.
        longestMatch = (self.patterns.map(\.bytes.count).max() ?? 0) * 6
    }

    /// Whether there is any secret to redact.
    public var redactsSecrets: Bool { !secrets.isEmpty }

    /// `text` with every form of every secret replaced by ``replacement``.
    public func redact(_ text: String) -> String {
        redacted(text).text
    }

    /// `result` with every secret replaced in each of its strings and the
    /// server's strings cut to ``limits``, and one warning per field changed,
    /// naming the task and the field (never the value). Values from the
    /// pipeline file (`project_id`, `region`, export names) and the download's
    /// paths are redacted but not cut.
    public func sanitize(_ result: ExportResult) -> (result: ExportResult, warnings: [String]) {
        var clean = result
        var changes: [(field: String, change: Change)] = []
        func field(_ value: inout String, _ name: String, limit: Int?) {
            let (text, change) = sanitized(value, limit: limit)
            value = text
            if let change { changes.append((name, change)) }
        }
        func field(_ value: inout String?, _ name: String, limit: Int?) {
            guard var text = value else { return }
            field(&text, name, limit: limit)
            value = text
        }
        field(&clean.taskID, "task_id", limit: limits.taskID)
        field(&clean.taskName, "task_name", limit: limits.taskName)
        field(&clean.taskStatus, "task_status", limit: limits.taskStatus)
        field(&clean.fileID, "file_id", limit: limits.fileID)
        field(&clean.fileName, "file_name", limit: limits.fileName)
        field(&clean.projectID, "project_id", limit: nil)
        field(&clean.region, "region", limit: nil)
        field(&clean.enterpriseProjectID, "enterprise_project_id", limit: nil)
        field(&clean.exportName, "export", limit: nil)
        if var error = clean.error {
            field(&error.code, "error code", limit: limits.errorCode)
            field(&error.message, "error message", limit: limits.errorMessage)
            field(&error.requestID, "error request id", limit: limits.requestID)
            clean.error = error
        }
        if var download = clean.download {
            field(&download.path, "download path", limit: nil)
            field(&download.extractedTo, "extracted path", limit: nil)
            for index in download.entries.indices {
                field(&download.entries[index].name, "archive entry name", limit: nil)
            }
            clean.download = download
        }
        let task = "task '\(clean.taskID)'"
        let warnings = changes.map { field, change -> String in
            switch change {
            case .redacted:
                return "\(task): \(field) held a secret (the token or a key); replaced it with \(replacement)"
            case .cut(let length, let limit, let redacted):
                let also = redacted ? " and held a secret, replaced with \(replacement)" : ""
                return "\(task): \(field) is \(length) characters, more than the \(limit) the HSS API allows\(also); "
                    + "kept the first \(limit - Self.hashSuffixLength - 1), '…' and \(Self.hashSuffixLength) hex digits of its SHA-256"
            }
        }
        return (clean, warnings)
    }

    // MARK: Fields

    private enum Change {
        case redacted
        case cut(length: Int, limit: Int, redacted: Bool)
    }

    /// `value` redacted and, with a `limit`, cut to it.
    private func sanitized(_ value: String, limit: Int?) -> (String, Change?) {
        guard let limit else {
            let (text, changed) = redacted(value)
            return (text, changed ? .redacted : nil)
        }
        // A value far longer than the limit is redacted only in the part that can
        // survive the cut: any secret starting in the kept part lies wholly in it.
        let window = 4 * limit + longestMatch
        let bytes = value.utf8
        let isWhole = bytes.count <= window
        var head = value
        if !isWhole {
            var end = bytes.index(bytes.startIndex, offsetBy: window)
            while end > bytes.startIndex, UTF8.isContinuation(bytes[end]) { end = bytes.index(before: end) }
            head = String(value[..<end])
        }
        let (text, changed) = redacted(head)
        let length = isWhole ? text.unicodeScalars.count : value.unicodeScalars.count - head.unicodeScalars.count + text.unicodeScalars.count
        guard length > limit else { return (text, changed ? .redacted : nil) }
        let keep = limit - Self.hashSuffixLength - 1
        let kept = String(String.UnicodeScalarView(text.unicodeScalars.prefix(keep)))
        let digest = SHA256.hash(data: Array(value.utf8)).map { String(format: "%02x", $0) }.joined()
        return (kept + "…" + digest.prefix(Self.hashSuffixLength), .cut(length: length, limit: limit, redacted: changed))
    }

    // MARK: Matching

    /// One form of a secret, matched byte by byte.
    private struct Pattern: Sendable, Hashable {
        var bytes: [UInt8]
        /// Letters match in either case (hex digits).
        var ignoresCase: Bool
        /// Each byte may also appear percent-encoded or JSON-escaped.
        var allowsEscapes: Bool
    }

    /// `text` redacted, and whether anything was replaced.
    private func redacted(_ text: String) -> (text: String, changed: Bool) {
        guard !patterns.isEmpty else { return (text, false) }
        let line = Array(text.utf8)
        let replacementBytes = Array(replacement.utf8)
        var output: [UInt8] = []
        output.reserveCapacity(line.count)
        var changed = false
        var index = 0
        scan: while index < line.count {
            if starts[Int(line[index])] {
                for pattern in patterns {
                    if let end = Self.match(pattern, in: line, at: index) {
                        output += replacementBytes
                        index = end
                        changed = true
                        continue scan
                    }
                }
            }
            output.append(line[index])
            index += 1
        }
        if redactHexFragments(&output, replacement: replacementBytes) { changed = true }
        return changed ? (String(decoding: output, as: UTF8.self), true) : (text, false)
    }

    /// The end of `pattern` matched at `start` of `line`, or nil. The escapes
    /// make several lengths possible, so this follows every way at once (a
    /// set of positions, never more than a few) instead of backtracking.
    private static func match(_ pattern: Pattern, in line: [UInt8], at start: Int) -> Int? {
        let first = pattern.bytes[0]
        let head = line[start]
        let plain = head == first || (pattern.ignoresCase && head == otherCase(first))
        guard plain || (pattern.allowsEscapes && (head == 0x25 || head == 0x5C || head == 0x2B)) else { return nil }
        var positions = [start]
        var next: [Int] = []
        for byte in pattern.bytes {
            next.removeAll(keepingCapacity: true)
            for position in positions {
                for end in ends(of: byte, in: line, at: position, pattern: pattern) where !next.contains(end) {
                    next.append(end)
                }
            }
            guard !next.isEmpty else { return nil }
            swap(&positions, &next)
        }
        return positions.max()
    }

    /// Where `byte` can end when it starts at `position`: itself, `%XX`,
    /// `\u00XX`, `\/`, `\"`, `\\`, or `+` for a space.
    private static func ends(of byte: UInt8, in line: [UInt8], at position: Int, pattern: Pattern) -> [Int] {
        guard position < line.count else { return [] }
        var ends: [Int] = []
        let head = line[position]
        if head == byte || (pattern.ignoresCase && head == otherCase(byte)) { ends.append(position + 1) }
        guard pattern.allowsEscapes else { return ends }
        if head == 0x25, position + 2 < line.count, hexValue(line[position + 1], line[position + 2]) == byte {
            ends.append(position + 3)
        }
        if head == 0x5C, position + 1 < line.count {
            let escaped = line[position + 1]
            if (byte == 0x2F || byte == 0x22 || byte == 0x5C) && escaped == byte { ends.append(position + 2) }
            if escaped == 0x75, byte < 0x80, position + 5 < line.count, line[position + 2] == 0x30, line[position + 3] == 0x30,
                hexValue(line[position + 4], line[position + 5]) == byte
            {
                ends.append(position + 6)
            }
        }
        if head == 0x2B, byte == 0x20 { ends.append(position + 1) }
        return ends
    }

    /// Replaces the part of a secret at either end of a hex run of `bytes` (a
    /// hex dump cut to its first and last bytes, or a body logged in chunks,
    /// shows a secret only in part). Returns whether anything was replaced.
    private func redactHexFragments(_ bytes: inout [UInt8], replacement: [UInt8]) -> Bool {
        let shortest = 2 * Self.minimumFragment
        var ranges: [Range<Int>] = []
        var index = 0
        while index < bytes.count {
            guard Self.hexDigit(bytes[index]) != nil else {
                index += 1
                continue
            }
            var end = index
            while end < bytes.count, Self.hexDigit(bytes[end]) != nil { end += 1 }
            if end - index >= shortest {
                for alignment in 0...1 where end - index - alignment >= shortest {
                    let start = index + alignment
                    let count = (end - start) / 2
                    let decoded = (0..<count).map { Self.hexValue(bytes[start + 2 * $0], bytes[start + 2 * $0 + 1])! }
                    for secret in secrets where secret.count >= Self.minimumFragment {
                        let front = Self.longestCommonRun(decoded, secret, fromEnd: false)
                        if front >= Self.minimumFragment { ranges.append(start..<(start + 2 * front)) }
                        let back = Self.longestCommonRun(decoded, secret, fromEnd: true)
                        if back >= Self.minimumFragment { ranges.append((start + 2 * (count - back))..<(start + 2 * count)) }
                    }
                }
            }
            index = end
        }
        guard !ranges.isEmpty else { return false }
        var merged: [Range<Int>] = []
        for range in ranges.sorted(by: { $0.lowerBound < $1.lowerBound }) {
            if let last = merged.last, range.lowerBound <= last.upperBound {
                merged[merged.count - 1] = last.lowerBound..<max(last.upperBound, range.upperBound)
            } else {
                merged.append(range)
            }
        }
        for range in merged.reversed() { bytes.replaceSubrange(range, with: replacement) }
        return true
    }

    /// The length of the longest start (or end, `fromEnd`) of `run` found
    /// anywhere in `secret`.
    private static func longestCommonRun(_ run: [UInt8], _ secret: [UInt8], fromEnd: Bool) -> Int {
        guard !run.isEmpty else { return 0 }
        var best = 0
        for anchor in secret.indices {
            var length = 0
            if fromEnd {
                while length < run.count, anchor - length >= 0, secret[anchor - length] == run[run.count - 1 - length] { length += 1 }
            } else {
                while length < run.count, anchor + length < secret.count, secret[anchor + length] == run[length] { length += 1 }
            }
            best = max(best, length)
            if best == run.count { break }
        }
        return best
    }

    // MARK: Encodings

    /// Lower-case hex of `bytes`.
    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var characters: [UInt8] = []
        characters.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            characters.append(digits[Int(byte >> 4)])
            characters.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: characters, as: UTF8.self)
    }

    /// The base64 characters that depend only on `secret`, for the secret at
    /// each of the three byte offsets, in the standard and the URL-safe
    /// alphabet: what any base64 text holding the secret contains.
    static func base64Cores(of secret: [UInt8]) -> [[UInt8]] {
        var cores: [[UInt8]] = []
        for offset in 0..<3 {
            let encoded = Array(Data([UInt8](repeating: 0, count: offset) + secret).base64EncodedString().utf8)
            // Character i covers bits 6i..<6i+6; keep those wholly inside the secret's bits.
            let first = (8 * offset + 5) / 6
            let end = (8 * (offset + secret.count)) / 6
            guard first < end else { continue }
            let core = Array(encoded[first..<end])
            cores.append(core)
            cores.append(core.map { $0 == 0x2B ? 0x2D : ($0 == 0x2F ? 0x5F : $0) })
        }
        return cores
    }

    private static func otherCase(_ byte: UInt8) -> UInt8 {
        switch byte {
        case 0x41...0x5A: return byte + 0x20
        case 0x61...0x7A: return byte - 0x20
        default: return byte
        }
    }

    private static func hexDigit(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: return byte - 0x30
        case 0x41...0x46: return byte - 0x41 + 10
        case 0x61...0x66: return byte - 0x61 + 10
        default: return nil
        }
    }

    private static func hexValue(_ high: UInt8, _ low: UInt8) -> UInt8? {
        guard let high = hexDigit(high), let low = hexDigit(low) else { return nil }
        return high << 4 | low
    }
}
