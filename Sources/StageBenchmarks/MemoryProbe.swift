import Foundation

/// Reads the process's resident memory from `/proc/self/status` (Linux only;
/// elsewhere every reading is `nil` and the report says "n/a").
///
/// The numbers are process-wide: whatever else the process holds (the input
/// records, runtime caches) counts too, which is why a stage's figure is a
/// delta from just before it started. Memory the allocator kept from an
/// earlier run is reused without raising RSS, so a repeated run can show less
/// than the first; ``StageMeasurement`` reports the largest delta for that reason.
enum MemoryProbe {
    /// Starts a measurement: resets the peak to the current RSS when the
    /// kernel allows it and returns the RSS now, in bytes.
    ///
    /// Without the reset, `VmHWM` would keep the peak of an earlier, hungrier
    /// stage and every later stage would show a delta of zero.
    static func begin() -> Int? {
        // "5" resets the peak RSS (proc(5), clear_refs, Linux 4.0+).
        if let handle = FileHandle(forWritingAtPath: "/proc/self/clear_refs") {
            try? handle.write(contentsOf: Array("5".utf8))
            try? handle.close()
        }
        return statusValue("VmRSS")
    }

    /// The peak RSS since ``begin()``, in bytes.
    static func peak() -> Int? {
        statusValue("VmHWM")
    }

    /// A `kB` line of `/proc/self/status`, in bytes.
    private static func statusValue(_ key: String) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix(key + ":") {
            // e.g. "VmHWM:\t   20480 kB"
            let number = line.dropFirst(key.count + 1).split(whereSeparator: \.isWhitespace).first
            return number.flatMap { Int($0) }.map { $0 * 1024 }
        }
        return nil
    }
}
