import Foundation

/// Plausible CSV rows for an export, seeded so the same file id and entry give the same
/// bytes: the columns are the export's `[field, title]` headers (titles on the header line),
/// and each value is made up from the field's name (IPs for `*_ip`, CVE ids for `cve*`,
/// severities, times, counts; words otherwise). Some values need CSV quoting.
struct CSVRowGenerator {
    /// What a column holds, picked once from its field name.
    enum Column {
        case ip, host, severity, cve, time, status, identifier, count, port, path, name, text
    }

    /// The header line, with CRLF.
    let header: [UInt8]
    let columns: [Column]
    private var random: SeededGenerator
    private var row = 0

    /// The bytes of the shortest filler row: the separators and CRLF.
    var minimumFillerCount: Int { columns.count - 1 + 2 }

    init(headers: [(field: String, title: String)], seed: String, entry: Int) {
        let headers = headers.isEmpty ? [(field: "id", title: "id")] : headers
        header = Array((headers.map { Self.quoted($0.title) }.joined(separator: ",") + "\r\n").utf8)
        columns = headers.map { Self.column(for: $0.field) }
        random = SeededGenerator(text: seed, stream: entry)
    }

    static func column(for field: String) -> Column {
        let field = field.lowercased()
        if field.contains("ip") || field.contains("addr") { return .ip }
        if field.contains("cve") { return .cve }
        if field.contains("severity") || field.contains("level") || field.contains("priority") || field.contains("necessity") { return .severity }
        if field.contains("time") || field.contains("date") { return .time }
        if field.contains("status") || field.contains("result") { return .status }
        if field.contains("host") || field.contains("server") { return .host }
        if field.contains("port") { return .port }
        if field.contains("path") || field.contains("file") || field.contains("dir") { return .path }
        if field.hasSuffix("_id") || field == "id" { return .identifier }
        if field.contains("num") || field.contains("count") || field.contains("size") || field == "pid" { return .count }
        if field.contains("name") || field.contains("title") { return .name }
        return .text
    }

    /// Appends the next data row, with CRLF.
    mutating func appendRow(to output: inout [UInt8]) {
        row += 1
        for (index, column) in columns.enumerated() {
            if index > 0 { output.append(UInt8(ascii: ",")) }
            appendValue(column, to: &output)
        }
        output.append(13)
        output.append(10)
    }

    /// Appends a row of exactly `count` bytes (at least ``minimumFillerCount``): the first
    /// field padded with `-`, the others empty.
    func appendFiller(count: Int, to output: inout [UInt8]) {
        guard count >= minimumFillerCount else {
            // Too short for a full row: a line of dashes, as short as needed.
            if count > 1 { output.append(contentsOf: repeatElement(UInt8(ascii: "-"), count: count - 1)) }
            if count > 0 { output.append(10) }
            return
        }
        output.append(contentsOf: repeatElement(UInt8(ascii: "-"), count: count - minimumFillerCount))
        output.append(contentsOf: repeatElement(UInt8(ascii: ","), count: columns.count - 1))
        output.append(13)
        output.append(10)
    }

    private mutating func appendValue(_ column: Column, to output: inout [UInt8]) {
        switch column {
        case .ip:
            appendNumber(10, to: &output)
            for _ in 0..<3 {
                output.append(UInt8(ascii: "."))
                appendNumber(random.below(256), to: &output)
            }
        case .host:
            output.append(contentsOf: Self.hostPrefixes[random.below(Self.hostPrefixes.count)])
            appendNumber(random.below(90) + 10, to: &output)
        case .severity:
            output.append(contentsOf: Self.severities[random.below(Self.severities.count)])
        case .cve:
            output.append(contentsOf: Self.cvePrefix)
            appendNumber(2015 + random.below(11), to: &output)
            output.append(UInt8(ascii: "-"))
            appendNumber(1000 + random.below(49_000), to: &output)
        case .time:
            // Milliseconds since 1970, within 30 days after 2024-05-01, as HSS exports them.
            appendNumber(1_714_521_600_000 + random.below(2_592_000_000), to: &output)
        case .status:
            output.append(contentsOf: Self.statuses[random.below(Self.statuses.count)])
        case .identifier:
            appendHex(random.next(), to: &output)
        case .count:
            appendNumber(random.below(500), to: &output)
        case .port:
            appendNumber(Self.ports[random.below(Self.ports.count)], to: &output)
        case .path:
            output.append(contentsOf: Self.paths[random.below(Self.paths.count)])
        case .name:
            output.append(contentsOf: Self.names[random.below(Self.names.count)])
        case .text:
            output.append(contentsOf: Self.words[random.below(Self.words.count)])
            output.append(UInt8(ascii: "-"))
            appendNumber(row, to: &output)
        }
    }

    private func appendNumber(_ value: Int, to output: inout [UInt8]) {
        if value >= 10 { appendNumber(value / 10, to: &output) }
        output.append(UInt8(ascii: "0") + UInt8(value % 10))
    }

    private func appendHex(_ value: UInt64, to output: inout [UInt8]) {
        for shift in stride(from: 60, through: 0, by: -4) {
            output.append(Self.hexDigits[Int((value >> UInt64(shift)) & 0xF)])
        }
    }

    /// RFC 4180: quote a field holding a comma, quote or line break, doubling quotes.
    static func quoted(_ value: String) -> String {
        value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\r" || $0 == "\n" })
            ? "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
            : value
    }

    private static func bytes(_ values: [String]) -> [[UInt8]] { values.map { Array(quoted($0).utf8) } }

    private static let hexDigits = Array("0123456789abcdef".utf8)
    private static let cvePrefix = Array("CVE-".utf8)
    private static let hostPrefixes = bytes(["ecs-web-", "ecs-db-", "ecs-cache-", "k8s-node-", "ecs-batch-", "bastion-"])
    private static let severities = bytes(["Critical", "High", "Medium", "Low", "Security"])
    private static let statuses = bytes(["unhandled", "handled", "fixed", "ignored", "verifying"])
    private static let ports = [22, 80, 443, 3306, 5432, 6379, 8080, 9200, 27017]
    private static let paths = bytes([
        "/usr/lib64/libssl.so.1.1", "/opt/app/lib/log4j-core-2.14.1.jar", "/etc/ssh/sshd_config", "/var/www/html/index.php",
    ])
    private static let names = bytes([
        "openssl: buffer overflow in X.509 name checks", "log4j-core, remote code execution", "sudo heap overflow (Baron Samedit)",
        "Brute-force attack", "Abnormal login", "Reverse shell", "Web shell \"detected\"", "nginx", "redis-server", "kernel 5.10.0",
    ])
    private static let words = bytes(["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel"])
}
