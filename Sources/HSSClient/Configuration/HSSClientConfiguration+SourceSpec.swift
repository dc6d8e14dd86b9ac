public import ExportPipeline
public import HSSSigning

extension HSSClientConfiguration {
    /// The endpoint a pipeline's source names: its explicit endpoint, else its region.
    public static func endpoint(of source: SourceSpec) -> HSSEndpoint {
        source.endpoint.map(HSSEndpoint.url) ?? .region(source.region ?? "")
    }

    /// The configuration for a pipeline's source, with its resolved credentials.
    public init(source: SourceSpec, credentials: HSSCredentials, environment: [String: String]) {
        self.init(
            endpoint: Self.endpoint(of: source), projectID: source.projectID ?? "", credentials: credentials,
            enterpriseProjectID: source.enterpriseProjectID, region: source.region, caFile: source.caFile,
            insecure: source.insecure, requestTimeout: source.requestTimeout, environment: environment
        )
    }
}
