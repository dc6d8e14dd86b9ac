import Hummingbird

/// Throttles each authenticated user to the scenario's rate limit for one API (HSS counts
/// every API on its own): 429 `APIG.0308` with `Retry-After` in whole seconds.
struct RateLimitMiddleware: RouterMiddleware {
    typealias Context = SimulatorRequestContext

    let state: SimulatorState
    let api: SimulatorAPI
    let limit: SimulatorScenario.RateLimit

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        // Authentication runs first, so a missing user is a wiring bug; fail closed.
        guard let user = context.user else {
            throw HSSAPIError.unauthorized("no authenticated user")
        }
        if case .throttled(let seconds) = await state.admit(user: user, api: api) {
            throw HSSAPIError.throttled(retryAfterSeconds: seconds, limit: limit, api: api)
        }
        return try await next(request, context)
    }
}
