import Hummingbird

/// Throttles each authenticated user to the scenario's rate limit: 429 `APIG.0308` with
/// `Retry-After` in whole seconds.
struct RateLimitMiddleware: RouterMiddleware {
    typealias Context = SimulatorRequestContext

    let state: SimulatorState
    let limit: SimulatorScenario.RateLimit

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        // Authentication runs first, so a missing user is a wiring bug; fail closed.
        guard let user = context.user else {
            throw HSSAPIError.unauthorized("no authenticated user")
        }
        if case .throttled(let seconds) = await state.admit(user: user) {
            throw HSSAPIError.throttled(retryAfterSeconds: seconds, limit: limit)
        }
        return try await next(request, context)
    }
}
