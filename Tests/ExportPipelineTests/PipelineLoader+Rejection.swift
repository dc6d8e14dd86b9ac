import ExportPipeline
import Testing

extension PipelineLoader {
    /// The diagnostics of `yaml`, a file the test expects this loader to
    /// refuse: an issue is recorded when it loads, so a check of the
    /// diagnostics cannot pass on a file that was accepted.
    func diagnostics(
        ofRejected yaml: String, file: String = "p.yaml", baseDirectory: String = "/tmp", sourceLocation: SourceLocation = #_sourceLocation
    ) -> [String] {
        do {
            _ = try load(yaml: yaml, file: file, baseDirectory: baseDirectory)
            Issue.record("expected the file to be rejected", sourceLocation: sourceLocation)
            return []
        } catch {
            return error.diagnostics.map(\.description)
        }
    }
}
