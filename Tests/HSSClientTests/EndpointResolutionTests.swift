import HSSClient
import HSSSigning
import Testing

@Suite struct EndpointResolutionTests {
    @Test func regionResolvesToTheHuaweiCloudHost() throws {
        let endpoint = try HSSEndpoint.region("cn-north-4").resolve(environment: [:])
        #expect(endpoint.baseURL == "https://hss.cn-north-4.myhuaweicloud.com")
        #expect(endpoint.authority == "hss.cn-north-4.myhuaweicloud.com")
        #expect(endpoint.port == 443)
        #expect(endpoint.usesTLS)
    }

    @Test func euWest101UsesTheEuropeanDomain() throws {
        let endpoint = try HSSEndpoint.region("eu-west-101").resolve(environment: [:])
        #expect(endpoint.baseURL == "https://hss.eu-west-101.myhuaweicloud.eu")
    }

    @Test func overrideVariableReplacesTheRegionEndpoint() throws {
        #expect(HSSEndpoint.overrideVariable(for: "cn-north-4") == "HUAWEICLOUD_SDK_REGION_HSS_CN_NORTH_4")
        let environment = ["HUAWEICLOUD_SDK_REGION_HSS_CN_NORTH_4": "http://127.0.0.1:8080,https://backup.example.com"]
        let endpoint = try HSSEndpoint.region("cn-north-4").resolve(environment: environment)
        #expect(endpoint.baseURL == "http://127.0.0.1:8080")
        #expect(endpoint.authority == "127.0.0.1:8080")
        #expect(!endpoint.usesTLS)

        let bare = try HSSEndpoint.region("ap-southeast-1")
            .resolve(environment: ["HUAWEICLOUD_SDK_REGION_HSS_AP_SOUTHEAST_1": "hss.internal.example.com"])
        #expect(bare.baseURL == "https://hss.internal.example.com")
        // Another region's variable does not apply.
        let other = try HSSEndpoint.region("cn-north-1").resolve(environment: environment)
        #expect(other.baseURL == "https://hss.cn-north-1.myhuaweicloud.com")
    }

    @Test func bareHostGetsHTTPS() throws {
        let endpoint = try HSSEndpoint.url("hss.cn-north-4.myhuaweicloud.com").resolve(environment: [:])
        #expect(endpoint.baseURL == "https://hss.cn-north-4.myhuaweicloud.com")
        let withPort = try HSSEndpoint.url("hss.example.com:8443").resolve(environment: [:])
        #expect(withPort.baseURL == "https://hss.example.com:8443")
        #expect(withPort.port == 8443)
    }

    @Test func httpURLIsKeptWithItsPort() throws {
        let endpoint = try HSSEndpoint.url("http://127.0.0.1:8080").resolve(environment: [:])
        #expect(endpoint.baseURL == "http://127.0.0.1:8080")
        #expect(endpoint.host == "127.0.0.1")
        #expect(endpoint.port == 8080)
        let trailingSlash = try HSSEndpoint.url("https://hss.example.com/").resolve(environment: [:])
        #expect(trailingSlash.baseURL == "https://hss.example.com")
        #expect(trailingSlash.port == 443)
    }

    @Test(arguments: [
        ("", "endpoint '' is empty"),
        ("ftp://hss.example.com", "endpoint 'ftp://hss.example.com' uses the scheme 'ftp'"),
        ("https://", "endpoint 'https://' has no host"),
        ("https://hss.example.com/v5/project", "endpoint 'https://hss.example.com/v5/project' has the path '/v5/project'"),
        ("https://user:pw@hss.example.com", "endpoint 'https://***@hss.example.com' has user information (user:***@)"),
        ("not a url", "endpoint 'not a url' is not a URL"),
        ("https://hss.example.com?x=1", "endpoint 'https://hss.example.com?x=1' has a query or fragment"),
    ])
    func garbageURLsAreRejectedWithTheValueAndAFix(input: String, expectedStart: String) throws {
        let error = try #require(throws: HSSConfigurationError.self) {
            try HSSEndpoint.url(input).resolve(environment: [:])
        }
        #expect(error.description.hasPrefix(expectedStart), "\(error)")
        #expect(error.description.contains("; "))
    }

    @Test(arguments: ["CN-NORTH-4", "cn north 4", "cn-north-", "north", "4-cn", ""])
    func malformedRegionsAreRejected(region: String) throws {
        let error = try #require(throws: HSSConfigurationError.self) {
            try HSSEndpoint.region(region).resolve(environment: [:])
        }
        #expect(
            error.description
                == "region '\(region)' is not a region id; use a Huawei Cloud region id such as cn-north-4 or ap-southeast-1, or give an endpoint URL instead"
        )
    }

    @Test func regionHeaderDefaultsToTheEndpointRegion() {
        let fromRegion = HSSClientConfiguration(endpoint: .region("cn-north-4"), projectID: "p", credentials: .token("t"))
        #expect(fromRegion.effectiveRegion == "cn-north-4")
        let explicit = HSSClientConfiguration(endpoint: .region("cn-north-4"), projectID: "p", credentials: .token("t"), region: "cn-north-1")
        #expect(explicit.effectiveRegion == "cn-north-1")
        let fromURL = HSSClientConfiguration(endpoint: .url("http://127.0.0.1:1"), projectID: "p", credentials: .token("t"))
        #expect(fromURL.effectiveRegion == nil)
    }
}
