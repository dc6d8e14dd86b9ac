import CSVStage
public import ExportPipeline
public import ExportStageKit
import Foundation
import GzipManifestStage
import JSONLinesStage

/// Combines the JSON Lines, CSV and gzip-manifest outputs of a sharded run's
/// shards into the files one unsharded run would have written.
///
/// Records are put in the order a single run writes them: the listed tasks
/// source by source, then the created exports source by source, each
/// source's records in the order its shard wrote them. A record's source is
/// its `source` field (a `sources:` pipeline) or the file's one source; a
/// record is a created export's when its `export` field is set. The order is
/// read once per shard, from the shard's first `jsonl` output or else its
/// manifest, and applied to every output, so CSV rows need no `source`
/// column.
///
/// Everything is read and checked before anything is written; the merged
/// files are then renamed into place together, manifests last, so the
/// outputs are either all merged or all as they were.
public struct ShardMerger: Sendable {
    /// The pipeline loaded as the merged outputs' paths have it
    /// (``PipelineLoader/mergedShardCount`` set).
    public var merged: Pipeline
    /// The pipeline loaded as each shard ran it (its ``PipelineLoader/shard``), by shard index.
    public var shards: [Pipeline]
    /// Written into a merged manifest when the shards disagree about theirs.
    public var toolVersion: String
    /// The merge's run id, the merged manifest's `run_id`.
    public var runID: String

    /// Creates a merger.
    ///
    /// - Parameters:
    ///   - merged: the pipeline with the merged outputs' paths.
    ///   - shards: the pipeline as each shard loaded it, shard 0 first; at least 2.
    ///   - toolVersion: the version of hss-export that merges.
    ///   - runID: the merged manifest's run id; default a fresh one.
    public init(merged: Pipeline, shards: [Pipeline], toolVersion: String, runID: String = RunContext.makeRunID()) {
        self.merged = merged
        self.shards = shards
        self.toolVersion = toolVersion
        self.runID = runID
    }

    enum Kind: Equatable {
        case jsonl
        case csv
        case manifest(level: Int, reproducible: Bool)

        var name: String {
            switch self {
            case .jsonl: return JSONLinesStage.typeName
            case .csv: return CSVStage.typeName
            case .manifest: return GzipManifestStage.typeName
            }
        }
    }

    /// One merged output: a stage of the file and its shards' files.
    struct Target {
        var stageIndex: Int
        var kind: Kind
        var path: String
        var inputs: [String]
    }

    /// Reads every shard's outputs, checks them and writes the merged files.
    ///
    /// - Throws: ``ShardMergeError`` for a missing or inconsistent shard
    ///   output (nothing written), or a merged file that cannot be written.
    public func merge() throws(ShardMergeError) -> ShardMergeReport {
        let (targets, skipped) = try self.targets()
        try checkInputsExist(targets)
        var contents: [[[UInt8]]] = []
        for target in targets {
            contents.append(try target.inputs.enumerated().map { shard, path throws(ShardMergeError) in try Self.read(path, shard: shard) })
        }
        var manifests: [Int: [JSONValue]] = [:]
        for (number, target) in targets.enumerated() where target.kind != .jsonl && target.kind != .csv {
            manifests[number] = try contents[number].enumerated().map { shard, bytes throws(ShardMergeError) in
                try Self.parseManifest(bytes, path: target.inputs[shard], shard: shard)
            }
        }
        let keys = try recordKeys(targets: targets, contents: contents, manifests: manifests)
        let order = Self.mergedOrder(keys)

        var prepared: [(target: Target, file: PreparedFile, records: Int)] = []
        var transaction: [PreparedFile] = []
        func discardAll() { for file in transaction { file.discard() } }
        var shardRunIDs: [String?] = Array(repeating: nil, count: shards.count)
        for (number, target) in targets.enumerated() {
            let bytes: [UInt8]
            let records: Int
            do throws(ShardMergeError) {
                switch target.kind {
                case .jsonl:
                    let lines = try contents[number].enumerated().map { shard, data throws(ShardMergeError) in
                        try Self.jsonLines(data, path: target.inputs[shard], shard: shard, expected: keys[shard].count)
                    }
                    for (shard, shardLines) in lines.enumerated() where shardRunIDs[shard] == nil {
                        shardRunIDs[shard] = shardLines.first.flatMap { JSONValue.parse($0)?["run_id"] }.flatMap(\.stringValue)
                    }
                    bytes = order.flatMap { lines[$0.shard][$0.record] }
                    records = order.count
                case .csv:
                    bytes = try mergedCSV(contents[number], target: target, keys: keys, order: order)
                    records = order.count
                case .manifest(let level, let reproducible):
                    let documents = manifests[number]!
                    for (shard, document) in documents.enumerated() { shardRunIDs[shard] = document["run_id"]?.stringValue }
                    let document = try mergedManifest(
                        documents, target: target, keys: keys, order: order,
                        written: prepared.map { ($0.target, FileDigest(bytes: $0.file.digest.bytes, sha256: $0.file.digest.sha256)) })
                    bytes = try Self.gzip(document.serialized, level: level, reproducible: reproducible, path: target.path)
                    records = order.count
                }
                let file = try Self.prepare(bytes, at: target.path)
                transaction.append(file)
                prepared.append((target, file, records))
            } catch {
                discardAll()
                throw error
            }
        }
        // Manifests last: a manifest on disk always describes merged files that are there too.
        let outputs = OutputTransaction()
        for entry in prepared { outputs.add(entry.file, commitsLast: !(entry.target.kind == .jsonl || entry.target.kind == .csv)) }
        let failures = outputs.commit()
        guard failures.isEmpty else {
            throw ShardMergeError(
                "cannot write the merged outputs: " + failures.map(\.description).joined(separator: "; "),
                fix: "check the output directories' space and permissions, then merge again", isInputProblem: false)
        }
        return ShardMergeReport(
            runID: runID,
            outputs: prepared.map {
                ShardMergeReport.Output(
                    stage: $0.target.kind.name, path: $0.target.path, inputs: $0.target.inputs, records: $0.records,
                    bytes: $0.file.digest.bytes, sha256: $0.file.digest.sha256)
            },
            skipped: skipped, shardRunIDs: shardRunIDs)
    }

    // MARK: Targets

    func targets() throws(ShardMergeError) -> ([Target], [String]) {
        guard shards.count >= 2 else {
            throw ShardMergeError(
                "there is nothing to merge with \(shards.count) shard", fix: "give the shard count the shards ran with, 2 or more (--shards COUNT)")
        }
        var targets: [Target] = []
        var skipped: [String] = []
        for (index, configured) in merged.stages.enumerated() {
            let kind: Kind
            switch configured.stage {
            case is JSONLinesStage: kind = .jsonl
            case is CSVStage: kind = .csv
            case let manifest as GzipManifestStage: kind = .manifest(level: manifest.level, reproducible: manifest.reproducible)
            default:
                skipped.append("\(configured.typeName) (stage \(index + 1))")
                continue
            }
            guard let path = configured.outputPaths.first else {
                // `path: -`: each shard printed its output; there is no file to merge.
                if configured.stage.writesStandardOutput { skipped.append("\(configured.typeName) (stage \(index + 1), writes standard output)") }
                continue
            }
            // Loading refused it already; this catches a path that changed since, before anything is written.
            do {
                try ReplaceableOutput.check(path, suggestsStandardOutput: false)
            } catch {
                throw ShardMergeError(
                    "stage \(index + 1) (\(configured.typeName)): the merged output \(error.path) is not replaced: \(error.message)",
                    fix: error.fix, isInputProblem: false)
            }
            var inputs: [String] = []
            for (shard, pipeline) in shards.enumerated() {
                guard index < pipeline.stages.count, pipeline.stages[index].typeName == configured.typeName,
                    let input = pipeline.stages[index].outputPaths.first
                else {
                    throw ShardMergeError(
                        "shard \(shard)'s pipeline has no stage \(index + 1) of type '\(configured.typeName)'",
                        fix: "merge with the pipeline file the shards ran")
                }
                guard input != path else {
                    throw ShardMergeError(
                        "stage \(index + 1) (\(configured.typeName)): the merged output '\(path)' is shard \(shard)'s own output",
                        fix: "write the path with ${SHARD} where the merged file may say 'all' (e.g. results-${SHARD}.jsonl), or leave ${SHARD} out")
                }
                inputs.append(input)
            }
            targets.append(Target(stageIndex: index, kind: kind, path: path, inputs: inputs))
        }
        guard !targets.isEmpty else {
            throw ShardMergeError(
                "the pipeline has no jsonl, csv or gzip-manifest stage, so there is nothing to merge",
                fix: "Prometheus textfiles and exec outputs stay per shard; merge is for jsonl, csv and gzip-manifest outputs")
        }
        return (targets, skipped)
    }

    func checkInputsExist(_ targets: [Target]) throws(ShardMergeError) {
        var missing: [String] = []
        var shardsMissing: [Int] = []
        for target in targets {
            for (shard, path) in target.inputs.enumerated() where !FileManager.default.fileExists(atPath: path) {
                missing.append("shard \(shard)'s \(target.kind.name) output '\(path)'")
                if !shardsMissing.contains(shard) { shardsMissing.append(shard) }
            }
        }
        guard missing.isEmpty else {
            let runs = shardsMissing.map { "--shard \($0)/\(shards.count)" }.joined(separator: ", ")
            throw ShardMergeError(
                "missing " + missing.joined(separator: ", ") + "; nothing was written",
                fix: "run the missing shard\(shardsMissing.count == 1 ? "" : "s") (hss-export run \(runs) FILE) or check --shards (\(shards.count))")
        }
    }

    static func read(_ path: String, shard: Int) throws(ShardMergeError) -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ShardMergeError("cannot read shard \(shard)'s output '\(path)'", fix: "give the user running merge read permission")
        }
        return Array(data)
    }

    // MARK: Order

    /// Where a record goes: listed tasks before created exports, then by source position.
    struct RecordKey: Comparable {
        var isExport: Bool
        var source: Int

        static func < (lhs: RecordKey, rhs: RecordKey) -> Bool {
            (lhs.isExport ? 1 : 0, lhs.source) < (rhs.isExport ? 1 : 0, rhs.source)
        }
    }

    /// The keys of every shard's records, from its first jsonl output, else its first manifest.
    func recordKeys(targets: [Target], contents: [[[UInt8]]], manifests: [Int: [JSONValue]]) throws(ShardMergeError) -> [[RecordKey]] {
        let names = merged.recordSourceNames
        var positions: [String: Int] = [:]
        for (position, name) in names.enumerated() { if let name { positions[name] = position } }
        func key(of record: JSONValue, shard: Int, path: String, number: Int) throws(ShardMergeError) -> RecordKey {
            let source: Int
            if case .string(let name)? = record["source"] {
                guard let position = positions[name] else {
                    throw ShardMergeError(
                        "record \(number) of shard \(shard)'s '\(path)' is of source '\(name)', which the pipeline file does not list",
                        fix: "merge with the pipeline file the shards ran")
                }
                source = position
            } else {
                guard !merged.isMultiSource else {
                    throw ShardMergeError(
                        "record \(number) of shard \(shard)'s '\(path)' names no source, but the pipeline file has 'sources:'",
                        fix: "merge with the pipeline file the shards ran")
                }
                source = 0
            }
            guard source % shards.count == shard else {
                throw ShardMergeError(
                    "record \(number) of shard \(shard)'s '\(path)' is of source \(source), which belongs to shard \(source % shards.count) of \(shards.count)",
                    fix: "give --shards the count the shards ran with")
            }
            let isExport: Bool
            if case .string? = record["export"] { isExport = true } else { isExport = false }
            return RecordKey(isExport: isExport, source: source)
        }
        if let number = targets.firstIndex(where: { $0.kind == .jsonl }) {
            let target = targets[number]
            return try contents[number].enumerated().map { shard, data throws(ShardMergeError) in
                let lines = try Self.jsonLines(data, path: target.inputs[shard], shard: shard, expected: nil)
                return try lines.enumerated().map { line, bytes throws(ShardMergeError) in
                    guard let record = JSONValue.parse(bytes), case .object = record else {
                        throw ShardMergeError(
                            "line \(line + 1) of shard \(shard)'s '\(target.inputs[shard])' is not a JSON object",
                            fix: "run shard \(shard) again; its output is damaged")
                    }
                    return try key(of: record, shard: shard, path: target.inputs[shard], number: line + 1)
                }
            }
        }
        if let number = manifests.keys.sorted().first {
            let target = targets[number]
            return try manifests[number]!.enumerated().map { shard, document throws(ShardMergeError) in
                try Self.results(of: document, path: target.inputs[shard], shard: shard).enumerated().map { index, record throws(ShardMergeError) in
                    try key(of: record, shard: shard, path: target.inputs[shard], number: index + 1)
                }
            }
        }
        // Only CSV outputs: their rows' sources are unknown, which matters only when there are several sources.
        guard merged.sources.count == 1 || !merged.isMultiSource else {
            throw ShardMergeError(
                "the pipeline's only merged outputs are CSV files, whose rows do not say which source they are of",
                fix: "add a jsonl or gzip-manifest stage, which merge reads the record order from")
        }
        let number = targets.firstIndex { $0.kind == .csv }!
        return contents[number].enumerated().map { shard, data in
            let rows = CSVRows.split(data).count
            // One source: everything is shard 0's; a header row is not a record.
            let records = shard == 0 ? max(0, rows - (rows > 0 && Self.looksLikeHeader(data) ? 1 : 0)) : 0
            return Array(repeating: RecordKey(isExport: false, source: 0), count: records)
        }
    }

    /// Whether the first row names the record fields (the csv stage's header).
    static func looksLikeHeader(_ data: [UInt8]) -> Bool {
        guard let first = CSVRows.split(data).first else { return false }
        let text = String(decoding: first, as: UTF8.self)
        return ExportResult.fieldNames.contains { text.hasPrefix($0) }
    }

    /// Every record as (shard, index in shard), in the merged order.
    static func mergedOrder(_ keys: [[RecordKey]]) -> [(shard: Int, record: Int)] {
        var all: [(key: RecordKey, shard: Int, record: Int)] = []
        for (shard, shardKeys) in keys.enumerated() {
            for (record, key) in shardKeys.enumerated() { all.append((key, shard, record)) }
        }
        // Ties only within one shard (a source is one shard's), where file order is kept.
        all.sort { ($0.key, $0.shard, $0.record) < ($1.key, $1.shard, $1.record) }
        return all.map { ($0.shard, $0.record) }
    }

    // MARK: Files

    static func jsonLines(_ data: [UInt8], path: String, shard: Int, expected: Int?) throws(ShardMergeError) -> [ArraySlice<UInt8>] {
        guard data.last == nil || data.last == UInt8(ascii: "\n") else {
            throw ShardMergeError("shard \(shard)'s '\(path)' ends in an incomplete line", fix: "run shard \(shard) again; its output is damaged")
        }
        var lines: [ArraySlice<UInt8>] = []
        var start = 0
        for (index, byte) in data.enumerated() where byte == UInt8(ascii: "\n") {
            lines.append(data[start...index])
            start = index + 1
        }
        if let expected, lines.count != expected {
            throw ShardMergeError(
                "shard \(shard)'s '\(path)' has \(lines.count) line\(lines.count == 1 ? "" : "s") but the shard's other output has \(expected) record\(expected == 1 ? "" : "s")",
                fix: "the files are of different runs: run shard \(shard) again")
        }
        return lines
    }

    func mergedCSV(_ files: [[UInt8]], target: Target, keys: [[RecordKey]], order: [(shard: Int, record: Int)]) throws(ShardMergeError) -> [UInt8] {
        var header: (shard: Int, row: ArraySlice<UInt8>)?
        var headerless: (shard: Int, rows: Int)?
        var rows: [[ArraySlice<UInt8>]] = []
        for (shard, data) in files.enumerated() {
            var shardRows = CSVRows.split(data)
            let expected = keys[shard].count
            if shardRows.count == expected + 1 {
                let row = shardRows.removeFirst()
                if let header, header.row != row {
                    throw ShardMergeError(
                        "the header of shard \(shard)'s '\(target.inputs[shard])' differs from shard \(header.shard)'s, so the rows cannot be merged",
                        fix: "run every shard with the same pipeline file (the same columns, delimiter and line ending)")
                }
                if header == nil { header = (shard, row) }
            } else if shardRows.count != expected {
                throw ShardMergeError(
                    "shard \(shard)'s '\(target.inputs[shard])' has \(shardRows.count) rows for \(expected) record\(expected == 1 ? "" : "s")",
                    fix: "the files are of different runs, or the CSV is appended to: run shard \(shard) again")
            } else if expected > 0, headerless == nil {
                headerless = (shard, expected)
            }
            rows.append(shardRows)
        }
        // One file with a header row and another without is one file short of a row.
        if let header, let headerless {
            throw ShardMergeError(
                "shard \(headerless.shard)'s '\(target.inputs[headerless.shard])' has \(headerless.rows) rows for \(headerless.rows) records, "
                    + "but shard \(header.shard)'s has a header row as well",
                fix: "the files are of different runs: run shard \(headerless.shard) again")
        }
        var output: [UInt8] = header.map { Array($0.row) } ?? []
        for entry in order { output.append(contentsOf: rows[entry.shard][entry.record]) }
        return output
    }

    static func prepare(_ bytes: [UInt8], at path: String) throws(ShardMergeError) -> PreparedFile {
        do {
            let writer = try AtomicFileWriter(destination: path)
            do {
                try writer.write(bytes)
                return try writer.prepare()
            } catch {
                writer.discard()
                throw error
            }
        } catch {
            throw ShardMergeError("cannot write '\(path)': \(error)", fix: "check the directory's space and permissions", isInputProblem: false)
        }
    }
}

extension JSONValue {
    /// The string, when this is one.
    var stringValue: String? {
        if case .string(let text) = self { return text }
        return nil
    }
}
