extension RunContext {
    /// Writes a stage's whole output (`path: -`) to standard output at the
    /// run's commit, in one go (``PreparedStandardOutput``); elsewhere
    /// (``defersCommits`` false) at once.
    ///
    /// No artifact is published: an artifact is a file on disk, which a
    /// manifest lists and `hss-export verify` checks, and standard output is
    /// none (the records themselves are in the manifest's `results`).
    public func prepareStandardOutput(_ bytes: [UInt8]) throws {
        let prepared = PreparedStandardOutput(bytes)
        if defersCommits {
            outputs.add(prepared)
        } else {
            try prepared.publish()
        }
    }
}
