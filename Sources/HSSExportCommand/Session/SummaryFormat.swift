import ArgumentParser

/// `run --summary`: how the end-of-run summary is printed.
enum SummaryFormat: String, CaseIterable, Sendable, ExpressibleByArgument {
    /// Lines for people (stdout, or stderr when a stage writes stdout).
    case text
    /// One JSON document on stdout (``RunReport/summaryJSON(pipelineFile:shard:hasStages:)``).
    case json
}
