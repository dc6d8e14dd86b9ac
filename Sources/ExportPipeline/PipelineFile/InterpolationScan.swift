import Yams

/// What the loader learns from every scalar of a file before reading it:
/// the `$NAME` written without braces (a warning: it stays literal) and,
/// for `validate --no-environment`, where the unset variables are.
///
/// It looks at the YAML tree, not at what the reader makes of it, so every
/// value is covered, stage options included, whatever reads them.
struct InterpolationScan {
    /// A scalar that refers to variables `environment` does not set.
    struct Unset: Equatable {
        var names: [String]
        var location: PipelineDiagnostic.Location
    }

    let file: String
    let environment: [String: String]
    private(set) var warnings: [PipelineDiagnostic] = []
    private(set) var unset: [Unset] = []

    init(file: String, environment: [String: String]) {
        self.file = file
        self.environment = environment
    }

    /// Scans `root` and everything under it.
    mutating func scan(_ root: Node) {
        visit(root, path: [])
    }

    private mutating func visit(_ node: Node, path: [String]) {
        switch node {
        case .scalar(let scalar):
            check(scalar, node: node, path: path)
        case .mapping(let mapping):
            for (key, value) in mapping { visit(value, path: path + [key.scalar?.string ?? "?"]) }
        case .sequence(let sequence):
            for item in sequence { visit(item, path: path + ["[]"]) }
        case .alias:
            break
        }
    }

    /// The `auth` keys whose value is a secret (not `access_key`, an id,
    /// nor the `*_file` keys, paths).
    static let secretKeys: Set<String> = ["token", "secret_key", "security_token", "password"]

    private mutating func check(_ scalar: Node.Scalar, node: Node, path: [String]) {
        let location = PipelineDiagnostic.Location(line: node.mark?.line ?? 0, column: node.mark?.column ?? 0)
        checkLiteralSecret(scalar, location: location, path: path)
        guard scalar.string.contains("$") else { return }
        let names = Interpolation.unsetVariables(in: scalar.string, environment: environment)
        if !names.isEmpty { unset.append(Unset(names: names, location: location)) }
        // An exec stage's command is for a program (often a shell) that
        // expands `$NAME` itself.
        if path.count >= 3, path[0] == "stages", path[2] == "command" { return }
        let unbraced = Interpolation.unbracedReferences(in: scalar.string)
        guard let first = unbraced.first else { return }
        let key = path.last { $0 != "[]" } ?? "the value"
        // A secret may hold a `$`: what follows it is not shown.
        let isSecret = path.contains("auth") || path.contains("password")
        if !isSecret, Interpolation.isShowable(first) {
            warnings.append(
                PipelineDiagnostic(
                    file: file, at: location,
                    message: "'$\(first)' in '\(key)' is not interpolated (only ${\(first)} is), so the value keeps '$\(first)' literally",
                    fix: "write ${\(first)} or ${\(first):-default}; write $$ for a literal $", severity: .warning))
        } else {
            warnings.append(
                PipelineDiagnostic(
                    file: file, at: location,
                    message: "'\(key)' has a '$' followed by a name, which is not interpolated (only ${NAME} is), so it stays literal",
                    fix: "write ${NAME} or ${NAME:-default}; write $$ for a literal $", severity: .warning))
        }
    }

    /// A secret written into the file: it works, but anyone who can read
    /// the file (or its history) has it. The warning never shows the value.
    private mutating func checkLiteralSecret(_ scalar: Node.Scalar, location: PipelineDiagnostic.Location, path: [String]) {
        guard let key = path.last, Self.secretKeys.contains(key), let authIndex = path.lastIndex(of: "auth") else { return }
        // `auth.token` and the like, or the password of `auth.password`.
        let below = path[(authIndex + 1)...]
        guard below.count == 1 || (below.count == 2 && below.first == "password") else { return }
        let text = scalar.string
        guard !text.isEmpty, !text.contains("${"), !(scalar.style == .plain && ["~", "null", "Null", "NULL"].contains(text)) else { return }
        let forms: String
        switch key {
        case "token": forms = "'token: ${HSS_AUTH_TOKEN}', 'token_file: PATH'"
        case "secret_key": forms = "'secret_key: ${HUAWEICLOUD_SDK_SK}', 'secret_key_file: PATH'"
        case "security_token": forms = "'security_token: ${HUAWEICLOUD_SDK_SECURITY_TOKEN}'"
        default: forms = "'password: ${HSS_IAM_PASSWORD}', 'password_file: PATH'"
        }
        warnings.append(
            PipelineDiagnostic(
                file: file, at: location,
                message: "'\(key)' is a secret written literally in the file: anyone who can read the file, a backup or its version history has it",
                fix: "write \(forms), or remove 'auth' to use the credential chain (see docs/credentials.md)", severity: .warning))
    }
}
