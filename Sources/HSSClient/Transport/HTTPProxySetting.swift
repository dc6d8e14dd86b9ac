/// The HTTP proxy requests go through, chosen from `HTTPS_PROXY` / `HTTP_PROXY` and
/// `NO_PROXY` as curl and the SDK's `requests` library do.
public struct HTTPProxySetting: Sendable, Equatable, CustomStringConvertible {
    /// The proxy host.
    public var host: String
    /// The proxy port (default 1080 for a proxy URL without one, as curl does).
    public var port: Int
    /// The user name from the proxy URL, for `Proxy-Authorization: Basic`.
    public var username: String?
    /// The password from the proxy URL. Never shown in `description`.
    public var password: String?
    /// The environment variable the proxy came from, for messages.
    public var variable: String

    /// Creates a proxy setting.
    public init(host: String, port: Int, username: String? = nil, password: String? = nil, variable: String) {
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.variable = variable
    }

    /// `http://user:<redacted>@proxy:3128 (from HTTPS_PROXY)`.
    public var description: String {
        var userinfo = ""
        if let username {
            userinfo = username + (password == nil ? "" : ":<redacted>") + "@"
        }
        return "http://\(userinfo)\(host):\(port) (from \(variable))"
    }
}
