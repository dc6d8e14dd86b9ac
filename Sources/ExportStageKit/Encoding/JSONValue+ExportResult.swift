package import Foundation

/// The record's fields written straight into UTF-8 bytes, for stages that
/// write 100,000 records: the same text as going through ``ExportResult/fields``
/// and ``JSONValue``, without building the field array, the timestamp strings
/// or a `String` per line. The tests hold the two paths to the same bytes.
extension ExportResult {
    /// Receives one field's value as ``fields`` has it, without copies:
    /// strings borrowed, times as dates (text: ``RFC3339``).
    package protocol FieldVisitor {
        mutating func visitNull()
        mutating func visitString(_ value: String)
        mutating func visitTimestamp(_ value: Date)
        mutating func visitInteger(_ value: Int)
        /// `wait_seconds`, already rounded as ``fields`` rounds it.
        mutating func visitNumber(_ value: Double)
        mutating func visitFailure(_ value: Failure)
    }

    /// The index ``visitField(at:with:)`` takes for `source` (past ``fieldNames``).
    package static var sourceFieldIndex: Int { fieldNames.count }

    /// Hands the value of the field at `index` in ``fieldNames`` (or
    /// `source`, at ``sourceFieldIndex``) to `visitor`.
    package func visitField<Visitor: FieldVisitor>(at index: Int, with visitor: inout Visitor) {
        switch index {
        case 0: visitor.visitString(taskID)
        case 1: Self.visit(taskName, with: &visitor)
        case 2: Self.visit(taskStatus, with: &visitor)
        case 3: Self.visit(fileID, with: &visitor)
        case 4: Self.visit(fileName, with: &visitor)
        case 5: visitor.visitString(projectID)
        case 6: Self.visit(region, with: &visitor)
        case 7: Self.visit(enterpriseProjectID, with: &visitor)
        case 8: visitor.visitString(outcome.rawValue)
        case 9:
            if let error { visitor.visitFailure(error) } else { visitor.visitNull() }
        case 10: visitor.visitInteger(polls)
        case 11:
            if let firstPolledAt { visitor.visitTimestamp(firstPolledAt) } else { visitor.visitNull() }
        case 12:
            if let finishedAt { visitor.visitTimestamp(finishedAt) } else { visitor.visitNull() }
        case 13: visitor.visitNumber((waitSeconds * 1000).rounded() / 1000)
        case 14: visitor.visitString(runID)
        case 15: Self.visit(exportName, with: &visitor)
        case 16: Self.visit(download?.path, with: &visitor)
        case 17:
            if let download { visitor.visitInteger(download.bytes) } else { visitor.visitNull() }
        case 18: Self.visit(download?.sha256, with: &visitor)
        case 19: Self.visit(source, with: &visitor)
        default: preconditionFailure("no field at index \(index); there are \(Self.fieldNames.count)")
        }
    }

    @inline(__always)
    private static func visit<Visitor: FieldVisitor>(_ value: String?, with visitor: inout Visitor) {
        if let value { visitor.visitString(value) } else { visitor.visitNull() }
    }

    /// UTF-8 bytes of every string in the record, the failure's included:
    /// what encoders size their room by.
    package var stringByteCount: Int {
        var total = taskID.utf8.count + projectID.utf8.count + runID.utf8.count
        total += (taskName?.utf8.count ?? 0) + (taskStatus?.utf8.count ?? 0) + (fileID?.utf8.count ?? 0)
        total += (fileName?.utf8.count ?? 0) + (region?.utf8.count ?? 0) + (enterpriseProjectID?.utf8.count ?? 0)
        total += (exportName?.utf8.count ?? 0) + (download?.path.utf8.count ?? 0) + (download?.sha256.utf8.count ?? 0)
        total += source?.utf8.count ?? 0
        if let error {
            total += error.code.utf8.count + error.message.utf8.count + (error.requestID?.utf8.count ?? 0)
        }
        return total
    }

    /// Appends the record's JSON Lines line, newline included: the bytes of
    /// ``jsonLine``.
    package func appendJSONLine(to buffer: inout EncodingBuffer) {
        // Keys, numbers, times and nulls take well under 1 KiB.
        buffer.write(maximumCount: 6 * stringByteCount + 1024) { writer in
            var json = JSONFieldWriter(writer: writer)
            JSONKeyPrefixes.shared.bytes.withUnsafeBufferPointer { prefixes in
                for (index, range) in JSONKeyPrefixes.shared.ranges.enumerated() {
                    if index == Self.sourceFieldPosition, let source {
                        json.writer.write(#","source":"#)
                        json.writer.writeString(source)
                    }
                    json.writer.write(UnsafeBufferPointer(rebasing: prefixes[range]))
                    visitField(at: index, with: &json)
                }
            }
            json.writer.write("}\n")
            writer = json.writer
        }
    }

    /// Appends the field at `index` (as ``visitField(at:with:)`` numbers
    /// them) as compact JSON: the bytes of that field's value serialized.
    package func appendJSONField(at index: Int, to buffer: inout EncodingBuffer) {
        buffer.write(maximumCount: 6 * stringByteCount + 1024) { writer in
            var json = JSONFieldWriter(writer: writer)
            visitField(at: index, with: &json)
            writer = json.writer
        }
    }
}

extension ExportResult.Failure {
    /// At most this many bytes for ``write(to:)``.
    package var maximumJSONCount: Int {
        6 * (code.utf8.count + message.utf8.count + (requestID?.utf8.count ?? 0)) + 64
    }

    /// Writes ``jsonValue`` as compact JSON.
    package func write(to writer: inout RawWriter) {
        writer.write(#"{"code":"#)
        writer.writeString(code)
        writer.write(#","message":"#)
        writer.writeString(message)
        writer.write(#","request_id":"#)
        if let requestID {
            writer.writeString(requestID)
        } else {
            writer.write("null")
        }
        writer.write(UInt8(ascii: "}"))
    }
}

/// Field values as JSON.
private struct JSONFieldWriter: ExportResult.FieldVisitor {
    var writer: RawWriter

    mutating func visitNull() { writer.write("null") }
    mutating func visitString(_ value: String) { writer.writeString(value) }
    mutating func visitInteger(_ value: Int) { writer.writeInteger(value) }
    mutating func visitNumber(_ value: Double) { writer.writeNumber(value) }
    mutating func visitFailure(_ value: ExportResult.Failure) { value.write(to: &writer) }

    mutating func visitTimestamp(_ value: Date) {
        writer.write(UInt8(ascii: "\""))
        writer.writeTimestamp(value)
        writer.write(UInt8(ascii: "\""))
    }
}

/// `{"task_id":`, `,"task_name":` and so on, escaped once from
/// ``ExportResult/fieldNames``, in one buffer.
private struct JSONKeyPrefixes: Sendable {
    static let shared = JSONKeyPrefixes()

    let bytes: [UInt8]
    let ranges: [Range<Int>]

    private init() {
        var bytes: [UInt8] = []
        var ranges: [Range<Int>] = []
        for (index, name) in ExportResult.fieldNames.enumerated() {
            let start = bytes.count
            bytes.append(index == 0 ? UInt8(ascii: "{") : UInt8(ascii: ","))
            JSONValue.string(name).write(to: &bytes)
            bytes.append(UInt8(ascii: ":"))
            ranges.append(start..<bytes.count)
        }
        self.bytes = bytes
        self.ranges = ranges
    }
}
