import ExportPipeline
import ExportStageKit
import Foundation
import Testing

@testable import HSSClient

/// Spec section 5: every rule of the SDK's `DefaultExceptionHandler`.
@Suite struct HSSAPIErrorParsingTests {
    func parse(_ status: Int, _ body: String, headers: [(name: String, value: String)] = [], now: Date = Date()) -> HSSAPIError {
        HSSAPIError(status: status, headers: headers, body: Array(body.utf8), method: "GET", path: "/v5/p/export-task/t-1", projectID: "p", now: now)
    }

    @Test func errorCodeAndErrorMsgWithRequestID() {
        let error = parse(404, #"{"error_code":"HSS.1059","error_msg":"Export task 't-1' does not exist"}"#, headers: [("X-Request-Id", "req-1")])
        #expect(error.code == "HSS.1059")
        #expect(error.message == "Export task 't-1' does not exist")
        #expect(error.requestID == "req-1")
        #expect(error.status == 404)
    }

    @Test func requestIDHeaderNameIsCaseInsensitive() {
        #expect(parse(404, "{}", headers: [("x-request-id", "req-2")]).requestID == "req-2")
        #expect(parse(404, "{}").requestID == nil)
    }

    @Test func camelCaseErrorCodeAndErrorMsg() {
        let error = parse(400, #"{"errorCode":"HSS.0001","errorMsg":"bad"}"#)
        #expect(error.code == "HSS.0001")
        #expect(error.message == "bad")
    }

    @Test func codeAndMessage() {
        let error = parse(401, #"{"code":"APIG.0301","message":"Incorrect IAM authentication information"}"#)
        #expect(error.code == "APIG.0301")
        #expect(error.message == "Incorrect IAM authentication information")
    }

    @Test func errorCodePairWinsOverTheOthers() {
        let error = parse(400, #"{"code":"C","message":"m","errorCode":"E","errorMsg":"em","error_code":"HSS.1","error_msg":"first"}"#)
        #expect(error.code == "HSS.1")
        #expect(error.message == "first")
        let camel = parse(400, #"{"code":"C","message":"m","errorCode":"E","errorMsg":"em"}"#)
        #expect(camel.code == "E")
    }

    @Test func aPairNeedsBothNames() {
        // error_code without error_msg, message without code: no pair matches at all.
        let body = #"{"error_code":"HSS.1","message":"half"}"#
        let error = parse(400, body)
        #expect(error.code == "400")
        #expect(error.message == body)
    }

    @Test func nestedObjectsAreSearched() {
        let error = parse(403, #"{"error":{"code":"APIG.1002","message":"Incorrect app authentication information"},"x":1}"#)
        #expect(error.code == "APIG.1002")
        #expect(error.message == "Incorrect app authentication information")
        let deep = parse(500, #"{"a":[1],"b":{"c":{"error_code":"HSS.9","error_msg":"deep"}}}"#)
        #expect(deep.code == "HSS.9")
        #expect(deep.message == "deep")
    }

    @Test func laterNestedMatchOverridesAnEarlierOneAsInTheSDK() {
        let error = parse(400, #"{"first":{"code":"A","message":"a"},"second":{"error_code":"B","error_msg":"b"}}"#)
        #expect(error.code == "B")
        #expect(error.message == "b")
    }

    @Test func encodedAuthorizationMessageIsKept() {
        let error = parse(403, #"{"error_code":"HSS.0403","error_msg":"denied","encoded_authorization_message":"ENC123"}"#)
        #expect(error.encodedAuthorizationMessage == "ENC123")
        #expect(error.description.contains("encoded_authorization_message"))
        let nested = parse(403, #"{"error":{"encoded_authorization_message":"ENC456","code":"X","message":"y"}}"#)
        #expect(nested.encodedAuthorizationMessage == "ENC456")
    }

    @Test func bodyThatIsNotJSONGivesStatusAndRawText() {
        let body = "<html><body>502 Bad Gateway</body></html>"
        let error = parse(502, body)
        #expect(error.code == "502")
        #expect(error.message == body)
        #expect(error.disposition == .transient)
    }

    @Test func jsonThatIsNotAnObjectGivesRawText() {
        let error = parse(400, #"["error_code","error_msg"]"#)
        #expect(error.code == "400")
        #expect(error.message == #"["error_code","error_msg"]"#)
    }

    @Test func objectWithoutAPairGivesStatusAndRawText() {
        let error = parse(404, #"{"detail":"nothing here"}"#)
        #expect(error.code == "404")
        #expect(error.message == #"{"detail":"nothing here"}"#)
    }

    @Test func emptyOrNullValuesFallBack() {
        let error = parse(401, #"{"error_code":null,"error_msg":""}"#)
        #expect(error.code == "401")
        #expect(error.message == #"{"error_code":null,"error_msg":""}"#)
        let empty = parse(503, "")
        #expect(empty.code == "503")
        #expect(empty.message == "")
    }

    @Test func nonStringValuesBecomeText() {
        let error = parse(400, #"{"code":401,"message":{"why":"nested"}}"#)
        #expect(error.code == "401")
        #expect(error.message == #"{"why":"nested"}"#)
    }

    @Test func numbersKeepTheTextTheyWereWrittenWith() {
        let error = parse(400, #"{"error_code":1.50,"error_msg":12345}"#)
        #expect(error.code == "1.50")
        #expect(error.message == "12345")
        let exponent = parse(400, #"{"code":-1E+3,"message":[1.0,{"a":2e5}]}"#)
        #expect(exponent.code == "-1E+3")
        #expect(exponent.message == #"[1.0,{"a":2e5}]"#)
    }

    @Test func theLastOfARepeatedKeyWinsAsInPython() {
        let error = parse(400, #"{"error_code":"A","error_msg":"first","error_code":"B"}"#)
        #expect(error.code == "B")
        #expect(error.message == "first")
    }

    @Test func taskFieldsBecomeRecordTextAsWritten() throws {
        let body = #"{"task_id":12345,"task_name":null,"task_status":"running","file_id":1.50,"file_name":true,"task_status":"success"}"#
        let document = try #require(JSONValue.parse(Array(body.utf8)))
        #expect(document["task_id"]?.recordText == "12345")
        #expect(document["task_name"].map(\.recordText) == .some(nil))
        #expect(document["task_status"]?.recordText == "success")
        #expect(document["file_id"]?.recordText == "1.50")
        #expect(document["file_name"]?.recordText == "true")
    }

    @Test func escapedJSONStringsAreDecoded() {
        let error = parse(400, #"{"error_code":"HSS.1","error_msg":"line\nbreak \u6f0f\u6d1e \ud83d\ude00"}"#)
        #expect(error.message == "line\nbreak 漏洞 😀")
        // The description escapes the line break, so a body cannot forge log lines.
        #expect(!error.description.contains("\n"))
        #expect(error.description.contains(#""line\nbreak 漏洞 😀""#))
    }

    @Test func longRawBodiesAreShortened() {
        let body = String(repeating: "x", count: 2000)
        let error = parse(500, body)
        #expect(error.message == String(repeating: "x", count: 512) + "…")
    }

    @Test func retryAfterInSeconds() {
        let error = parse(429, #"{"error_code":"APIG.0308","error_msg":"throttled"}"#, headers: [("Retry-After", "7")])
        #expect(error.retryAfter == .seconds(7))
        #expect(error.disposition == .throttled(retryAfter: .seconds(7)))
    }

    @Test func retryAfterAsHTTPDate() {
        let now = Date(timeIntervalSince1970: 1_700_000_000)  // Tue, 14 Nov 2023 22:13:20 GMT
        let imf = parse(429, "{}", headers: [("Retry-After", "Tue, 14 Nov 2023 22:13:50 GMT")], now: now)
        #expect(imf.retryAfter == .seconds(30))
        let asctime = parse(429, "{}", headers: [("retry-after", "Tue Nov 14 22:14:20 2023")], now: now)
        #expect(asctime.retryAfter == .seconds(60))
        let past = parse(429, "{}", headers: [("Retry-After", "Tue, 14 Nov 2023 22:00:00 GMT")], now: now)
        #expect(past.retryAfter == .zero)
        let garbage = parse(429, "{}", headers: [("Retry-After", "soon")], now: now)
        #expect(garbage.retryAfter == nil)
        #expect(garbage.disposition == .throttled(retryAfter: nil))
    }

    @Test func dispositions() {
        #expect(parse(429, "{}").disposition == .throttled(retryAfter: nil))
        #expect(parse(403, #"{"error_code":"APIG.0308","error_msg":"too many"}"#).disposition == .throttled(retryAfter: nil))
        #expect(parse(500, "{}").disposition == .transient)
        #expect(parse(503, "{}").disposition == .transient)
        for status in [400, 404, 405, 409, 422] {
            #expect(parse(status, "{}").disposition == .permanent, "\(status)")
        }
        // Every task of a run shares the credentials: a refusal ends them all.
        for status in [401, 403] {
            #expect(parse(status, "{}").disposition == .credentialsRejected, "\(status)")
        }
    }

    @Test func recordFailureCarriesCodeMessageAndRequestID() {
        let error = parse(404, #"{"error_code":"HSS.1059","error_msg":"gone"}"#, headers: [("X-Request-Id", "req-9")])
        #expect(error.recordFailure == ExportResult.Failure(code: "HSS.1059", message: "gone", requestID: "req-9"))
    }

    @Test func descriptionsSayWhatToDo() {
        let unauthorized = parse(
            401, #"{"error_code":"APIG.0301","error_msg":"Incorrect IAM authentication information"}"#, headers: [("X-Request-Id", "3f2a")])
        #expect(
            unauthorized.description
                == #"HSS refused GET /v5/p/export-task/t-1: 401 APIG.0301 "Incorrect IAM authentication information" (request id 3f2a); check the token or AK/SK (expired, mistyped, or signed with the wrong secret key) and that they belong to project p"#
        )

        let notFound = parse(404, #"{"error_code":"HSS.1059","error_msg":"no such task"}"#)
        #expect(
            notFound.description
                == #"HSS refused GET /v5/p/export-task/t-1: 404 HSS.1059 "no such task"; check that the task id exists in project p and that the endpoint is the task's region"#
        )

        let throttled = parse(429, #"{"error_code":"APIG.0308","error_msg":"throttled"}"#, headers: [("Retry-After", "2")])
        #expect(
            throttled.description
                == #"HSS throttled GET /v5/p/export-task/t-1: 429 APIG.0308 "throttled"; retry after 2 s; HSS allows only a few calls per minute per API, so lower the request budget or concurrency"#
        )

        // Without a code in the body, the status is not repeated.
        let gateway = parse(502, "Bad Gateway")
        #expect(
            gateway.description
                == #"HSS failed GET /v5/p/export-task/t-1: 502 "Bad Gateway"; HSS had a server-side problem; this is usually temporary, so retry later"#
        )
    }
}
