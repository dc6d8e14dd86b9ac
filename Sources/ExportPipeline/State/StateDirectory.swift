import ExportStageKit
import Foundation

/// Where a pipeline's runs keep their journal and lock: one folder per
/// pipeline file inside the state directory.
///
/// The state directory is, in order: `state.dir` from the pipeline file;
/// `HSS_EXPORT_STATE_DIR`; systemd's `$STATE_DIRECTORY` (set by
/// `StateDirectory=` in the unit; the first path if it lists several);
/// `/var/lib/hss-export` for root; else `$XDG_STATE_HOME/hss-export`, or
/// `~/.local/state/hss-export`. In Kubernetes, mount a volume and point
/// `state.dir` or `HSS_EXPORT_STATE_DIR` at it, or the journal dies with the pod.
public struct StateDirectory: Sendable, Equatable {
    /// The state directory (shared by pipelines).
    public var root: String
    /// This pipeline's folder in it: `<file name>-<8 hex digits of its path>`.
    public var path: String

    /// The journal of the run in progress (or interrupted).
    public var journalPath: String { path + "/journal.json" }
    /// The lock file.
    public var lockPath: String { path + "/lock" }
    /// Finished runs' journals.
    public var runsPath: String { path + "/runs" }

    /// Picks the directory for `pipelineFile` (an absolute path, or a label such as `<demo>`).
    public static func resolve(
        settings: StateSettings, pipelineFile: String, environment: [String: String], isRoot: Bool? = nil
    ) -> StateDirectory {
        let root: String
        if let directory = settings.directory {
            root = directory
        } else if let directory = environment["HSS_EXPORT_STATE_DIR"], !directory.isEmpty {
            root = directory
        } else if let directories = environment["STATE_DIRECTORY"], let first = directories.split(separator: ":").first {
            root = String(first)
        } else if isRoot ?? (getuid() == 0) {
            root = "/var/lib/hss-export"
        } else if let xdg = environment["XDG_STATE_HOME"], xdg.hasPrefix("/") {
            root = xdg + "/hss-export"
        } else {
            root = (environment["HOME"] ?? NSHomeDirectory()) + "/.local/state/hss-export"
        }
        let name = FilePath.lastComponent(of: pipelineFile)
        var stem = name.hasSuffix(".yaml") ? String(name.dropLast(5)) : name.hasSuffix(".yml") ? String(name.dropLast(4)) : name
        stem = String(
            stem.unicodeScalars.map { scalar in
                CharacterSet.alphanumerics.contains(scalar) && scalar.isASCII || "._-".unicodeScalars.contains(scalar) ? Character(scalar) : "_"
            })
        let digest = FileDigest(of: Array(pipelineFile.utf8)).sha256.prefix(8)
        return StateDirectory(root: root, path: root + "/" + String(stem.prefix(64)) + "-" + digest + settings.folderSuffix)
    }
}
