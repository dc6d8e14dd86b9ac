extension VerificationReport {
    /// One line per file that does not match, in manifest order:
    ///
    /// ```
    /// changed: /srv/hss/downloads/t-1.zip (sha256 was 3f5c…, is 9a0b…)
    /// changed: /srv/hss/results.jsonl (size was 1757 bytes, is 1204 bytes)
    /// missing: /srv/hss/downloads/t-2.zip
    /// unreadable: /srv/hss/downloads/t-3.zip (could not open: Permission denied)
    /// ```
    public var problemLines: [String] {
        problems.map(Self.line(for:))
    }

    /// `verified N files: all match`, or `K of N files changed or missing`.
    public var summaryLine: String {
        let count = files.count
        let noun = count == 1 ? "file" : "files"
        let problemCount = problems.count
        if problemCount == 0 { return "verified \(count) \(noun): all match" }
        return "\(problemCount) of \(count) \(noun) changed or missing"
    }

    static func line(for file: VerifiedFile) -> String {
        switch file.status {
        case .ok: return "ok: \(file.path)"
        case .missing: return "missing: \(file.path)"
        case .changedSize:
            return "changed: \(file.path) (size was \(file.expectedBytes) bytes, is \(file.actualBytes.map(String.init) ?? "unknown") bytes)"
        case .changedSHA256:
            return "changed: \(file.path) (sha256 was \(file.expectedSHA256 ?? "not recorded"), is \(file.actualSHA256 ?? "unknown"))"
        case .unreadable: return "unreadable: \(file.path) (\(file.reason ?? "unknown reason"))"
        }
    }
}
