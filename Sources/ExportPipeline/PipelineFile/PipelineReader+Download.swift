import ExportStageKit
import Foundation
import Yams

extension PipelineReader {
    static let downloadKeys = ["dir", "max_bytes", "max_uncompressed_bytes", "hash_entries", "extract"]
    static let stateKeys = ["dir", "keep"]

    mutating func readDownload(_ node: Node) -> DownloadSettings? {
        guard let entries = mapping(node, context: "'download'", allowed: Self.downloadKeys) else { return nil }
        guard let dirNode = entries["dir"] else {
            report(at: node, "'download' needs 'dir'", fix: "write 'dir: archives' (relative paths start at the pipeline file's directory)")
            return nil
        }
        guard let dir = string(dirNode, key: "dir") else { return nil }
        var settings = DownloadSettings(directory: FilePath.resolve(dir, against: baseDirectory))
        if let value = entries["max_bytes"].flatMap({ byteSize($0, key: "max_bytes") }) { settings.maximumBytes = value }
        if let value = entries["max_uncompressed_bytes"].flatMap({ byteSize($0, key: "max_uncompressed_bytes") }) {
            settings.maximumUncompressedBytes = value
        }
        if let value = entries["hash_entries"].flatMap({ bool($0, key: "hash_entries") }) { settings.hashEntries = value }
        if let value = entries["extract"].flatMap({ bool($0, key: "extract") }) { settings.extract = value }
        return settings
    }

    mutating func readState(_ node: Node) -> StateSettings {
        var settings = StateSettings()
        guard let entries = mapping(node, context: "'state'", allowed: Self.stateKeys) else { return settings }
        if let dirNode = entries["dir"], let dir = string(dirNode, key: "dir") {
            settings.directory = FilePath.resolve(dir, against: baseDirectory)
        }
        if let value = entries["keep"].flatMap({ duration($0, key: "keep", minimum: .zero) }) { settings.keep = value }
        return settings
    }

    /// A size: whole bytes (`1048576`) or with a unit (`512MB`, `2GiB`; KB, MB
    /// and GB are powers of 1000, KiB, MiB and GiB of 1024), from 1 byte to 1 TiB.
    mutating func byteSize(_ node: Node, key: String) -> Int? {
        let fix = "write whole bytes or a number with KB, MB, GB, KiB, MiB or GiB, e.g. 512MB, from 1 byte to 1TiB"
        guard case .scalar(let scalar) = node else {
            report(at: node, "'\(key)' must be a size, not \(kindName(node))", fix: fix)
            return nil
        }
        let text = scalar.string.trimmingCharacters(in: .whitespaces)
        let units: [(String, Double)] = [
            ("KiB", 1024), ("MiB", 1024 * 1024), ("GiB", 1024 * 1024 * 1024), ("TiB", 1024 * 1024 * 1024 * 1024),
            ("KB", 1e3), ("MB", 1e6), ("GB", 1e9), ("TB", 1e12), ("B", 1),
        ]
        var number = Substring(text)
        var factor = 1.0
        for (unit, value) in units where text.hasSuffix(unit) {
            number = text.dropLast(unit.count)
            factor = value
            break
        }
        guard let value = Double(number.trimmingCharacters(in: .whitespaces)), value.isFinite else {
            report(at: node, "'\(key)' is '\(text)', not a size", fix: fix)
            return nil
        }
        let bytes = value * factor
        guard bytes >= 1, bytes <= 1024 * 1024 * 1024 * 1024 else {
            report(at: node, "'\(key)' is \(text), outside 1 byte to 1TiB", fix: fix)
            return nil
        }
        return Int(bytes)
    }
}
