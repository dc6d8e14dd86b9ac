import ExportStageKit

/// Where and as whom to query HSS, as the pipeline file describes it.
public struct SourceSpec: Sendable, Equatable {
    /// The source's `name` in a `sources:` list (unique, `[A-Za-z0-9_.-]{1,64}`),
    /// or empty for a pipeline's single `source:`. Records of a `sources:`
    /// pipeline carry it as `source`.
    public var name: String
    /// The region id (e.g. `cn-north-4`); selects the endpoint unless
    /// ``endpoint`` is set, and is sent as the `region` header.
    public var region: String?
    /// An explicit endpoint URL (`https://…` or `http://127.0.0.1:8080`).
    public var endpoint: String?
    /// The project id; `nil` when the file gives none, so the run looks it up
    /// (`HUAWEICLOUD_SDK_PROJECT_ID`, the profile, else IAM by region).
    public var projectID: String?
    /// Sent as the `enterprise_project_id` query parameter when set.
    public var enterpriseProjectID: String?
    /// A PEM bundle of CA certificates to trust.
    public var caFile: String?
    /// Skip TLS verification (for test endpoints only).
    public var insecure: Bool
    /// How long one request may take.
    public var requestTimeout: Duration
    /// How to get credentials.
    public var auth: AuthSpec

    /// Creates a source description.
    public init(
        name: String = "",
        region: String? = nil,
        endpoint: String? = nil,
        projectID: String? = nil,
        enterpriseProjectID: String? = nil,
        caFile: String? = nil,
        insecure: Bool = false,
        requestTimeout: Duration = .seconds(30),
        auth: AuthSpec = .environment
    ) {
        self.name = name
        self.region = region
        self.endpoint = endpoint
        self.projectID = projectID
        self.enterpriseProjectID = enterpriseProjectID
        self.caFile = caFile
        self.insecure = insecure
        self.requestTimeout = requestTimeout
        self.auth = auth
    }
}
