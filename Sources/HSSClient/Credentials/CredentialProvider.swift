public import HSSSigning

/// Where a client gets the credentials it signs with, at the moment it sends.
///
/// Static credentials (a token, an AK/SK) never change; ECS agency keys and
/// password tokens expire and are fetched again. A provider never returns
/// credentials that expire within the asked validity, so no request is signed
/// with keys that end while it is on the wire.
public protocol CredentialProvider: Sendable {
    /// Credentials valid for at least `validity` from now (or as long as the
    /// source's lifetime allows; see ``ECSMetadataCredentialProvider``).
    func credentials(validFor validity: Duration) async throws -> HSSCredentials
    /// HSS refused `rejected` with 401: fetch new ones when the source can.
    /// Returns whether a following ``credentials(validFor:)`` gives different ones.
    func refresh(after rejected: HSSCredentials) async throws -> Bool
}

/// Credentials that never change: a token or a permanent (or given temporary) AK/SK.
public struct StaticCredentialProvider: CredentialProvider {
    /// The credentials every request uses.
    public let value: HSSCredentials

    /// Wraps `value`.
    public init(_ value: HSSCredentials) { self.value = value }

    /// ``value``.
    public func credentials(validFor validity: Duration) async throws -> HSSCredentials { value }

    /// `false`: there is nothing to refresh.
    public func refresh(after rejected: HSSCredentials) async throws -> Bool { false }
}
