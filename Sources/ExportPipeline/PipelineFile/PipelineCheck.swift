/// Everything loading a pipeline file found, for `validate`: the pipeline
/// (when it could be built), its errors and its warnings.
public struct PipelineCheck: Sendable {
    /// The pipeline, or nil when errors (or, with
    /// ``PipelineLoader/allowsUnsetVariables``, a value that could not be
    /// checked) left it incomplete.
    public var pipeline: Pipeline?
    /// The problems that make the file unusable, in file order.
    public var errors: [PipelineDiagnostic]
    /// The problems that do not (``PipelineDiagnostic/Severity/warning``), in file order.
    public var warnings: [PipelineDiagnostic]
    /// The variables the file uses that the environment does not set (no
    /// default): with ``PipelineLoader/allowsUnsetVariables``, the values
    /// that hold them were not checked.
    public var unsetVariables: [String]
    /// Where those values are.
    public var unsetLocations: [PipelineDiagnostic.Location]

    /// Creates a result.
    public init(
        pipeline: Pipeline?, errors: [PipelineDiagnostic], warnings: [PipelineDiagnostic] = [], unsetVariables: [String] = [],
        unsetLocations: [PipelineDiagnostic.Location] = []
    ) {
        self.pipeline = pipeline
        self.errors = errors
        self.warnings = warnings
        self.unsetVariables = unsetVariables
        self.unsetLocations = unsetLocations
    }

    /// Whether the file can be used (warnings do not count).
    public var isValid: Bool { errors.isEmpty }

    /// Errors and warnings together, in file order (errors first on one spot).
    public var diagnostics: [PipelineDiagnostic] {
        (errors + warnings).enumerated().sorted { ($0.element.line, $0.element.column, $0.offset) < ($1.element.line, $1.element.column, $1.offset) }
            .map(\.element)
    }
}
