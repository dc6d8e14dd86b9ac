public import Foundation

extension RunContext {
    /// Finishes `writer`'s file for the run's commit and publishes its artifact.
    ///
    /// In a pipeline run the file waits, written and fsynced under its temp
    /// name, until every stage has finished; then the runner renames all the
    /// run's outputs together, those with `commitsLast` (a manifest) after the
    /// others. Elsewhere (``defersCommits`` false) it is renamed at once.
    ///
    /// - Returns: the artifact published, with the digest the file has once committed.
    @discardableResult
    public func prepare(_ writer: AtomicFileWriter, stage: String, commitsLast: Bool = false) throws -> Artifact {
        let prepared = try writer.prepare()
        if defersCommits {
            outputs.add(prepared, commitsLast: commitsLast)
        } else {
            try prepared.publish()
            AtomicFileWriter.syncDirectory(of: prepared.destination)
        }
        let artifact = Artifact(stage: stage, path: prepared.destination, bytes: prepared.digest.bytes, sha256: prepared.digest.sha256)
        publish(artifact)
        return artifact
    }

    /// Appends `lines` (whole lines) to `path` at the run's commit and
    /// publishes the file's artifact (its digest after the append).
    ///
    /// A last line left incomplete by an earlier crash is repaired first
    /// (``repairTornEnd(of:)``).
    @discardableResult
    public func prepareAppend(_ lines: [UInt8], to path: String, stage: String, permissions: mode_t = 0o644) throws -> Artifact {
        try repairTornEnd(of: path)
        let prepared = try PreparedAppend(appending: lines, to: path, permissions: permissions)
        if defersCommits {
            outputs.add(prepared)
        } else {
            try prepared.publish()
            AtomicFileWriter.syncDirectory(of: path)
        }
        let artifact = Artifact(stage: stage, path: path, bytes: prepared.digest.bytes, sha256: prepared.digest.sha256)
        publish(artifact)
        return artifact
    }

    /// Truncates an append file whose last line a crash left incomplete to its
    /// last complete line, keeping the torn bytes beside it, and logs a warning.
    public func repairTornEnd(of path: String) throws {
        if let repair = try AppendableFile.repairTornEnd(of: path) {
            logger.warning("\(repair.warning)")
        }
    }
}
