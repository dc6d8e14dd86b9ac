import ExportStageKit

extension SimulatorScenario {
    /// How tasks created through the create routes behave: their status script, names and
    /// the archive their download serves. Every key is optional; a per-kind template
    /// (`export_templates`) overrides the general one (`export_template`) key by key, and
    /// unset keys take the defaults below.
    public struct ExportTemplate: Codable, Sendable, Equatable {
        /// The answers to successive polls of a created task; default running for 2 polls,
        /// then success.
        public var script: [ScriptStep]?
        /// `file_name`, verbatim apart from the placeholders `{n}` (the creation's number,
        /// from 1), `{task_id}`, `{kind}` and `{suffix}` (8 hex digits unique to the task);
        /// default `hss-<kind word>-<category>-zh-{suffix}.zip`, as HSS names them.
        public var fileName: String?
        /// `task_name`, with the same placeholders; default `<kind> export {n}`.
        public var taskName: String?
        /// The `record_total_num` of the create answer; default the archive's data rows.
        public var recordTotalNum: Int?
        /// The downloaded zip; default two CSV entries of 25 rows.
        public var archive: Archive?

        /// The script of a created task when no template sets one.
        public static let defaultScript: [ScriptStep] = [.init(.status("running"), length: .polls(2)), .init(.status("success"))]

        /// Creates a template; every value is optional.
        /// - Parameters:
        ///   - script: The status script.
        ///   - fileName: The `file_name` pattern.
        ///   - taskName: The `task_name` pattern.
        ///   - recordTotalNum: The `record_total_num` of the create answer.
        ///   - archive: The downloaded zip.
        public init(
            script: [ScriptStep]? = nil, fileName: String? = nil, taskName: String? = nil, recordTotalNum: Int? = nil, archive: Archive? = nil
        ) {
            self.script = script
            self.fileName = fileName
            self.taskName = taskName
            self.recordTotalNum = recordTotalNum
            self.archive = archive
        }

        /// This template with every unset key taken from `base`.
        public func over(_ base: ExportTemplate?) -> ExportTemplate {
            guard let base else { return self }
            return ExportTemplate(
                script: script ?? base.script,
                fileName: fileName ?? base.fileName,
                taskName: taskName ?? base.taskName,
                recordTotalNum: recordTotalNum ?? base.recordTotalNum,
                archive: archive ?? base.archive
            )
        }

        /// Decodes scenario YAML, rejecting unknown keys and invalid values with their key path.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: ScenarioKey.self)
            try container.rejectUnknownKeys(allowed: ["script", "file_name", "task_name", "record_total_num", "archive"])
            script = try container.decodeIfPresent([ScriptStep].self, forKey: "script")
            if script?.isEmpty == true {
                throw container.invalid("script", "must have at least one step, e.g. '- {status: success}'")
            }
            fileName = try container.decodeIfPresent(String.self, forKey: "file_name")
            if fileName?.isEmpty == true {
                throw container.invalid("file_name", "must not be empty (HSS names are 1 to 255 characters; longer ones test clients)")
            }
            taskName = try container.decodeIfPresent(String.self, forKey: "task_name")
            recordTotalNum = try container.decodeIfPresent(Int.self, forKey: "record_total_num")
            if let recordTotalNum, recordTotalNum < 0 {
                throw container.invalid("record_total_num", "must not be negative, not \(recordTotalNum)")
            }
            archive = try container.decodeIfPresent(Archive.self, forKey: "archive")
        }

        /// Encodes with the scenario file's keys, so the output loads again.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: ScenarioKey.self)
            try container.encodeIfPresent(script, forKey: "script")
            try container.encodeIfPresent(fileName, forKey: "file_name")
            try container.encodeIfPresent(taskName, forKey: "task_name")
            try container.encodeIfPresent(recordTotalNum, forKey: "record_total_num")
            try container.encodeIfPresent(archive, forKey: "archive")
        }
    }
}
