import ExportPipeline
public import Foundation
public import HSSSigning

/// Everything ``HSSClient`` needs to reach the HSS API of one project.
///
/// ```swift
/// let configuration = HSSClientConfiguration(
///     endpoint: .region("cn-north-4"),
///     projectID: "0a1b2c3d4e5f60718293a4b5c6d7e8f9",
///     credentials: .accessKey(AccessKeyCredentials(accessKey: ak, secretKey: sk))
/// )
/// ```
///
/// `description` never shows the credentials' secrets.
public struct HSSClientConfiguration: Sendable, CustomStringConvertible, CustomReflectable {
    /// The `User-Agent` sent when none is configured: `hss-export/<version>`.
    public static let defaultUserAgent = "hss-export/\(HSSExportVersion.current)"

    /// The default ``downloadTimeout``: 10 minutes, 200 MB at 350 kB/s.
    public static let defaultDownloadTimeout = Duration.seconds(600)

    /// Where the API lives.
    public var endpoint: HSSEndpoint
    /// The project id, the `{project_id}` of every path and the `X-Project-Id` header.
    public var projectID: String
    /// Sent as the query parameter `enterprise_project_id` when set (for example `0` or
    /// `all_granted_eps`).
    public var enterpriseProjectID: String?
    /// Sent as the `region` header when set. `nil` means: the endpoint's region when the
    /// endpoint is a region, otherwise no header. See ``effectiveRegion``.
    public var region: String?
    /// How requests authenticate: the first credentials, and all of them
    /// unless ``credentialProvider`` is set.
    public var credentials: HSSCredentials
    /// Gives the credentials of each request as it is sent (ECS agency keys,
    /// password tokens); `nil` means ``credentials`` always.
    public var credentialProvider: (any CredentialProvider)?
    /// A PEM file of CA certificates trusted in addition to the system's, for a TLS
    /// proxy or a private endpoint.
    public var caFile: String?
    /// Disables TLS certificate verification. Only for tests against a self-signed
    /// endpoint; the client logs a warning when it is set.
    public var insecure: Bool
    /// How long one request may take from start to the last body byte; downloads of
    /// exported files have ``downloadTimeout`` instead.
    public var requestTimeout: Duration
    /// How long one download of an exported file may take, from sending the request to
    /// the last byte written: a bound on a stalled transfer of a large file. Its
    /// expiry is a transient failure (the download is tried again).
    public var downloadTimeout: Duration
    /// How long establishing a connection (TCP and TLS) may take.
    public var connectTimeout: Duration
    /// The `User-Agent` header.
    public var userAgent: String
    /// The environment the region override variable and the proxy variables
    /// (`HTTPS_PROXY`, `HTTP_PROXY`, `NO_PROXY`) are read from.
    public var environment: [String: String]

    /// Creates a configuration.
    /// - Parameters:
    ///   - endpoint: The region (`.region("cn-north-4")`) or URL of the API.
    ///   - projectID: The project the export tasks belong to.
    ///   - credentials: A token or an access key pair.
    ///   - enterpriseProjectID: The `enterprise_project_id` query parameter; default none.
    ///   - region: The `region` header; default: the endpoint's region, if it is one.
    ///   - caFile: A PEM bundle of extra trusted CA certificates; default none.
    ///   - insecure: Skip TLS certificate verification; default `false`.
    ///   - requestTimeout: Limit for one request; default 30 s.
    ///   - connectTimeout: Limit for connecting; default 10 s.
    ///   - downloadTimeout: Limit for one whole file download; default 10 minutes.
    ///   - userAgent: The `User-Agent`; default ``defaultUserAgent``.
    ///   - environment: Where proxy and endpoint override variables are read; default the
    ///     process environment.
    ///   - credentialProvider: Gives each request's credentials when they expire; default
    ///     none (``credentials`` always).
    public init(
        endpoint: HSSEndpoint,
        projectID: String,
        credentials: HSSCredentials,
        enterpriseProjectID: String? = nil,
        region: String? = nil,
        caFile: String? = nil,
        insecure: Bool = false,
        requestTimeout: Duration = .seconds(30),
        connectTimeout: Duration = .seconds(10),
        downloadTimeout: Duration = HSSClientConfiguration.defaultDownloadTimeout,
        userAgent: String = HSSClientConfiguration.defaultUserAgent,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        credentialProvider: (any CredentialProvider)? = nil
    ) {
        self.credentialProvider = credentialProvider
        self.endpoint = endpoint
        self.projectID = projectID
        self.credentials = credentials
        self.enterpriseProjectID = enterpriseProjectID
        self.region = region
        self.caFile = caFile
        self.insecure = insecure
        self.requestTimeout = requestTimeout
        self.connectTimeout = connectTimeout
        self.downloadTimeout = downloadTimeout
        self.userAgent = userAgent
        self.environment = environment
    }

    /// The `region` header value: ``region``, else the endpoint's region id, else `nil`.
    public var effectiveRegion: String? {
        region ?? endpoint.regionID
    }

    /// The settings without secrets or the environment.
    public var description: String {
        var parts = [
            "endpoint: \(endpoint)",
            "projectID: \(projectID)",
            "credentials: \(credentials)",
        ]
        if let enterpriseProjectID { parts.append("enterpriseProjectID: \(enterpriseProjectID)") }
        if let region = effectiveRegion { parts.append("region: \(region)") }
        if let caFile { parts.append("caFile: \(caFile)") }
        if insecure { parts.append("insecure: true") }
        parts.append("requestTimeout: \(requestTimeout)")
        parts.append("connectTimeout: \(connectTimeout)")
        if downloadTimeout != Self.defaultDownloadTimeout { parts.append("downloadTimeout: \(downloadTimeout)") }
        parts.append("userAgent: \(userAgent)")
        return "HSSClientConfiguration(" + parts.joined(separator: ", ") + ")"
    }

    /// The settings for `dump` and debuggers, without the environment (which may hold
    /// secrets such as `HUAWEICLOUD_SDK_SK`).
    public var customMirror: Mirror {
        Mirror(
            self,
            children: [
                "endpoint": endpoint,
                "projectID": projectID,
                "credentials": credentials,
                "enterpriseProjectID": enterpriseProjectID as Any,
                "region": region as Any,
                "caFile": caFile as Any,
                "insecure": insecure,
                "requestTimeout": requestTimeout,
                "connectTimeout": connectTimeout,
                "downloadTimeout": downloadTimeout,
                "userAgent": userAgent,
            ], displayStyle: .struct)
    }
}
