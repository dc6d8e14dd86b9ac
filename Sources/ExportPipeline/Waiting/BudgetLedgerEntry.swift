/// One request in a host budget ledger file: a line
/// `SENT_MS ANSWERED_MS PID ID` (wall-clock milliseconds since 1970;
/// `ANSWERED_MS` is `-` while the request is in flight).
struct BudgetLedgerEntry: Sendable, Equatable {
    var sent: Int64
    var answered: Int64?
    var pid: Int32
    var id: String

    /// The line, without its newline.
    var line: String { "\(sent) \(answered.map(String.init) ?? "-") \(pid) \(id)" }

    /// Parses one line; `nil` when it is not an entry.
    init?(line: Substring) {
        let fields = line.split(separator: " ", omittingEmptySubsequences: false)
        guard fields.count == 4, let sent = Int64(fields[0]), sent >= 0, let pid = Int32(fields[2]), pid > 0,
            !fields[3].isEmpty, fields[3].allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") })
        else { return nil }
        if fields[1] == "-" {
            answered = nil
        } else {
            guard let answered = Int64(fields[1]), answered >= sent else { return nil }
            self.answered = answered
        }
        self.sent = sent
        self.pid = pid
        self.id = String(fields[3])
    }

    init(sent: Int64, answered: Int64? = nil, pid: Int32, id: String) {
        self.sent = sent
        self.answered = answered
        self.pid = pid
        self.id = id
    }
}
