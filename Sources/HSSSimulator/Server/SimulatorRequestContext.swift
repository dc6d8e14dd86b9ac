import Hummingbird
import Logging
import NIOCore

/// Per-request state passed from middleware to handlers.
struct SimulatorRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    /// The `X-Request-Id` of the response, fixed when the request arrives.
    var requestID: String
    /// Who is calling, once authenticated: `ak:<access key>` or `token#<n>` (the position
    /// of the token in the scenario, so the token itself never reaches logs or limiter keys).
    var user: String?
    /// The connection, for the faults that reset it or must notice the client hang up.
    let channel: any Channel

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
        requestID = RequestID.make()
        user = nil
        logger[metadataKey: "x_request_id"] = .string(requestID)
    }
}
