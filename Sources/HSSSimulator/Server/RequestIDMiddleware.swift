import HTTPTypes
import Hummingbird
import Logging

/// The outermost middleware: answers control requests (``SimulatorControlRoute``), counts
/// the request, applies the scenario latency, turns every error into an HSS error body, and
/// stamps `X-Request-Id` on every response.
struct RequestIDMiddleware: RouterMiddleware {
    typealias Context = SimulatorRequestContext

    let state: SimulatorState
    let latency: Duration?

    static let requestIDHeader = HTTPField.Name("X-Request-Id")!

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        // Control requests (statistics for harnesses) are not HSS requests: not counted, not delayed.
        if var control = await SimulatorControlRoute.response(to: request, state: state) {
            control.headers[Self.requestIDHeader] = context.requestID
            return control
        }
        await state.recordRequest()
        if let latency, latency > .zero {
            try await Task.sleep(for: latency)
        }
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as HSSAPIError {
            response = error.response()
        } catch let error as HTTPError where error.status == .notFound {
            response = HSSAPIError.apiNotFound(method: request.method.rawValue, path: request.uri.path).response()
        } catch let error as HTTPError {
            response = HSSAPIError(status: error.status.code, code: "HSS.1001", message: error.body ?? error.status.reasonPhrase).response()
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            context.logger.error("request failed", metadata: ["error": "\(error)"])
            response = HSSAPIError.internalError().response()
        }
        if response.status.code == 401 {
            await state.recordUnauthorized()
        }
        response.headers[Self.requestIDHeader] = context.requestID
        context.logger.debug("\(request.method) \(request.uri.path) -> \(response.status.code)")
        return response
    }
}
