public import ExportPipeline
public import ExportStageKit

/// The client could not get credentials for a request mid-run: the ECS
/// metadata service or IAM did not answer while the keys or token were due
/// for a refresh.
///
/// The request was never sent, so retrying is safe even for a create, and
/// the source is often back a few seconds later (a metadata service restart,
/// an IAM blip): the waiter retries with backoff within its budget instead of
/// ending the task. At startup the first fetch fails the run at once instead;
/// that error never passes through here.
public struct CredentialFetchError: TaskStatusFailure, Sendable {
    /// The request that needed the credentials: method and path with query.
    public var request: String
    /// Why the provider failed; its text holds no secret (``CredentialsError``'s contract).
    public var reason: String
    /// The source refused the credential (a changed password, a detached
    /// agency): every request of this credential would fail the same way.
    public var isRefusal: Bool

    /// Creates the error for `request` failing because of `underlying`.
    public init(request: String, underlying: any Error) {
        self.request = request
        reason = "\(underlying)"
        isRefusal = (underlying as? CredentialsError)?.isRefusal ?? false
    }

    /// ``FailureDisposition/transient`` (the request did not go out), or
    /// ``FailureDisposition/credentialsRejected`` when the source refused the
    /// credential, which fails fast instead of retrying to the deadline.
    public var disposition: FailureDisposition { isRefusal ? .credentialsRejected : .transient }

    /// Code `credentials`, so the record tells a credential outage from a network one.
    public var recordFailure: ExportResult.Failure {
        ExportResult.Failure(code: "credentials", message: description)
    }

    /// `could not refresh the credentials for GET /v5/…: …; retrying with backoff`.
    public var description: String {
        let next = isRefusal ? "the request was not sent" : "the request was not sent and is retried with backoff"
        return "could not refresh the credentials for \(request): \(reason); \(next)"
    }
}
