public import ExportStageKit

extension VerificationReport {
    /// The whole report as one JSON object, keys always in this order:
    /// `manifest`, `manifest_version`, `run_id`, `files`, `problems`, `all_match`, `items`
    /// (each `kind`, `path`, `stage`, `task_id`, `status`, `expected_bytes`,
    /// `actual_bytes`, `expected_sha256`, `actual_sha256`, `reason`).
    public var jsonValue: JSONValue {
        .object([
            ("manifest", .string(manifestPath)),
            ("manifest_version", .integer(manifestVersion)),
            ("run_id", .string(runID)),
            ("files", .integer(files.count)),
            ("problems", .integer(problems.count)),
            ("all_match", .bool(allMatch)),
            ("items", .array(files.map(\.jsonValue))),
        ])
    }
}
