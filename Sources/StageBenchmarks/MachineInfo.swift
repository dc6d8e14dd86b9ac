import Foundation

/// What a reader needs to know before comparing two runs' numbers.
struct MachineInfo: Sendable {
    /// Cores available to the process.
    var cores: Int
    /// The CPU model, where `/proc/cpuinfo` names it.
    var cpuModel: String?
    /// The operating system and kernel.
    var operatingSystem: String
    /// `release` or `debug`: debug numbers say little about production speed.
    var buildConfiguration: String

    /// The machine this process runs on.
    static var current: MachineInfo {
        #if DEBUG
            let configuration = "debug"
        #else
            let configuration = "release"
        #endif
        return MachineInfo(
            cores: ProcessInfo.processInfo.activeProcessorCount,
            cpuModel: cpuModel(),
            operatingSystem: ProcessInfo.processInfo.operatingSystemVersionString,
            buildConfiguration: configuration
        )
    }

    private static func cpuModel() -> String? {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return nil }
        let line = text.split(separator: "\n").first { $0.hasPrefix("model name") }
        return line?.split(separator: ":", maxSplits: 1).last.map { $0.trimmingCharacters(in: .whitespaces) }
    }
}
