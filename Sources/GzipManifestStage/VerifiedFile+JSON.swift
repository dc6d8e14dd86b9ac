public import ExportStageKit

extension VerifiedFile {
    /// The file's entry in ``VerificationReport/jsonValue``; absent values are `null`.
    public var jsonValue: JSONValue {
        .object([
            ("kind", .string(kind.rawValue)),
            ("path", .string(path)),
            ("stage", JSONValue(stage)),
            ("task_id", JSONValue(taskID)),
            ("status", .string(status.rawValue)),
            ("expected_bytes", .integer(expectedBytes)),
            ("actual_bytes", actualBytes.map(JSONValue.integer) ?? .null),
            ("expected_sha256", JSONValue(expectedSHA256)),
            ("actual_sha256", JSONValue(actualSHA256)),
            ("reason", JSONValue(reason)),
        ])
    }
}
