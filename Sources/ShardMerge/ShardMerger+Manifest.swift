import ExportPipeline
import ExportStageKit
import Foundation
import GzipManifestStage

extension ShardMerger {
    /// A shard's manifest, inflated and parsed.
    static func parseManifest(_ bytes: [UInt8], path: String, shard: Int) throws(ShardMergeError) -> JSONValue {
        let text: [UInt8]
        do {
            text = try GzipReader.decompress(bytes)
        } catch {
            throw ShardMergeError(
                "shard \(shard)'s manifest '\(path)' cannot be inflated: \(error)", fix: "run shard \(shard) again; its manifest is damaged")
        }
        guard let document = JSONValue.parse(text), case .object = document, document["results"] != nil else {
            throw ShardMergeError(
                "shard \(shard)'s manifest '\(path)' is not a manifest document", fix: "run shard \(shard) again; its manifest is damaged")
        }
        return document
    }

    static func results(of document: JSONValue, path: String, shard: Int) throws(ShardMergeError) -> [JSONValue] {
        guard case .array(let results)? = document["results"] else {
            throw ShardMergeError("shard \(shard)'s manifest '\(path)' has no results list", fix: "run shard \(shard) again")
        }
        return results
    }

    static func array(_ key: String, of document: JSONValue) -> [JSONValue] {
        if case .array(let items)? = document[key] { return items }
        return []
    }

    /// The manifest one unsharded run would have written, from the shards':
    /// the results in merged order, the merged files as artifacts (their
    /// sizes and hashes recomputed), the archives in the results' order, the
    /// summary summed, and at the end `shards`, each shard's run id.
    func mergedManifest(
        _ documents: [JSONValue], target: Target, keys: [[RecordKey]], order: [(shard: Int, record: Int)],
        written: [(Target, FileDigest)]
    ) throws(ShardMergeError) -> JSONValue {
        var results: [[JSONValue]] = []
        var archives: [[JSONValue?]] = []
        for (shard, document) in documents.enumerated() {
            let shardResults = try Self.results(of: document, path: target.inputs[shard], shard: shard)
            guard shardResults.count == keys[shard].count else {
                throw ShardMergeError(
                    "shard \(shard)'s manifest '\(target.inputs[shard])' lists \(shardResults.count) results but the shard's other output has \(keys[shard].count)",
                    fix: "the files are of different runs: run shard \(shard) again")
            }
            // The archives follow the results that have a download, in the same order.
            var shardArchives = Self.array("archives", of: document).makeIterator()
            archives.append(
                shardResults.map { result in
                    guard let path = result["download_path"], path != .null else { return nil }
                    return shardArchives.next()
                })
            results.append(shardResults)
        }
        let pipelines = documents.compactMap { $0["pipeline"]?["sha256"]?.stringValue }
        if let first = pipelines.first, let other = pipelines.firstIndex(where: { $0 != first }) {
            throw ShardMergeError(
                "shard \(other)'s manifest was written for another pipeline file (SHA-256 \(pipelines[other].prefix(12))…) than shard 0's (\(first.prefix(12))…)",
                fix: "run every shard with the same pipeline file, then merge")
        }
        let mergedResults = order.map { results[$0.shard][$0.record] }
        let mergedArchives = order.compactMap { archives[$0.shard][$0.record] }
        let artifacts = mergedArtifacts(documents, written: written)
        let starts = documents.compactMap { $0["started_at"]?.stringValue }
        let finishes = documents.compactMap { $0["finished_at"]?.stringValue }
        let startedAt = starts.min() ?? RFC3339.format(Date())
        let finishedAt = finishes.max() ?? startedAt
        let versions = Set(documents.compactMap { $0["tool_version"]?.stringValue })
        var members: [(key: String, value: JSONValue)] = [
            ("manifest_version", documents[0]["manifest_version"] ?? .integer(GzipManifestStage.manifestVersion)),
            ("run_id", .string(runID)),
            ("pipeline", documents[0]["pipeline"] ?? .object([("path", .string(merged.file)), ("sha256", .string(merged.sha256))])),
            ("tool_version", .string(versions.count == 1 ? versions.first! : toolVersion)),
            ("started_at", .string(startedAt)),
            ("finished_at", .string(finishedAt)),
            ("summary", mergedSummary(documents.map { $0["summary"] }, startedAt: startedAt, finishedAt: finishedAt)),
            ("results", .array(mergedResults)),
            ("artifacts", .array(artifacts)),
        ]
        if documents.contains(where: { $0["archives"] != nil }) { members.append(("archives", .array(mergedArchives))) }
        members.append(
            (
                "shards",
                .array(
                    documents.enumerated().map { shard, document in
                        .object([("index", .integer(shard)), ("run_id", document["run_id"] ?? .null)])
                    })
            ))
        return .object(members)
    }

    /// The shards' artifacts with every merged input replaced by its merged
    /// file (once, where shard 0 lists it), other stages' files kept as they are.
    func mergedArtifacts(_ documents: [JSONValue], written: [(Target, FileDigest)]) -> [JSONValue] {
        var artifacts: [JSONValue] = []
        var listed: Set<String> = []
        for (shard, document) in documents.enumerated() {
            for artifact in Self.array("artifacts", of: document) {
                guard let path = artifact["path"]?.stringValue else { continue }
                if let (target, digest) = written.first(where: { $0.0.inputs[shard] == path }) {
                    guard listed.insert(target.path).inserted else { continue }
                    artifacts.append(
                        .object([
                            ("stage", artifact["stage"] ?? .string(target.kind.name)), ("path", .string(target.path)),
                            ("bytes", .integer(digest.bytes)), ("sha256", .string(digest.sha256)),
                        ]))
                } else {
                    artifacts.append(artifact)
                }
            }
        }
        return artifacts
    }

    /// The shards' summaries added up: tasks and outcomes summed, interrupted if any was.
    func mergedSummary(_ summaries: [JSONValue?], startedAt: String, finishedAt: String) -> JSONValue {
        var outcomes: [(key: String, value: Int)] = []
        var tasks = 0
        var interrupted = false
        for summary in summaries.compactMap({ $0 }) {
            if case .integer(let count)? = summary["tasks"] { tasks += count }
            if case .numberLiteral(let text)? = summary["tasks"], let count = Int(text) { tasks += count }
            if case .bool(true)? = summary["interrupted"] { interrupted = true }
            if case .object(let members)? = summary["outcomes"] {
                for member in members {
                    let count: Int
                    switch member.value {
                    case .integer(let value): count = value
                    case .numberLiteral(let text): count = Int(text) ?? 0
                    default: count = 0
                    }
                    if let index = outcomes.firstIndex(where: { $0.key == member.key }) {
                        outcomes[index].value += count
                    } else {
                        outcomes.append((member.key, count))
                    }
                }
            }
        }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let duration: Double
        if let start = formatter.date(from: startedAt), let finish = formatter.date(from: finishedAt) {
            duration = (finish.timeIntervalSince(start) * 1000).rounded() / 1000
        } else {
            duration = 0
        }
        return .object([
            ("run_id", .string(runID)),
            ("started_at", .string(startedAt)),
            ("finished_at", .string(finishedAt)),
            ("duration_seconds", .number(duration)),
            ("tasks", .integer(tasks)),
            ("outcomes", .object(outcomes.map { ($0.key, .integer($0.value)) })),
            ("interrupted", .bool(interrupted)),
        ])
    }

    static func gzip(_ text: String, level: Int, reproducible: Bool, path: String) throws(ShardMergeError) -> [UInt8] {
        var bytes: [UInt8] = []
        var name = FilePath.lastComponent(of: path)
        if name.hasSuffix(".gz") { name.removeLast(3) }
        do {
            let writer = try GzipWriter(level: level, header: reproducible ? .reproducible : .now(fileName: name)) { chunk in
                bytes.append(contentsOf: chunk)
            }
            try writer.write(text)
            _ = try writer.finish()
        } catch {
            throw ShardMergeError("cannot compress the merged manifest '\(path)': \(error)", isInputProblem: false)
        }
        return bytes
    }
}
