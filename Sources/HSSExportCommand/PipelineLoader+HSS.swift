import ExportPipeline
import HSSClient

extension PipelineLoader {
    /// A loader that also applies the HSS client's rules to `source`, so a
    /// file `validate` accepts is one `run` can use.
    static func forHSS(environment: [String: String], isForRun: Bool) -> PipelineLoader {
        PipelineLoader(
            registry: CommandEnvironment.registry, environment: environment, isForRun: isForRun,
            sourceRules: { source in HSSSourceRules.problems(in: source, environment: environment) }
        )
    }
}

/// The client's endpoint rules, as pipeline-file problems.
enum HSSSourceRules {
    static func problems(in source: SourceSpec, environment: [String: String]) -> [SourceProblem] {
        var problems: [SourceProblem] = []
        let checks: [(key: String, endpoint: HSSEndpoint?)] = [
            ("region", source.region.map(HSSEndpoint.region)),
            ("endpoint", source.endpoint.map(HSSEndpoint.url)),
        ]
        for check in checks {
            guard let endpoint = check.endpoint else { continue }
            do {
                _ = try endpoint.resolve(environment: environment)
            } catch let error as HSSConfigurationError {
                problems.append(SourceProblem(key: check.key, message: "\(error.setting) '\(error.value)' \(error.problem)", fix: error.fix))
            } catch {
                problems.append(SourceProblem(key: check.key, message: "\(error)"))
            }
        }
        return problems
    }
}
