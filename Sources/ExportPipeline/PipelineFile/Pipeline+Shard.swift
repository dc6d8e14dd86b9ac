extension Pipeline {
    /// The pipeline as shard `index` of `count` runs it: only the sources at
    /// positions `i` with `i % count == index`, with the tasks' and exports'
    /// source indices (and the `sources[N]` locations) renumbered to the kept list.
    ///
    /// A shard with no source keeps no task and no export: it waits for
    /// nothing and its stages write empty outputs, so `merge` finds every
    /// shard's files. A `source:` pipeline is shard 0's alone.
    ///
    /// - Precondition: `0 <= index < count` (``ShardAssignment`` checks it).
    public func shard(index: Int, count: Int) -> Pipeline {
        precondition(count >= 1 && (0..<count).contains(index), "shard \(index)/\(count) out of range")
        guard count > 1 else { return self }
        let kept = Array(stride(from: index, to: sources.count, by: count))
        var pipeline = self
        guard !kept.isEmpty else {
            // `sources` may not be empty; the first stays as a harmless placeholder nothing refers to.
            pipeline.sources = [sources[0]]
            pipeline.tasks = []
            pipeline.exports = []
            return pipeline
        }
        var newIndex: [Int: Int] = [:]
        for (position, old) in kept.enumerated() { newIndex[old] = position }
        pipeline.sources = kept.map { sources[$0] }
        pipeline.tasks = tasks.compactMap { task in
            guard let position = newIndex[task.source] else { return nil }
            var task = task
            task.source = position
            return task
        }
        pipeline.exports = exports.compactMap { export in
            guard let position = newIndex[export.source] else { return nil }
            var export = export
            export.source = position
            return export
        }
        pipeline.locations = locations.reduce(into: [:]) { result, entry in
            guard let renamed = Self.renumbered(location: entry.key, by: newIndex) else { return }
            result[renamed] = entry.value
        }
        return pipeline
    }

    /// The pipeline as `assignment`'s shard runs it (see ``shard(index:count:)``).
    public func shard(_ assignment: ShardAssignment) -> Pipeline {
        shard(index: assignment.index, count: assignment.count)
    }

    /// Whether shard `assignment` has no source to run.
    public func isEmpty(in assignment: ShardAssignment) -> Bool {
        assignment.index >= sources.count
    }

    /// The names records carry in their `source` field, by source position;
    /// `nil` for the one source of a `source:` pipeline (whose records carry none).
    public var recordSourceNames: [String?] {
        sources.indices.map { sourceName(at: $0) }
    }

    /// `sources[7].region` → `sources[1].region` for a kept source, `nil` for
    /// another shard's; every other key unchanged.
    private static func renumbered(location key: String, by newIndex: [Int: Int]) -> String? {
        guard key.hasPrefix("sources["), let close = key.firstIndex(of: "]") else { return key }
        let digits = key[key.index(key.startIndex, offsetBy: 8)..<close]
        guard let old = Int(digits) else { return key }
        guard let position = newIndex[old] else { return nil }
        return "sources[\(position)]" + key[close...].dropFirst()
    }
}
