import HTTPTypes
import Hummingbird
import NIOCore

/// Thrown from a body writer to close the connection with the body incomplete.
struct FaultCutOff: Error, CustomStringConvertible {
    var mode: SimulatorScenario.FaultRule.Mode
    var description: String { "answer cut off by the scenario's \(mode.rawValue) fault" }
}

/// Writes a body one byte at a time, `interval` apart, while the client is connected.
struct DrippingWriter: ResponseBodyWriter {
    var parent: any ResponseBodyWriter
    let interval: Duration
    let channel: any Channel
    let stopping: StopSignal

    mutating func write(_ buffer: ByteBuffer) async throws {
        for byte in buffer.readableBytesView {
            guard channel.isActive, !stopping.isRaised else { throw FaultCutOff(mode: .slowDrip) }
            try await parent.write(ByteBuffer(bytes: [byte]))
            try await Task.sleep(for: interval)
        }
    }

    consuming func finish(_ trailingHeaders: HTTPFields?) async throws {
        try await parent.finish(trailingHeaders)
    }
}

/// Passes on the first `limit` bytes of a body, then closes the connection.
struct TruncatingWriter: ResponseBodyWriter {
    var parent: any ResponseBodyWriter
    let limit: Int
    var sent = 0

    mutating func write(_ buffer: ByteBuffer) async throws {
        let count = min(buffer.readableBytes, limit - sent)
        if count > 0, let slice = buffer.getSlice(at: buffer.readerIndex, length: count) {
            try await parent.write(slice)
            sent += count
        }
        if sent >= limit { throw FaultCutOff(mode: .truncated) }
    }

    consuming func finish(_ trailingHeaders: HTTPFields?) async throws {
        throw FaultCutOff(mode: .truncated)
    }
}

/// Collects a body's bytes into its sink.
struct CollectingWriter: ResponseBodyWriter {
    final class Sink: @unchecked Sendable {
        // Written by one body writer at a time, then read once it has finished.
        var bytes: [UInt8] = []
    }

    let sink: Sink

    mutating func write(_ buffer: ByteBuffer) async throws {
        sink.bytes += buffer.readableBytesView
    }

    consuming func finish(_ trailingHeaders: HTTPFields?) async throws {}
}
