/// The outcome of ``SignatureVerifier/verify(_:now:)``.
public enum VerificationResult: Sendable, Equatable, CustomStringConvertible {
    /// The signature is valid for this access key.
    case valid(accessKey: String)
    /// The request is not correctly signed; `reason` says why and what to fix. It never
    /// contains a secret key or the expected signature.
    case invalid(reason: String)

    /// Whether the signature was valid.
    public var isValid: Bool {
        if case .valid = self { return true }
        return false
    }

    /// `valid (AK)` or `invalid: reason`.
    public var description: String {
        switch self {
        case .valid(let accessKey): return "valid (\(accessKey))"
        case .invalid(let reason): return "invalid: \(reason)"
        }
    }
}
