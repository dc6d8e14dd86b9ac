import Hummingbird
import Logging
import NIOCore

/// Per-request state passed from middleware to handlers.
struct SimulatorRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    /// The `X-Request-Id` of the response, fixed when the request arrives.
    var requestID: String
    /// Who is calling, once authenticated: `ak:<access key>`, `token#<n>` (the position
    /// of the token in the scenario, so the token itself never reaches logs or limiter keys),
    /// `iam:<domain>/<name>` (an IAM token) or `agency:<name>` (metadata-issued keys).
    var user: String?
    /// The client's address without the port, the key of the per-IP limits; `unknown` when
    /// the channel has none.
    let sourceIP: String
    /// The connection, for the faults that reset it or must notice the client hang up.
    let channel: any Channel

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
        sourceIP = source.channel.remoteAddress?.ipAddress ?? "unknown"
        requestID = RequestID.make()
        user = nil
        logger[metadataKey: "x_request_id"] = .string(requestID)
    }
}
