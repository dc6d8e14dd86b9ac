import ExportPipeline

/// The service of a source with nothing to do in this run (the placeholder
/// source of a shard that kept none): no client is made for it, since
/// resolving its credentials could fail or cost a metadata or IAM request.
struct IdleStatusSource: TaskStatusSource {
    func status(of taskID: String) async throws -> TaskStatus {
        preconditionFailure("a source with no task was asked for task \(taskID)")
    }
}
