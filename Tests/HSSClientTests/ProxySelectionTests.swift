import HSSClient
import Testing

@Suite struct ProxySelectionTests {
    let https = ResolvedEndpoint(scheme: "https", host: "hss.cn-north-4.myhuaweicloud.com", port: 443, authority: "hss.cn-north-4.myhuaweicloud.com")
    let http = ResolvedEndpoint(scheme: "http", host: "hss.internal", port: 8080, authority: "hss.internal:8080")

    @Test func httpsEndpointUsesHTTPSProxy() throws {
        let proxy = try HTTPProxySetting.select(for: https, environment: ["HTTPS_PROXY": "http://proxy.corp:3128", "HTTP_PROXY": "http://other:1"])
        #expect(proxy == HTTPProxySetting(host: "proxy.corp", port: 3128, variable: "HTTPS_PROXY"))
    }

    @Test func lowerCaseVariableWinsAndSchemeIsOptional() throws {
        let proxy = try HTTPProxySetting.select(for: https, environment: ["HTTPS_PROXY": "http://upper:1", "https_proxy": "lower.corp:8080"])
        #expect(proxy == HTTPProxySetting(host: "lower.corp", port: 8080, variable: "https_proxy"))
    }

    @Test func httpEndpointUsesHTTPProxyOnly() throws {
        #expect(try HTTPProxySetting.select(for: http, environment: ["HTTPS_PROXY": "http://proxy.corp:3128"]) == nil)
        let proxy = try HTTPProxySetting.select(for: http, environment: ["HTTP_PROXY": "http://proxy.corp:3128"])
        #expect(proxy?.host == "proxy.corp")
    }

    @Test func noVariableMeansDirect() throws {
        #expect(try HTTPProxySetting.select(for: https, environment: [:]) == nil)
        #expect(try HTTPProxySetting.select(for: https, environment: ["HTTPS_PROXY": "  "]) == nil)
    }

    @Test func credentialsInTheProxyURLBecomeBasicAuthAndAreHidden() throws {
        let proxy = try #require(try HTTPProxySetting.select(for: https, environment: ["HTTPS_PROXY": "http://alice:s3cret@proxy.corp:3128"]))
        #expect(proxy.username == "alice")
        #expect(proxy.password == "s3cret")
        #expect(proxy.description == "http://alice:<redacted>@proxy.corp:3128 (from HTTPS_PROXY)")
    }

    @Test(arguments: [
        "myhuaweicloud.com",
        ".myhuaweicloud.com",
        "localhost, hss.cn-north-4.myhuaweicloud.com",
        "*",
        "example.org,*.myhuaweicloud.com",
        "hss.cn-north-4.myhuaweicloud.com:443",
        "MyHuaweiCloud.COM",
    ])
    func noProxyMatchBypassesTheProxy(noProxy: String) throws {
        let environment = ["HTTPS_PROXY": "http://proxy.corp:3128", "NO_PROXY": noProxy]
        #expect(try HTTPProxySetting.select(for: https, environment: environment) == nil)
    }

    @Test(arguments: [
        "example.org",
        "huaweicloud.com.evil",
        "cloud.com",
        "north-4.myhuaweicloud.com.cn",
        "hss.cn-north-4.myhuaweicloud.com:8443",
        "",
    ])
    func noProxyNonMatchKeepsTheProxy(noProxy: String) throws {
        let environment = ["HTTPS_PROXY": "http://proxy.corp:3128", "no_proxy": noProxy]
        #expect(try HTTPProxySetting.select(for: https, environment: environment)?.host == "proxy.corp")
    }

    @Test func suffixMatchIsOnLabelBoundaries() throws {
        // "cloud.com" must not match "myhuaweicloud.com": only whole labels count.
        let environment = ["HTTPS_PROXY": "http://proxy.corp:3128", "NO_PROXY": "huaweicloud.com"]
        #expect(try HTTPProxySetting.select(for: https, environment: environment) != nil)
    }

    @Test func unsupportedProxySchemeIsAConfigurationErrorWithoutThePassword() throws {
        let error = try #require(throws: HSSConfigurationError.self) {
            try HTTPProxySetting.select(for: https, environment: ["HTTPS_PROXY": "socks5://bob:hunter2@proxy:1080"])
        }
        #expect(!error.description.contains("hunter2"))
        #expect(
            error.description
                == "HTTPS_PROXY 'socks5://bob:<redacted>@proxy:1080' uses the scheme 'socks5', which is not supported; use an http:// proxy (HTTPS traffic still goes through it encrypted, via CONNECT)"
        )
    }

    @Test(arguments: ["127.0.0.1", "127.8.9.10", "localhost", "::1", "[::1]"])
    func loopbackIsNeverProxied(host: String) throws {
        let loopback = ResolvedEndpoint(scheme: "http", host: host, port: 8080, authority: "\(host):8080")
        #expect(try HTTPProxySetting.select(for: loopback, environment: ["HTTP_PROXY": "http://proxy.corp:3128"]) == nil)
    }

    @Test func aHostThatOnlyLooksLikeLoopbackIsProxied() throws {
        let lookalike = ResolvedEndpoint(scheme: "https", host: "127.0.0.1.example.com", port: 443, authority: "127.0.0.1.example.com")
        #expect(try HTTPProxySetting.select(for: lookalike, environment: ["HTTPS_PROXY": "http://proxy.corp:3128"])?.host == "proxy.corp")
    }
}
