import ArgumentParser
import ExportPipeline
import HSSClient
import HSSSigning

extension RunSession {
    /// A client for `source`, credentials resolved from `environment`; a
    /// problem is exit 2, located in `pipeline` when there is one.
    func makeClient(for source: SourceSpec, pipeline: Pipeline? = nil, environment: [String: String]? = nil) throws(ArgumentParser.ExitCode)
        -> HSSClient
    {
        let environment = environment ?? self.environment
        do {
            let credentials = try HSSCredentials.resolve(source.auth, environment: environment)
            redactor.add(credentials.secrets)
            return try HSSClient(
                configuration: HSSClientConfiguration(source: source, credentials: credentials, environment: environment), logger: logger)
        } catch {
            if let pipeline, error is HSSConfigurationError {
                Console.writeStandardError(redactor.redact(Self.diagnostic(for: error, in: pipeline).description) + "\n")
                throw ArgumentParser.ExitCode(RunExitCode.usage)
            }
            throw failure(error, exitCode: .usage)
        }
    }
}
