import Synchronization

/// A run's outputs between the two phases of its commit.
///
/// In the first phase every stage writes and fsyncs its output under a temp
/// name (``PreparedFile``) or prepares its append (``PreparedAppend``), and
/// adds it here; in the second, ``commit()`` makes them all visible at once:
/// the renames and appends in the order they were added, each directory
/// fsynced once, then the outputs marked `last` (the manifest, which lists
/// the others' digests), so a kill can leave a mixed set only within the
/// renames, and the manifest is never newer than what it describes.
///
/// A stage writing standard output (`path: -`) adds its bytes
/// (``PreparedStandardOutput``), which are written in their turn among the
/// renames. Every rename and append checks its path first
/// (``ReplaceableOutput``): one that is no longer a regular file fails.
public final class OutputTransaction: Sendable {
    /// An output that could not be made visible.
    public struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
        /// The stage that prepared it (its index among the pipeline's stages,
        /// when a runner said so with ``claim(for:)``).
        public var owner: Int?
        /// The output's path.
        public var path: String
        /// What went wrong.
        public var message: String

        /// `path: message`.
        public var description: String { message }
    }

    enum Output: Sendable {
        case replacement(PreparedFile)
        case append(PreparedAppend)
        case standardOutput(PreparedStandardOutput)

        var destination: String {
            switch self {
            case .replacement(let file): file.destination
            case .append(let append): append.destination
            case .standardOutput: PreparedStandardOutput.destination
            }
        }

        /// Whether the output is a file, whose directory the commit fsyncs.
        var isFile: Bool {
            if case .standardOutput = self { return false }
            return true
        }
    }

    struct Entry: Sendable {
        var output: Output
        var commitsLast: Bool
        var owner: Int?
    }

    private let entries = Mutex<[Entry]>([])

    /// An empty transaction.
    public init() {}

    /// Adds a prepared replacement; `commitsLast` for an output that
    /// describes the others (a manifest).
    public func add(_ file: PreparedFile, commitsLast: Bool = false) {
        entries.withLock { $0.append(Entry(output: .replacement(file), commitsLast: commitsLast, owner: nil)) }
    }

    /// Adds a prepared append.
    public func add(_ append: PreparedAppend) {
        entries.withLock { $0.append(Entry(output: .append(append), commitsLast: false, owner: nil)) }
    }

    /// Adds a stage's output for standard output, written when its turn in
    /// the commit comes (after the replacements and appends added before it).
    public func add(_ output: PreparedStandardOutput) {
        entries.withLock { $0.append(Entry(output: .standardOutput(output), commitsLast: false, owner: nil)) }
    }

    /// The destinations waiting for the commit.
    public var pendingPaths: [String] {
        entries.withLock { $0.map(\.output.destination) }
    }

    /// Marks the outputs added since the last claim as `owner`'s (a stage
    /// index), so failures and discards can name the stage.
    public func claim(for owner: Int) {
        entries.withLock { entries in
            for index in entries.indices where entries[index].owner == nil { entries[index].owner = owner }
        }
    }

    /// Drops `owner`'s outputs (a stage that failed after preparing some).
    public func discard(owner: Int) {
        let dropped = entries.withLock { entries -> [Entry] in
            let dropped = entries.filter { $0.owner == owner }
            entries.removeAll { $0.owner == owner }
            return dropped
        }
        for entry in dropped { Self.discard(entry.output) }
    }

    /// Drops every output not yet committed.
    public func discardAll() {
        let dropped = entries.withLock { entries -> [Entry] in
            defer { entries = [] }
            return entries
        }
        for entry in dropped { Self.discard(entry.output) }
    }

    /// Makes every prepared output visible (see the type's description) and
    /// empties the transaction.
    ///
    /// An output whose rename or append fails is reported and the others go
    /// on; the `last` outputs are then dropped rather than committed, because
    /// they would describe files that are not on disk.
    public func commit() -> [Failure] {
        let all = entries.withLock { entries -> [Entry] in
            defer { entries = [] }
            return entries
        }
        var failures: [Failure] = []
        var directories: [String] = []
        func publish(_ entry: Entry) {
            do {
                switch entry.output {
                case .replacement(let file): try file.publish()
                case .append(let append): try append.publish()
                case .standardOutput(let output): try output.publish()
                }
                guard entry.output.isFile else { return }
                let directory = FilePath.directory(of: entry.output.destination)
                if !directories.contains(directory) { directories.append(directory) }
            } catch {
                failures.append(Failure(owner: entry.owner, path: entry.output.destination, message: "\(error)"))
            }
        }
        for entry in all where !entry.commitsLast { publish(entry) }
        for directory in directories { AtomicFileWriter.syncDirectory(of: directory + "/.") }
        let last = all.filter(\.commitsLast)
        if failures.isEmpty {
            directories = []
            for entry in last { publish(entry) }
            for directory in directories { AtomicFileWriter.syncDirectory(of: directory + "/.") }
        } else {
            let failed = failures.map(\.path).joined(separator: ", ")
            for entry in last {
                Self.discard(entry.output)
                failures.append(
                    Failure(
                        owner: entry.owner, path: entry.output.destination,
                        message: "\(entry.output.destination): not replaced, because it would list outputs that failed to commit (\(failed))"))
            }
        }
        return failures
    }

    private static func discard(_ output: Output) {
        if case .replacement(let file) = output { file.discard() }
    }
}
