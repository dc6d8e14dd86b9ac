import ExportPipeline
import HSSClient
import HSSSigning

extension HSSClientConfiguration {
    /// The client configuration for a pipeline's source and resolved credentials.
    init(source: SourceSpec, credentials: Credentials, environment: [String: String]) {
        let endpoint: HSSEndpoint = source.endpoint.map(HSSEndpoint.url) ?? .region(source.region ?? "")
        let clientCredentials: HSSCredentials
        switch credentials {
        case .token(let token):
            clientCredentials = .token(token)
        case let .accessKey(accessKey, secretKey, securityToken):
            clientCredentials = .accessKey(AccessKeyCredentials(accessKey: accessKey, secretKey: secretKey, securityToken: securityToken))
        }
        self.init(
            endpoint: endpoint, projectID: source.projectID, credentials: clientCredentials,
            enterpriseProjectID: source.enterpriseProjectID, region: source.region, caFile: source.caFile,
            insecure: source.insecure, requestTimeout: source.requestTimeout, environment: environment
        )
    }
}
