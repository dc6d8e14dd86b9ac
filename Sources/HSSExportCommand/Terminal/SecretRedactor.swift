import ExportPipeline
import Foundation
import Synchronization

/// Replaces known secrets in text before it leaves the process.
///
/// Secrets are not supposed to reach log calls at all; this is the second
/// line of defence for the ones that slip into an error message, a value the
/// server echoed, or a library's trace output. Each secret is found in every
/// form a line could hold it (verbatim, percent-encoded, JSON-escaped, hex
/// in either case and in part at the ends of a hex dump, base64): see
/// ``ResultSanitizer``, which does the matching.
final class SecretRedactor: Sendable {
    /// What replaces a secret on stderr and stdout.
    static let replacement = "<redacted>"

    /// The environment variables hss-export reads credentials from, whose
    /// values are secrets (the access key id is not).
    static let secretVariableNames = ["HSS_AUTH_TOKEN", "HUAWEICLOUD_SDK_SK", "HUAWEICLOUD_SDK_SECURITY_TOKEN"]

    private struct State: Sendable {
        var secrets: [String] = []
        var sanitizer = ResultSanitizer(secrets: [], replacement: SecretRedactor.replacement)
    }

    private let state = Mutex(State())

    /// Starts redacting `values` (values shorter than
    /// ``ResultSanitizer/minimumSecretLength`` are ignored: redacting "a"
    /// everywhere would garble every line).
    func add(_ values: [String]) {
        let usable = values.filter { $0.unicodeScalars.count >= ResultSanitizer.minimumSecretLength }
        guard !usable.isEmpty else { return }
        state.withLock { state in
            let new = usable.filter { !state.secrets.contains($0) }
            guard !new.isEmpty else { return }
            state.secrets += new
            state.sanitizer = ResultSanitizer(secrets: state.secrets, replacement: Self.replacement)
        }
    }

    /// Starts redacting the credentials `environment` holds
    /// (``secretVariableNames``), so a diagnostic printed before the
    /// credentials are resolved (a pipeline file that interpolates the token
    /// into the wrong key) cannot show them either.
    func add(environment: [String: String]) {
        add(Self.secretVariableNames.compactMap { environment[$0] })
    }

    /// Every secret known so far, e.g. for the ``ResultSanitizer`` of a run.
    var secrets: [String] {
        state.withLock { $0.secrets }
    }

    /// `text` with every known secret, in every form, replaced by `<redacted>`.
    func redact(_ text: String) -> String {
        let sanitizer = state.withLock { $0.sanitizer }
        guard sanitizer.redactsSecrets else { return text }
        return sanitizer.redact(text)
    }
}
