import Hummingbird
import Logging

/// Per-request state passed from middleware to handlers.
struct SimulatorRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    /// The `X-Request-Id` of the response, fixed when the request arrives.
    var requestID: String
    /// Who is calling, once authenticated: `ak:<access key>` or `token#<n>` (the position
    /// of the token in the scenario, so the token itself never reaches logs or limiter keys).
    var user: String?

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        requestID = RequestID.make()
        user = nil
        logger[metadataKey: "x_request_id"] = .string(requestID)
    }
}
