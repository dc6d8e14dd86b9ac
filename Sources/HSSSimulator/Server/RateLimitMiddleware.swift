import Hummingbird

/// Throttles each authenticated user, and each source IP when the scenario limits them, to
/// the scenario's rate limits for one API (HSS counts every API on its own): 429
/// `APIG.0308` with `Retry-After` in whole seconds.
struct RateLimitMiddleware: RouterMiddleware {
    typealias Context = SimulatorRequestContext

    let state: SimulatorState
    let api: SimulatorAPI
    let limit: SimulatorScenario.RateLimit
    let ipLimit: SimulatorScenario.RateLimit?

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        // Authentication runs first, so a missing user is a wiring bug; fail closed.
        guard let user = context.user else {
            throw HSSAPIError.unauthorized("no authenticated user")
        }
        if let refusal = await state.admit(user: user, ip: context.sourceIP, api: api) {
            let limit = refusal.byUser ? limit : (ipLimit ?? limit)
            throw HSSAPIError.throttled(retryAfterSeconds: refusal.retryAfterSeconds, limit: limit, api: api, bySourceIP: !refusal.byUser)
        }
        return try await next(request, context)
    }
}
