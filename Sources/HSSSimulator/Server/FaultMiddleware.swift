import ExportStageKit
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// Injects the scenario's fault rules (``SimulatorScenario/FaultRule``) into one route:
/// it counts the route's requests and, for a selected one, answers with the fault instead
/// of (or by altering) the route's answer. It runs after authentication and before the
/// rate limit, as a proxy in front of HSS would: a fault does not spend the budget.
struct FaultMiddleware: RouterMiddleware {
    typealias Context = SimulatorRequestContext
    typealias Mode = SimulatorScenario.FaultRule.Mode

    let state: SimulatorState
    let route: FaultRoute

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let (rule, number) = await state.fault(for: route) else {
            return try await next(request, context)
        }
        context.logger.info("fault injected", metadata: ["route": "\(route.rawValue)", "mode": "\(rule.mode.rawValue)", "request": "\(number)"])
        let channel = context.channel
        switch rule.mode {
        case .status500:
            throw HSSAPIError(status: 500, code: "HSS.1000", message: "Simulated HTTP 500 (the scenario's status_500 fault)")
        case .html502:
            return Self.page(502, FaultPages.badGateway)
        case .html200:
            return Self.page(200, FaultPages.portal)
        case .garbage200:
            return Response(
                status: .ok, headers: [.contentType: "application/json;charset=UTF-8"], body: .init(byteBuffer: ByteBuffer(bytes: FaultPages.garbage))
            )
        case .throttled, .throttledWithoutRetryAfter:
            let (seconds, attoseconds) = rule.retryAfter.components
            let retryAfter = rule.mode == .throttled ? Int(seconds) + (attoseconds > 0 ? 1 : 0) : nil
            throw HSSAPIError(
                status: 429, code: "APIG.0308", message: "The request is throttled (the scenario's \(rule.mode.rawValue) fault)",
                retryAfterSeconds: retryAfter)
        case .reset:
            // SO_LINGER 0: close() sends RST, not FIN, and the client gets no answer at all.
            if let options = channel as? any SocketOptionProvider {
                try? await options.setSoLinger(linger(l_onoff: 1, l_linger: 0)).get()
            }
            try? await channel.close().get()
            return Response(status: .ok)
        case .stall:
            let stillThere = try await Self.wait(rule.duration ?? SimulatorScenario.FaultRule.longestDelay, while: channel, stopping: state.stopping)
            guard stillThere else { return Response(status: .ok) }
            return try await next(request, context)
        case .slowDrip:
            let response = try await next(request, context)
            return Self.replacingBody(of: response, contentLength: response.body.contentLength) { original, writer in
                try await original.write(DrippingWriter(parent: writer, interval: rule.interval, channel: channel, stopping: state.stopping))
            }
        case .endlessDrip:
            return Response(
                status: .ok, headers: [.contentType: "application/json;charset=UTF-8"],
                body: ResponseBody { writer in
                    try await writer.write(ByteBuffer(string: "{"))
                    let started = ContinuousClock.now
                    while channel.isActive && !state.stopping.isRaised {
                        if let limit = rule.duration, ContinuousClock.now - started >= limit { break }
                        try await Task.sleep(for: rule.interval)
                        try await writer.write(ByteBuffer(string: " "))
                    }
                    // Never finished: the connection is closed with the body incomplete.
                    throw FaultCutOff(mode: .endlessDrip)
                })
        case .truncated:
            let response = try await next(request, context)
            guard let length = response.body.contentLength else { return response }
            return Self.replacingBody(of: response, contentLength: length) { original, writer in
                try await original.write(TruncatingWriter(parent: writer, limit: length / 2))
            }
        case .wrongTypes, .hugeBody:
            let response = try await next(request, context)
            guard response.status == .ok, response.body.contentLength.map({ $0 <= 1 << 20 }) ?? false else { return response }
            let collected = try await Self.collect(response.body)
            guard let document = JSONValue.parse(collected), case .object(var members) = document else { return response }
            if rule.mode == .wrongTypes {
                let (key, value): (String, JSONValue) = route == .create ? ("task_id", .bool(false)) : ("task_status", .integer(42))
                members.removeAll { $0.key == key }
                members.append((key: key, value: value))
                var altered = response
                altered.body = ResponseBody(byteBuffer: ByteBuffer(string: JSONValue.object(members).serialized(escapingLineSeparators: false)))
                return altered
            }
            return Self.padded(response, members: members, size: rule.size)
        }
    }

    /// An HTML page with `status`, as a proxy or portal sends it.
    static func page(_ status: Int, _ html: String) -> Response {
        Response(status: .init(code: status), headers: [.contentType: "text/html"], body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    /// `response` with its body written by `write`, given the original body.
    static func replacingBody(
        of response: Response, contentLength: Int?,
        _ write: @escaping @Sendable (ResponseBody, inout any ResponseBodyWriter) async throws -> Void
    ) -> Response {
        var altered = response
        let original = response.body
        altered.body = ResponseBody(contentLength: contentLength) { writer in
            try await write(original, &writer)
        }
        return altered
    }

    /// Waits `duration` in short steps; `false` as soon as the client has hung up (when the
    /// server notices) or the simulator stops.
    static func wait(_ duration: Duration, while channel: any Channel, stopping: StopSignal) async throws -> Bool {
        let end = ContinuousClock.now + duration
        while ContinuousClock.now < end {
            guard channel.isActive, !stopping.isRaised else { return false }
            try await Task.sleep(for: min(.milliseconds(20), end - ContinuousClock.now))
        }
        return channel.isActive
    }

    /// The bytes of a (small) body.
    static func collect(_ body: ResponseBody) async throws -> [UInt8] {
        let sink = CollectingWriter.Sink()
        try await body.write(CollectingWriter(sink: sink))
        return sink.bytes
    }

    /// The answer's object with a `padding` string member, streamed, `size` bytes in all
    /// (or just over, for a size smaller than the answer).
    static func padded(_ response: Response, members: [(key: String, value: JSONValue)], size: Int) -> Response {
        let base = JSONValue.object(members).serialized(escapingLineSeparators: false)
        let head = Array(base.utf8.dropLast()) + Array(#","padding":""#.utf8)
        let tail = Array(#""}"#.utf8)
        let padding = max(0, size - head.count - tail.count)
        var altered = response
        altered.body = ResponseBody(contentLength: head.count + padding + tail.count) { writer in
            try await writer.write(ByteBuffer(bytes: head))
            let chunk = ByteBuffer(repeating: UInt8(ascii: " "), count: 64 << 10)
            var left = padding
            while left > 0 {
                let count = min(left, chunk.readableBytes)
                try await writer.write(chunk.getSlice(at: 0, length: count) ?? chunk)
                left -= count
            }
            try await writer.write(ByteBuffer(bytes: tail))
            try await writer.finish(nil)
        }
        return altered
    }
}
