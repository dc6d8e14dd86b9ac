import ExportStageKit
import Foundation

extension SimulatorState {
    /// The kinds of expired credential, as the statistics name them.
    enum ExpiredCredential: String, Sendable {
        case temporaryKey = "temporary_key"
        case iamToken = "iam_token"
    }

    /// A metadata session token valid for `ttl` from now.
    func issueSessionToken(ttl: Duration) -> String {
        statistics.metadataSessionTokens += 1
        return issued.issueSessionToken(expiresAt: Date().addingTimeInterval(DurationText.seconds(in: ttl)))
    }

    func isValidSessionToken(_ token: String) -> Bool {
        issued.isValidSessionToken(token, at: Date())
    }

    /// Fresh temporary keys for the agency, valid for `ttl` from now (to the microsecond,
    /// as `expires_at` says).
    func issueTemporaryKey(ttl: Duration) -> (accessKey: String, key: IssuedCredentials.TemporaryKey) {
        statistics.metadataSecurityKeys += 1
        let expiresAt = MicrosecondTimestamp.truncated(Date().addingTimeInterval(DurationText.seconds(in: ttl)))
        return issued.issueTemporaryKey(expiresAt: expiresAt)
    }

    func temporaryKey(accessKey: String) -> IssuedCredentials.TemporaryKey? {
        issued.temporaryKey(accessKey: accessKey)
    }

    func recordMetadataRefusal() {
        statistics.metadataRefusals += 1
    }

    /// A new IAM token for `user` with `scope`, valid for `ttl` from now; its value and expiry.
    func issueIAMToken(user: String, scope: IssuedCredentials.Scope, ttl: Duration) -> (token: String, issuedAt: Date, expiresAt: Date) {
        statistics.iamTokensIssued += 1
        let now = MicrosecondTimestamp.truncated(Date())
        let expiresAt = MicrosecondTimestamp.truncated(now.addingTimeInterval(DurationText.seconds(in: ttl)))
        let token = issued.issueIAMToken(.init(user: user, scope: scope, expiresAt: expiresAt))
        return (token, now, expiresAt)
    }

    func iamToken(_ value: String) -> IssuedCredentials.IAMToken? {
        issued.iamToken(value)
    }

    func recordIAMTokenRefusal() {
        statistics.iamTokenRefusals += 1
    }

    func recordProjectRequest() {
        statistics.iamProjectRequests += 1
    }

    func recordExpired(_ kind: ExpiredCredential) {
        statistics.expiredCredentialRejections += 1
        statistics.expiredCredentialRejectionsByKind[kind.rawValue, default: 0] += 1
    }
}
