import Foundation

extension BenchmarkReport {
    /// The report as an aligned text table for a terminal.
    var table: String {
        var lines: [String] = []
        let cpu = machine.cpuModel.map { ", \($0)" } ?? ""
        lines.append("hss-export stage benchmarks: \(machine.buildConfiguration) build, \(machine.cores) cores\(cpu)")
        lines.append(machine.operatingSystem)
        if machine.buildConfiguration != "release" {
            lines.append("warning: debug build; run scripts/benchmark-stages.sh for numbers worth comparing")
        }
        lines.append("median of \(repeats) run\(repeats == 1 ? "" : "s"); wall time on a monotonic clock")

        if !stages.isEmpty {
            lines.append("")
            lines.append(Self.row(["stage", "records", "seconds", "records/s", "output bytes", "peak RSS delta"], widths: Self.stageWidths))
            for stage in stages {
                lines.append(
                    Self.row(
                        [
                            stage.label, Self.grouped(stage.records), String(format: "%.3f", stage.seconds),
                            Self.grouped(Int(stage.recordsPerSecond.rounded())), Self.grouped(stage.outputBytes),
                            stage.peakRSSDelta.map(Self.mebibytes) ?? "n/a",
                        ], widths: Self.stageWidths))
            }
            lines.append("peak RSS delta: largest over the runs of process-wide VmHWM (reset at each start) minus VmRSS at the start")
        }

        if let gzip {
            lines.append("")
            lines.append("gzip level \(gzip.level): \(Self.grouped(gzip.inputBytes)) bytes of JSON Lines (\(Self.mebibytes(gzip.inputBytes)))")
            lines.append(Self.row(["compressor", "seconds", "MB/s", "output bytes", "of input"], widths: Self.gzipWidths))
            lines.append(
                Self.row(
                    [
                        "GzipWriter", String(format: "%.3f", gzip.writerSeconds), String(format: "%.1f", gzip.writerMBPerSecond),
                        Self.grouped(gzip.writerOutputBytes), Self.percent(gzip.writerOutputBytes, of: gzip.inputBytes),
                    ], widths: Self.gzipWidths))
            lines.append(
                Self.row(
                    [
                        "gzip -\(gzip.level) -c", String(format: "%.3f", gzip.systemSeconds), String(format: "%.1f", gzip.systemMBPerSecond),
                        Self.grouped(gzip.systemOutputBytes), Self.percent(gzip.systemOutputBytes, of: gzip.inputBytes),
                    ], widths: Self.gzipWidths))
            lines.append(String(format: "GzipWriter time / gzip -%d time: %.2f", gzip.level, gzip.timeRatio))
            lines.append("verified: gzip -t passes and the output decompresses to the input's SHA-256 \(gzip.inputSHA256)")
        }
        return lines.joined(separator: "\n")
    }

    // Negative widths left-align (text columns), positive right-align (numbers).
    private static let stageWidths = [-30, 9, 9, 11, 14, 15]
    private static let gzipWidths = [-30, 9, 9, 14, 9]

    private static func row(_ cells: [String], widths: [Int]) -> String {
        zip(cells, widths).map { cell, width in
            let padding = String(repeating: " ", count: max(0, abs(width) - cell.count))
            return width < 0 ? cell + padding : padding + cell
        }.joined(separator: " ").trimmingCharacters(in: .whitespaces)
    }

    /// `1234567` as `1,234,567`, easier to compare by eye.
    private static func grouped(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var result = ""
        for (offset, digit) in digits.enumerated() {
            if offset > 0, (digits.count - offset).isMultiple(of: 3) { result += "," }
            result.append(digit)
        }
        return (value < 0 ? "-" : "") + result
    }

    private static func mebibytes(_ bytes: Int) -> String {
        String(format: "%.1f MiB", Double(bytes) / 1_048_576)
    }

    private static func percent(_ part: Int, of whole: Int) -> String {
        whole > 0 ? String(format: "%.1f%%", Double(part) * 100 / Double(whole)) : "n/a"
    }
}
