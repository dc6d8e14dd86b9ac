import Foundation
import NIOCore

/// The simulator could not listen on its address, in words: NIO's own error
/// (`bind(descriptor:ptr:bytes:): Address already in use) (errno: 98)`)
/// names a system call, not the address or what to do.
public struct SimulatorListenError: Error, CustomStringConvertible, Sendable, Equatable {
    /// Why the address could not be used.
    public enum Reason: Sendable, Equatable {
        /// Another socket listens on the port (`EADDRINUSE`).
        case addressInUse
        /// The address is not one of this machine's (`EADDRNOTAVAIL`).
        case addressNotAvailable
        /// Ports below 1024 need privileges (`EACCES`).
        case permissionDenied
        /// The host name does not resolve.
        case unknownHost
    }

    /// The address as configured.
    public var host: String
    /// The port as configured.
    public var port: Int
    /// What went wrong.
    public var reason: Reason

    /// Creates the error.
    public init(host: String, port: Int, reason: Reason) {
        self.host = host
        self.port = port
        self.reason = reason
    }

    /// The error for a server's start-up `error`, or nil when it is not a
    /// listening problem this type knows.
    public init?(_ error: any Error, host: String, port: Int) {
        if let error = error as? IOError {
            switch error.errnoCode {
            case EADDRINUSE: self.init(host: host, port: port, reason: .addressInUse)
            case EADDRNOTAVAIL: self.init(host: host, port: port, reason: .addressNotAvailable)
            case EACCES: self.init(host: host, port: port, reason: .permissionDenied)
            default: return nil
            }
            return
        }
        if error is SocketAddressError.UnknownHost {
            self.init(host: host, port: port, reason: .unknownHost)
            return
        }
        if case .unknown = error as? SocketAddressError {
            self.init(host: host, port: port, reason: .unknownHost)
            return
        }
        return nil
    }

    /// `HOST:PORT`, with brackets around an IPv6 literal.
    public var address: String {
        (host.contains(":") ? "[\(host)]" : host) + ":\(port)"
    }

    /// What is wrong, without the fix (callers name their own option).
    public var problem: String {
        switch reason {
        case .addressInUse: return "cannot listen on \(address): the port is in use"
        case .addressNotAvailable: return "cannot listen on \(address): \(host) is not an address of this machine"
        case .permissionDenied: return "cannot listen on \(address): ports below 1024 need root"
        case .unknownHost: return "cannot listen on \(address): the host name \(host) does not resolve"
        }
    }

    public var description: String {
        switch reason {
        case .addressInUse: return problem + "; use port 0 to pick a free one, or stop what listens there"
        case .addressNotAvailable, .unknownHost: return problem + "; use 127.0.0.1 (or another local address)"
        case .permissionDenied: return problem + "; use a port above 1023, or port 0 to pick a free one"
        }
    }
}
