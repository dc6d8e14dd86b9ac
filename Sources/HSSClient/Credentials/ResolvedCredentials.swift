public import HSSSigning

/// The credentials the chain (or `auth:`) picked for one source, and what the
/// run may tell about them: never a secret.
public struct ResolvedCredentials: Sendable {
    /// Gives the current credentials when a request is sent.
    public var provider: any CredentialProvider
    /// Where they came from, e.g. `environment (HUAWEICLOUD_SDK_AK/SK)`,
    /// `profile [basic] in ~/.huaweicloud/credentials`, `ECS metadata (agency)`.
    public var sourceDescription: String
    /// A secret-free stable identity of the credential, for budgets: e.g.
    /// `ak-` and 16 hex digits of SHA-256(AK), `ecs-agency`, `user-domain/name`.
    public var budgetKey: String
    /// The project id the source supplied (`HUAWEICLOUD_SDK_PROJECT_ID`, the
    /// profile's `project_id`), used when the pipeline file gives none.
    public var projectID: String?
    /// The profile's `iam_endpoint`, when the profile supplied the credentials.
    public var iamEndpoint: String?
    /// The access key id of the first credentials (not secret), for `hss-export credentials`.
    public var accessKeyID: String?

    /// Creates a resolution.
    public init(
        provider: any CredentialProvider, sourceDescription: String, budgetKey: String, projectID: String? = nil,
        iamEndpoint: String? = nil, accessKeyID: String? = nil
    ) {
        self.provider = provider
        self.sourceDescription = sourceDescription
        self.budgetKey = budgetKey
        self.projectID = projectID
        self.iamEndpoint = iamEndpoint
        self.accessKeyID = accessKeyID
    }
}
