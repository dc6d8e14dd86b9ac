import Foundation

/// Removes this process's unfinished atomic-writer temp files, for the exit
/// that cannot wait for the stages to commit or discard them.
///
/// `AtomicFileWriter` names its temp files `.NAME.tmp-PID-SUFFIX` beside the
/// destination, so the files of this process in the directories the stages
/// declared are found by name; `livePaths` can add paths known otherwise (a
/// registry of open writers), which catches a writer outside those directories.
struct TemporaryFileSweeper: Sendable {
    /// The directories searched.
    let directories: [String]
    /// The process whose temp files are removed.
    let processID: Int32
    /// Further temp paths to remove.
    let livePaths: @Sendable () -> [String]

    init(directories: [String], processID: Int32 = getpid(), livePaths: @escaping @Sendable () -> [String] = { [] }) {
        var seen = Set<String>()
        self.directories = directories.filter { seen.insert($0).inserted }
        self.processID = processID
        self.livePaths = livePaths
    }

    /// Whether `name` (a file name, no directory) is a temp file of `processID`.
    static func isTemporaryFile(_ name: String, of processID: Int32) -> Bool {
        name.hasPrefix(".") && name.contains(".tmp-\(processID)-")
    }

    /// Removes every temp file of the process; returns the paths removed.
    ///
    /// Safe to call from any thread while stages are still running: it only
    /// lists directories and unlinks names (a writer holding a removed file
    /// open writes into an orphan inode that vanishes with the process).
    @discardableResult
    func sweep() -> [String] {
        var removed: [String] = []
        for path in livePaths() where unlink(path) == 0 {
            removed.append(path)
        }
        for directory in directories {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
            for name in names where Self.isTemporaryFile(name, of: processID) {
                let path = directory.hasSuffix("/") ? directory + name : directory + "/" + name
                if unlink(path) == 0 { removed.append(path) }
            }
        }
        return removed
    }
}
