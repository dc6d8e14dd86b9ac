import Foundation

extension ExportResult {
    /// The record's field names, in the order every output format uses:
    /// the fields every record has. ``source`` comes before `project_id`
    /// when it is set (see ``fieldNames(withSource:)``).
    public static let fieldNames: [String] = [
        "task_id", "task_name", "task_status", "file_id", "file_name",
        "project_id", "region", "enterprise_project_id", "outcome", "error",
        "polls", "first_polled_at", "finished_at", "wait_seconds", "run_id",
        "export", "download_path", "download_bytes", "download_sha256",
    ]

    /// `source`: the field of a `sources:` pipeline's records.
    public static let sourceFieldName = "source"

    /// Where `source` goes among ``fieldNames``: before `project_id`, with
    /// the other fields that say where the task lives.
    public static let sourceFieldPosition = 5

    /// The field names of a record with (`true`) or without a `source`.
    public static func fieldNames(withSource: Bool) -> [String] {
        var names = fieldNames
        if withSource { names.insert(sourceFieldName, at: sourceFieldPosition) }
        return names
    }

    /// The record as ordered fields, named as in ``fieldNames``, with
    /// `source` before `project_id` when it is set.
    ///
    /// Times are RFC 3339 UTC with milliseconds, `wait_seconds` is rounded to
    /// milliseconds, absent values are `null`.
    public var fields: [(key: String, value: JSONValue)] {
        var fields = plainFields
        if let source { fields.insert((Self.sourceFieldName, .string(source)), at: Self.sourceFieldPosition) }
        return fields
    }

    private var plainFields: [(key: String, value: JSONValue)] {
        [
            ("task_id", .string(taskID)),
            ("task_name", JSONValue(taskName)),
            ("task_status", JSONValue(taskStatus)),
            ("file_id", JSONValue(fileID)),
            ("file_name", JSONValue(fileName)),
            ("project_id", .string(projectID)),
            ("region", JSONValue(region)),
            ("enterprise_project_id", JSONValue(enterpriseProjectID)),
            ("outcome", .string(outcome.rawValue)),
            ("error", error.map(\.jsonValue) ?? .null),
            ("polls", .integer(polls)),
            ("first_polled_at", JSONValue(firstPolledAt.map(RFC3339.format))),
            ("finished_at", JSONValue(finishedAt.map(RFC3339.format))),
            ("wait_seconds", .number((waitSeconds * 1000).rounded() / 1000)),
            ("run_id", .string(runID)),
            ("export", JSONValue(exportName)),
            ("download_path", JSONValue(download?.path)),
            ("download_bytes", download.map { .integer($0.bytes) } ?? .null),
            ("download_sha256", JSONValue(download?.sha256)),
        ]
    }

    /// The record as a JSON object with the fields in documented order.
    public var jsonValue: JSONValue { .object(fields) }

    /// The record as one JSON Lines line, newline included: what the `jsonl`
    /// stage writes and the `exec` stage's command reads.
    ///
    /// Encoded by the same fast path the `jsonl` stage uses, so the two can
    /// never differ; it equals ``jsonValue`` serialized, plus the newline.
    public var jsonLine: String {
        var buffer = EncodingBuffer(minimumCapacity: 512)
        appendJSONLine(to: &buffer)
        return String(decoding: buffer.bytes, as: UTF8.self)
    }

    /// The value of one field by its output name, or `nil` for an unknown name.
    public func value(forField name: String) -> JSONValue? {
        fields.first { $0.key == name }?.value
    }
}

extension ExportResult.Failure {
    /// `{code, message, request_id}`.
    public var jsonValue: JSONValue {
        .object([
            ("code", .string(code)),
            ("message", .string(message)),
            ("request_id", JSONValue(requestID)),
        ])
    }
}
