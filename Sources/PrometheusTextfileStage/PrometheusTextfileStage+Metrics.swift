import ExportStageKit
import Foundation

extension PrometheusTextfileStage {
    /// Writes every family: per-task ones first (in pipeline-file order), then
    /// the run-level ones. A family with no sample is left out entirely.
    func write(to file: AtomicFileWriter, summary: RunSummary, lastSuccess: Double?) throws {
        let prefix = configuration.prefix
        var text = ExpositionText()

        if configuration.perTask && !tasks.isEmpty {
            // A state set: one series per outcome, so `== 1` selects tasks by
            // outcome and the series never disappear when the outcome changes.
            let outcomeName = prefix + "_task_outcome"
            text.family(outcomeName, help: "Outcome of each task in the last run: 1 for the task's outcome, 0 for the others.")
            for task in tasks {
                for outcome in TaskOutcome.allCases {
                    let labels = ExpositionText.joinLabels(task.identityLabels, ExpositionText.label("outcome", outcome.rawValue))
                    text.sample(outcomeName, labels: labels, value: outcome == task.outcome ? "1" : "0")
                }
                try text.flush(to: file)
            }

            let infoName = prefix + "_task_info"
            text.family(infoName, help: "Status and exported file HSS reported for each task in the last run; always 1.")
            for task in tasks {
                text.sample(infoName, labels: task.infoLabels, value: "1")
                try text.flush(to: file)
            }

            let waitName = prefix + "_task_wait_seconds"
            text.family(waitName, help: "Seconds from the first status request for each task to the end of its wait, in the last run.")
            for task in tasks {
                text.sample(waitName, labels: task.identityLabels, value: ExpositionText.seconds(task.waitSeconds))
                try text.flush(to: file)
            }

            let pollsName = prefix + "_task_polls"
            text.family(pollsName, help: "Status requests sent for each task in the last run.")
            for task in tasks {
                text.sample(pollsName, labels: task.identityLabels, value: String(task.polls))
                try text.flush(to: file)
            }
        }

        let tasksName = prefix + "_tasks"
        text.family(tasksName, help: "Tasks of the last run, by outcome.")
        for outcome in TaskOutcome.allCases {
            let labels = ExpositionText.joinLabels(constantLabels, ExpositionText.label("outcome", outcome.rawValue))
            text.sample(tasksName, labels: labels, value: String(summary.count(of: outcome)))
        }

        if !sourceTotals.isEmpty {
            let sourceTasksName = prefix + "_source_tasks"
            text.family(sourceTasksName, help: "Tasks of the last run, by source and outcome.")
            for (source, outcomes) in sourceTotals {
                for outcome in TaskOutcome.allCases {
                    let labels = ExpositionText.joinLabels(
                        constantLabels, ExpositionText.label("source", source), ExpositionText.label("outcome", outcome.rawValue))
                    text.sample(sourceTasksName, labels: labels, value: String(outcomes[outcome] ?? 0))
                }
            }
        }

        let durationName = prefix + "_run_duration_seconds"
        text.family(durationName, help: "Seconds from the start of the last run's polling to the end of its last task.")
        text.sample(durationName, labels: constantLabels, value: ExpositionText.seconds(summary.durationSeconds))

        let endName = prefix + "_run_end_timestamp_seconds"
        text.family(endName, help: "Unix time at which the last run ended.")
        text.sample(endName, labels: constantLabels, value: ExpositionText.seconds(summary.finishedAt.timeIntervalSince1970))

        if let lastSuccess {
            let successName = configuration.lastSuccessMetric
            text.family(successName, help: "Unix time at which the latest run with at least one succeeded task ended.")
            text.sample(successName, labels: constantLabels, value: ExpositionText.seconds(lastSuccess))
        }

        try text.flush(to: file, force: true)
    }
}
