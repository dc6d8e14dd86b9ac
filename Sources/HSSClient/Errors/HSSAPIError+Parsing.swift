import ExportStageKit
public import Foundation

extension HSSAPIError {
    /// The longest message kept from a body; a proxy's HTML error page can be large.
    static let maximumMessageLength = 512

    /// Parses an error response exactly as the SDK's `DefaultExceptionHandler` does.
    ///
    /// - `requestID` is the `X-Request-Id` header (any case).
    /// - The body is parsed as JSON. When it is an object, the first pair present at the
    ///   top level wins: `error_code`/`error_msg`, then `errorCode`/`errorMsg`, then
    ///   `code`/`message` (both names must be present). Without one, every nested object
    ///   is searched the same way, recursively and in document order; like the SDK, a
    ///   later nested match overrides an earlier one.
    /// - `encoded_authorization_message` is kept wherever an object holds it.
    /// - Without a code, the code is the status as text; without a message (or a body that
    ///   is not JSON), the message is the raw body text, shortened to
    ///   ``maximumMessageLength`` characters.
    /// - `Retry-After` is read as seconds or an HTTP date (relative to `now`).
    ///
    /// - Parameters:
    ///   - status: The HTTP status (400 or more).
    ///   - headers: The response headers.
    ///   - body: The response body bytes.
    ///   - method: The request method, for the description.
    ///   - path: The request path (and query), for the description.
    ///   - projectID: The project, named in the advice.
    ///   - now: The current time, for a `Retry-After` HTTP date.
    public init(
        status: Int,
        headers: [(name: String, value: String)],
        body: [UInt8],
        method: String = "GET",
        path: String = "",
        projectID: String? = nil,
        now: Date = Date()
    ) {
        var fields = ParsedFields()
        if let document = JSONValue.parse(body), case .object = document {
            fields.collect(from: document)
        }
        let rawText = Self.shortened(String(decoding: body, as: UTF8.self))
        let code = fields.code.flatMap { $0.isEmpty ? nil : $0 } ?? String(status)
        let message = fields.message.flatMap { $0.isEmpty ? nil : $0 } ?? rawText
        let requestID = Self.header("X-Request-Id", in: headers).flatMap { $0.isEmpty ? nil : $0 }
        let retryAfter = Self.header("Retry-After", in: headers).flatMap { RetryAfter.parse($0, now: now) }
        self.init(
            method: method,
            path: path,
            status: status,
            code: code,
            message: message,
            requestID: requestID,
            encodedAuthorizationMessage: fields.encodedAuthorizationMessage,
            retryAfter: retryAfter,
            projectID: projectID
        )
    }

    static func header(_ name: String, in headers: [(name: String, value: String)]) -> String? {
        let lowered = name.lowercased()
        return headers.first { $0.name.lowercased() == lowered }?.value.trimmingCharacters(in: .whitespaces)
    }

    /// `text` cut to ``maximumMessageLength`` characters, with `…` when cut.
    static func shortened(_ text: String) -> String {
        guard text.count > maximumMessageLength else { return text }
        return String(text.prefix(maximumMessageLength)) + "…"
    }

    /// The SDK's `_process_sdk_error`, over an order-preserving document.
    private struct ParsedFields {
        var code: String?
        var message: String?
        var encodedAuthorizationMessage: String?

        static let pairs = [("error_code", "error_msg"), ("errorCode", "errorMsg"), ("code", "message")]

        mutating func collect(from object: JSONValue) {
            guard case .object(let members) = object else { return }
            if let encoded = object["encoded_authorization_message"] {
                encodedAuthorizationMessage = encoded.recordText
            }
            for (codeKey, messageKey) in Self.pairs where object[codeKey] != nil && object[messageKey] != nil {
                code = object[codeKey]?.recordText
                message = object[messageKey]?.recordText.map(HSSAPIError.shortened)
                return
            }
            for member in members {
                if case .object = member.value {
                    collect(from: member.value)
                }
            }
        }
    }
}

extension JSONValue {
    /// A parsed value as text for a record field or an error: strings
    /// verbatim, numbers as written (`12345`, `1.50`), bools as `true` and
    /// `false`, `null` as `nil`, arrays and objects as compact JSON.
    var recordText: String? {
        switch self {
        case .null: return nil
        case .bool(let value): return value ? "true" : "false"
        case .numberLiteral(let text): return text
        case .string(let value): return value
        case .integer, .number, .array, .object: return serialized
        }
    }
}
