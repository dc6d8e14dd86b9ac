import ExportStageKit
import Foundation
import Yams

extension PipelineReader {
    static let taskKeys = ["id", "name"]
    static let taskSourceKeys = ["file", "stdin"]

    mutating func readTasks(_ node: Node) -> [TaskSpec]? {
        var tasks: [(TaskSpec, Node)] = []
        switch node {
        case .sequence(let sequence):
            for item in sequence {
                if let task = readTask(item) { tasks.append((task, item)) }
            }
            if sequence.isEmpty {
                report(at: node, "'tasks' is an empty list", fix: "list at least one export task id")
                return nil
            }
        case .mapping:
            guard let entries = mapping(node, context: "'tasks'", allowed: Self.taskSourceKeys) else { return nil }
            if let fileNode = entries["file"], entries["stdin"] != nil {
                report(at: fileNode, "'tasks' sets both 'file' and 'stdin'", fix: "keep one of them")
                return nil
            }
            if let fileNode = entries["file"] {
                guard let path = string(fileNode, key: "file") else { return nil }
                let resolved = FilePath.resolve(path, against: baseDirectory)
                // Streamed with limits: the file may be huge, or a device.
                guard let list = TaskListReader.read(path: resolved, origin: "task file '\(path)'") else {
                    report(
                        at: fileNode, "cannot read the task file '\(resolved)'",
                        fix: "check the path (relative paths start at the pipeline file's directory)")
                    return nil
                }
                tasks = taskList(list, node: fileNode)
                if !list.problems.isEmpty { return nil }
            } else if let stdinNode = entries["stdin"] {
                guard let enabled = bool(stdinNode, key: "stdin") else { return nil }
                guard enabled else {
                    report(at: stdinNode, "'tasks.stdin' is false, so there are no tasks", fix: "set 'stdin: true' or list the tasks")
                    return nil
                }
                // validate does not consume stdin; the tasks are known at run time only.
                guard loader.isForRun else { return [] }
                let list = TaskListReader.read(text: loader.readStandardInput() ?? "", origin: "standard input")
                tasks = taskList(list, node: stdinNode)
                if !list.problems.isEmpty { return nil }
            } else {
                report(at: node, "'tasks' needs 'file' or 'stdin'", fix: "write 'file: tasks.txt', 'stdin: true', or a list of ids")
                return nil
            }
            if tasks.isEmpty {
                report(at: node, "no task ids found", fix: "put one export task id per line")
                return nil
            }
        default:
            report(at: node, "'tasks' must be a list of task ids (or 'file:' / 'stdin:'), not \(kindName(node))", fix: "write '- <task id>' lines")
            return nil
        }
        var seen: Set<String> = []
        for (task, taskNode) in tasks where !seen.insert(task.id).inserted {
            report(at: taskNode, "task '\(task.id)' is listed twice", fix: "remove the duplicate")
        }
        return tasks.map(\.0)
    }

    /// The ids of a task list, its problems reported at `node` (the
    /// `file:` or `stdin:` value), each naming its line in the list.
    mutating func taskList(_ list: TaskListReader, node: Node) -> [(TaskSpec, Node)] {
        for problem in list.problems {
            report(at: node, problem.message, fix: problem.fix)
        }
        return list.tasks.map { (TaskSpec(id: $0.id), node) }
    }

    mutating func readTask(_ node: Node) -> TaskSpec? {
        switch node {
        case .scalar:
            guard let id = string(node, key: "tasks[]") else { return nil }
            return validTask(TaskSpec(id: id), node: node)
        case .mapping:
            guard let entries = mapping(node, context: "a task", allowed: Self.taskKeys) else { return nil }
            guard let idNode = entries["id"] else {
                report(at: node, "a task needs an 'id'", fix: "write '- id: <export task id>'")
                return nil
            }
            let name = entries["name"].flatMap { string($0, key: "name") }
            guard let id = string(idNode, key: "id") else { return nil }
            return validTask(TaskSpec(id: id, name: name), node: idNode)
        default:
            report(at: node, "a task must be an id or a mapping with 'id', not \(kindName(node))", fix: "write '- <task id>' or '- id: <task id>'")
            return nil
        }
    }

    mutating func validTask(_ task: TaskSpec, node: Node) -> TaskSpec? {
        if let problem = Self.problem(withTaskID: task.id) {
            report(at: node, problem, fix: "HSS task ids are 1 to 64 printable characters")
            return nil
        }
        return task
    }

    static func problem(withTaskID id: String) -> String? {
        if id.isEmpty { return "task id is empty" }
        if id.count > 64 { return "task id '\(id.prefix(20))…' is \(id.count) characters, more than 64" }
        if id.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            return "task id contains control characters"
        }
        return nil
    }
}
