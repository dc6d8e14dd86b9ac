import Foundation

/// Which part of a pipeline's sources one process runs: shard `index` of
/// `count`, the source at position `i` (0-based, file order) belonging to
/// shard `i % count`.
///
/// Position modulo count, rather than contiguous ranges, keeps every existing
/// source on its shard when sources are added at the end of the file, so a
/// shard's state directory and outputs stay its own across such an edit.
public struct ShardAssignment: Sendable, Equatable, Hashable, CustomStringConvertible {
    /// The most shards a run may be split into (Kubernetes' own limit on an
    /// Indexed Job's completions is far higher; HSS's limits make more pointless).
    public static let maximumCount = 1000
    /// One process runs everything: shard 0 of 1.
    public static let unsharded = ShardAssignment(validIndex: 0, count: 1)

    /// This shard's index, `0 ..< count`.
    public let index: Int
    /// How many shards the run is split into, `1 ... maximumCount`.
    public let count: Int

    /// Whether the run is split at all (more than one shard): only then do
    /// output paths, state folders and Prometheus series carry the shard.
    public var isSharded: Bool { count > 1 }

    /// `2/4`.
    public var description: String { "\(index)/\(count)" }

    /// The interpolation variables a sharded pipeline file may use:
    /// `${SHARD}` (the index) and `${SHARDS}` (the count).
    public var variables: [String: String] { ["SHARD": String(index), "SHARDS": String(count)] }

    /// Checks `0 ≤ index < count ≤ maximumCount`.
    ///
    /// - Throws: ``ShardAssignmentError`` naming the bad value and the fix.
    public init(index: Int, count: Int) throws(ShardAssignmentError) {
        guard (1...Self.maximumCount).contains(count) else {
            throw ShardAssignmentError(
                value: "\(index)/\(count)", problem: "the shard count \(count) is outside 1...\(Self.maximumCount)",
                fix: "use a count from 1 to \(Self.maximumCount)")
        }
        guard (0..<count).contains(index) else {
            throw ShardAssignmentError(
                value: "\(index)/\(count)", problem: "the shard index \(index) is outside 0...\(count - 1) (indices start at 0)",
                fix: "use an index from 0 to \(count - 1), e.g. --shard 0/\(count)")
        }
        self.init(validIndex: index, count: count)
    }

    private init(validIndex index: Int, count: Int) {
        self.index = index
        self.count = count
    }

    /// Parses `INDEX/COUNT` (e.g. `2/4`).
    public init(parsing text: String, origin: String = "--shard") throws(ShardAssignmentError) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let index = Self.number(parts[0]), let count = Self.number(parts[1]) else {
            throw ShardAssignmentError(
                value: text, origin: origin, problem: "is not INDEX/COUNT",
                fix: "write two whole numbers, e.g. \(origin) 0/4 for the first of 4 shards")
        }
        do {
            try self.init(index: index, count: count)
        } catch {
            throw ShardAssignmentError(value: text, origin: origin, problem: error.problem, fix: error.fix)
        }
    }

    /// The shard of a Kubernetes Indexed Job's pod, from `JOB_COMPLETION_INDEX`
    /// and `JOB_COMPLETIONS`; `nil` when neither is set.
    ///
    /// Kubernetes sets `JOB_COMPLETION_INDEX` itself; `JOB_COMPLETIONS` is the
    /// pod template's to set (from `spec.completions`), so one without the
    /// other is a mistake in the manifest, not an unsharded run.
    ///
    /// - Throws: ``ShardAssignmentError`` when only one is set or either is not a number in range.
    public static func fromEnvironment(_ environment: [String: String]) throws(ShardAssignmentError) -> ShardAssignment? {
        let index = environment["JOB_COMPLETION_INDEX"].flatMap { $0.isEmpty ? nil : $0 }
        let count = environment["JOB_COMPLETIONS"].flatMap { $0.isEmpty ? nil : $0 }
        switch (index, count) {
        case (nil, nil):
            return nil
        case (let index?, nil):
            throw ShardAssignmentError(
                value: index, origin: "JOB_COMPLETION_INDEX",
                problem: "is set but JOB_COMPLETIONS is not, so the number of shards is unknown",
                fix: "set JOB_COMPLETIONS to the Job's spec.completions in the pod template, or pass --shard INDEX/COUNT")
        case (nil, let count?):
            throw ShardAssignmentError(
                value: count, origin: "JOB_COMPLETIONS",
                problem: "is set but JOB_COMPLETION_INDEX is not (it is set only in an Indexed Job's pods)",
                fix: "use completionMode: Indexed, or pass --shard INDEX/COUNT, or unset JOB_COMPLETIONS")
        case (let index?, let count?):
            guard let indexValue = number(Substring(index)) else {
                throw ShardAssignmentError(
                    value: index, origin: "JOB_COMPLETION_INDEX", problem: "is not a whole number",
                    fix: "set it to the pod's index, 0 to JOB_COMPLETIONS - 1")
            }
            guard let countValue = number(Substring(count)) else {
                throw ShardAssignmentError(
                    value: count, origin: "JOB_COMPLETIONS", problem: "is not a whole number",
                    fix: "set it to the Job's spec.completions, 1 to \(maximumCount)")
            }
            do {
                return try ShardAssignment(index: indexValue, count: countValue)
            } catch {
                throw ShardAssignmentError(
                    value: "\(index)/\(count)", origin: "JOB_COMPLETION_INDEX/JOB_COMPLETIONS", problem: error.problem, fix: error.fix)
            }
        }
    }

    /// Whether the source at `position` (0-based, file order) is this shard's.
    public func owns(sourceAt position: Int) -> Bool {
        position % count == index
    }

    /// The positions of this shard's sources among `sourceCount`.
    public func positions(among sourceCount: Int) -> [Int] {
        Array(stride(from: index, to: sourceCount, by: count))
    }

    /// `path` with `.shard-INDEX` before its last extension
    /// (`out/results.jsonl` → `out/results.shard-2.jsonl`), or before the one
    /// before a compression extension (`manifest.json.gz` →
    /// `manifest.shard-2.json.gz`), or at the end of a name without one;
    /// `path` itself when unsharded.
    public func outputPath(_ path: String) -> String {
        guard isSharded else { return path }
        let slash = path.lastIndex(of: "/").map { path.index(after: $0) } ?? path.startIndex
        let directory = path[..<slash]
        let name = path[slash...]
        // A leading dot names a hidden file; it does not start an extension.
        let stemStart = name.firstIndex { $0 != "." } ?? name.endIndex
        var insertion = name[stemStart...].lastIndex(of: ".") ?? name.endIndex
        if insertion != name.endIndex, Self.compressionExtensions.contains(String(name[name.index(after: insertion)...]).lowercased()),
            let previous = name[stemStart..<insertion].lastIndex(of: ".")
        {
            insertion = previous
        }
        return directory + name[..<insertion] + ".shard-\(index)" + name[insertion...]
    }

    /// Extensions that say how a file is compressed rather than what it holds.
    static let compressionExtensions: Set<String> = ["gz", "bz2", "xz", "zst", "lz4", "br"]

    /// The suffix of this shard's state folder: `-shard-INDEX`, empty when unsharded.
    public var stateFolderSuffix: String { isSharded ? "-shard-\(index)" : "" }

    private static func number(_ text: Substring) -> Int? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty, trimmed.count <= 9, trimmed.allSatisfy({ ("0"..."9").contains($0) }) else { return nil }
        return Int(trimmed)
    }
}
