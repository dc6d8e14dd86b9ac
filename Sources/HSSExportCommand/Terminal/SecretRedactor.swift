import Foundation
import Synchronization

/// Replaces known secrets in text before it leaves the process.
///
/// Secrets are not supposed to reach log calls at all; this is the second
/// line of defence for the ones that slip into an error message or a
/// library's debug output.
final class SecretRedactor: Sendable {
    private let secrets = Mutex<[String]>([])

    /// Starts redacting `values` (empty and very short values are ignored:
    /// redacting "a" everywhere would garble every line).
    func add(_ values: [String]) {
        let usable = values.filter { $0.count >= 4 }
        secrets.withLock { $0.append(contentsOf: usable) }
    }

    /// `text` with every known secret replaced by `<redacted>`.
    func redact(_ text: String) -> String {
        let current = secrets.withLock { $0 }
        guard !current.isEmpty else { return text }
        var result = text
        for secret in current where result.contains(secret) {
            result = result.replacingOccurrences(of: secret, with: "<redacted>")
        }
        return result
    }
}
