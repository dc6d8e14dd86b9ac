import Foundation
import TestSupport
import Testing

/// The manifests of `examples/kubernetes/`, checked without `kubectl` or a
/// cluster: they parse, they name only fields of the Kubernetes 1.31 API
/// (``KubernetesSchema``), their references resolve, the shard count agrees
/// everywhere, and the pipeline file in the ConfigMap passes `hss-export validate`.
///
/// The YAML is parsed by PyYAML (this test target has no YAML library; the
/// HSS SDK's `.venv` has PyYAML, as huaweicloudsdkcore needs it). Outside CI
/// the tests skip when no Python is found; in CI they fail.
@Suite(.enabled(if: ExternalTool.shouldRun("python3", extraDirectories: [PackagePaths.root + "/.venv/bin"])))
struct KubernetesManifestTests {
    static let directory = PackagePaths.root + "/examples/kubernetes"

    /// Pythons that may have PyYAML, best first: the SDK's, the package's `.venv`, the system's.
    static let pythonCandidates: [String] = {
        var candidates: [String] = []
        if let configured = ProcessInfo.processInfo.environment["HSS_SDK_PYTHON"] { candidates.append(configured) }
        candidates.append(PackagePaths.root + "/.venv/bin/python3")
        if let system = ExternalTool.path(of: "python3") { candidates.append(system) }
        return candidates.filter { FileManager.default.isExecutableFile(atPath: $0) }
    }()

    /// Turns YAML (files named as arguments, or standard input) into JSON:
    /// `{"FILE": [document, ...]}`, `"-"` for standard input. Duplicate keys
    /// and keys that are not strings are errors, as they are for `kubectl`.
    static let converter = """
        import json, sys, yaml
        class Strict(yaml.SafeLoader):
            pass
        def mapping(loader, node, deep=False):
            seen = set()
            for key_node, _ in node.value:
                key = loader.construct_object(key_node, deep=deep)
                if not isinstance(key, str):
                    raise yaml.MarkedYAMLError(problem='key %r is not a string' % (key,), problem_mark=key_node.start_mark)
                if key in seen:
                    raise yaml.MarkedYAMLError(problem='duplicate key %r' % (key,), problem_mark=key_node.start_mark)
                seen.add(key)
            return yaml.SafeLoader.construct_mapping(loader, node, deep)
        Strict.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, mapping)
        out = {}
        for name in sys.argv[1:] or ['-']:
            text = sys.stdin.read() if name == '-' else open(name, encoding='utf-8').read()
            try:
                out[name] = [d for d in yaml.load_all(text, Loader=Strict) if d is not None]
            except yaml.YAMLError as error:
                sys.exit('%s: %s' % (name, error))
        json.dump(out, sys.stdout, default=str)
        """

    /// One document of one file.
    struct Document: Sendable {
        var file: String
        var index: Int
        var value: KubernetesSchema.Value
        var location: String { "\(file)#\(index + 1)" }
        var kind: String? { value["kind"]?.string }
        var name: String? { value.at("metadata.name")?.string }
    }

    // MARK: - Loading

    static func python() async throws -> String {
        for candidate in pythonCandidates {
            let probe = try await ProcessRunner.run(candidate, ["-c", "import yaml"], timeout: .seconds(60))
            if probe.status == 0 { return candidate }
        }
        throw NoPyYAML(tried: pythonCandidates)
    }

    /// No Python that can `import yaml`.
    struct NoPyYAML: Error, CustomStringConvertible {
        var tried: [String]
        var description: String {
            "no python3 with PyYAML (tried \(tried.joined(separator: ", "))); install python3-yaml, or the SDK .venv of the README (`.ci/run` does)"
        }
    }

    /// Parses YAML files (or `text` when no file is given) into documents by file.
    static func parse(files: [String] = [], text: String? = nil) async throws -> [String: [KubernetesSchema.Value]] {
        let output = try await ProcessRunner.run(
            try await python(), ["-c", converter] + files, input: text.map { Data($0.utf8) }, timeout: .seconds(60))
        guard output.status == 0 else {
            Issue.record("YAML does not parse: \(output.standardError)")
            return [:]
        }
        return try JSONDecoder().decode([String: [KubernetesSchema.Value]].self, from: Data(output.standardOutput.utf8))
    }

    /// Every `*.yaml` and `*.yml` under examples/kubernetes, subdirectories included, by path relative to it.
    static func manifestFiles() throws -> [String] {
        let entries = FileManager.default.enumerator(atPath: directory)?.compactMap { $0 as? String } ?? []
        return entries.filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted()
    }

    static func documents() async throws -> [Document] {
        let files = try manifestFiles()
        let parsed = try await parse(files: files.map { directory + "/" + $0 })
        return files.flatMap { file in
            (parsed[directory + "/" + file] ?? []).enumerated().map { Document(file: file, index: $0.offset, value: $0.element) }
        }
    }

    // MARK: - The pod templates

    /// A pod template found in a CronJob, with its Job spec.
    struct Workload {
        var cronJob: Document
        var jobSpec: KubernetesSchema.Value
        var podSpec: KubernetesSchema.Value { jobSpec.at("template.spec") ?? .null }
        var containers: [KubernetesSchema.Value] { podSpec["containers"]?.list ?? [] }
        var volumes: [KubernetesSchema.Value] { podSpec["volumes"]?.list ?? [] }

        /// The literal `value` of env var `name` in the first container.
        func environment(_ name: String) -> String? {
            containers.first?["env"]?.list.first { $0["name"]?.string == name }?["value"]?.string
        }

        var arguments: [String] { containers.first?["args"]?.list.compactMap(\.string) ?? [] }

        /// The volume mounted at `mountPath` in the first container.
        func volume(mountedAt mountPath: String) -> KubernetesSchema.Value? {
            let mount = containers.first?["volumeMounts"]?.list.first { $0["mountPath"]?.string == mountPath }
            return volumes.first { $0["name"] == mount?["name"] }
        }

        /// Mount paths of the first container's PersistentVolumeClaim volumes.
        var claimMountPaths: [String] {
            (containers.first?["volumeMounts"]?.list ?? []).compactMap { mount in
                let volume = volumes.first { $0["name"] == mount["name"] }
                return volume?["persistentVolumeClaim"] == nil ? nil : mount["mountPath"]?.string
            }
        }
    }

    static func workloads(in documents: [Document]) -> [Workload] {
        documents.filter { $0.kind == "CronJob" }.compactMap { cronJob in
            cronJob.value.at("spec.jobTemplate.spec").map { Workload(cronJob: cronJob, jobSpec: $0) }
        }
    }

    /// The CronJob whose first container runs `hss-export COMMAND`.
    static func workload(running command: String, in documents: [Document]) throws -> Workload {
        try #require(workloads(in: documents).first { $0.arguments.first == command }, "no CronJob runs 'hss-export \(command)'")
    }

    /// The pipeline file text of the ConfigMap that holds `pipeline.yaml`.
    static func pipelineText(in documents: [Document]) throws -> (configMap: String, text: String) {
        let configMap = try #require(
            documents.first { $0.kind == "ConfigMap" && $0.value["data"]?["pipeline.yaml"] != nil }, "no ConfigMap holds pipeline.yaml")
        return (try #require(configMap.name), try #require(configMap.value["data"]?["pipeline.yaml"]?.string))
    }

    // MARK: - Tests

    @Test func everyManifestParsesAndNamesOnlyFieldsOfTheAPI() async throws {
        let documents = try await Self.documents()
        let kinds = documents.compactMap(\.kind).sorted()
        #expect(kinds == ["ConfigMap", "CronJob", "CronJob", "PersistentVolumeClaim", "PersistentVolumeClaim", "Secret"], "\(kinds)")
        var problems: [String] = []
        for document in documents {
            problems += KubernetesSchema.kubernetes131.problems(in: document.value, at: document.location)
            if let name = document.name, name.wholeMatch(of: /[a-z0-9]([-a-z0-9]*[a-z0-9])?/) == nil || name.count > 63 {
                problems.append("\(document.location): name '\(name)' is not a DNS label (lower case, digits, '-', at most 63)")
            }
            // The CronJob controller appends 11 characters to name its Jobs.
            if document.kind == "CronJob", let name = document.name, name.count > 52 {
                problems.append("\(document.location): a CronJob's name has at most 52 characters, '\(name)' has \(name.count)")
            }
        }
        #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
    }

    @Test func theExportIsAnIndexedJobAndTheShardCountAgreesEverywhere() async throws {
        let documents = try await Self.documents()
        let export = try Self.workload(running: "run", in: documents)
        let merge = try Self.workload(running: "merge", in: documents)
        let spec = export.jobSpec
        #expect(spec["completionMode"]?.string == "Indexed")
        let completions = try #require(spec["completions"]?.integer)
        #expect(completions > 1)
        #expect(spec["parallelism"]?.integer == completions, "every shard runs at once, so parallelism is completions")
        #expect(export.environment("JOB_COMPLETIONS") == String(completions), "JOB_COMPLETIONS is the shard count")
        #expect(export.environment("HSS_BUDGET_PERIOD") == "\(completions)m", "each shard gets 5 requests per COUNT minutes")
        #expect(export.arguments == ["run", "/etc/hss-export/pipeline.yaml"])
        #expect(merge.arguments == ["merge", "/etc/hss-export/pipeline.yaml", "--shards", String(completions)])
        #expect(try #require(spec["backoffLimitPerIndex"]?.integer) >= 0)
        #expect(spec["maxFailedIndexes"] == nil, "one failed shard must not stop the others")
        #expect(export.cronJob.value.at("spec.concurrencyPolicy")?.string == "Forbid")
        #expect(export.cronJob.value.at("spec.startingDeadlineSeconds")?.integer != nil)
        #expect(spec["ttlSecondsAfterFinished"]?.integer != nil)
        for workload in [export, merge] {
            #expect(workload.podSpec["restartPolicy"]?.string == "Never")
            #expect(workload.podSpec.at("securityContext.runAsNonRoot") == .bool(true))
            for container in workload.containers {
                #expect(container.at("securityContext.readOnlyRootFilesystem") == .bool(true))
                #expect(container.at("securityContext.allowPrivilegeEscalation") == .bool(false))
                #expect(container.at("resources.limits.memory") != nil && container.at("resources.requests.cpu") != nil)
            }
        }
        // The API's own rules for a pod failure policy, which only a server would check.
        if let rules = spec.at("podFailurePolicy.rules")?.list {
            #expect(spec["podReplacementPolicy"]?.string == "Failed", "a podFailurePolicy allows only podReplacementPolicy: Failed")
            let containerNames = export.containers.compactMap { $0["name"]?.string }
            for rule in rules {
                if rule["action"]?.string == "FailIndex" { #expect(spec["backoffLimitPerIndex"] != nil, "FailIndex needs backoffLimitPerIndex") }
                if let name = rule.at("onExitCodes.containerName")?.string { #expect(containerNames.contains(name)) }
                #expect(!(rule.at("onExitCodes.values")?.list.contains(.integer(0)) ?? false), "exit code 0 is not a failure")
            }
        }
        // The start of the merge comes after the export's last possible end.
        let startingDeadline = try #require(export.cronJob.value.at("spec.startingDeadlineSeconds")?.integer)
        let activeDeadline = try #require(spec["activeDeadlineSeconds"]?.integer)
        let exportStart = try Self.dailyMinute(export.cronJob.value.at("spec.schedule")?.string)
        let mergeStart = try Self.dailyMinute(merge.cronJob.value.at("spec.schedule")?.string)
        #expect(merge.cronJob.value.at("spec.timeZone") == export.cronJob.value.at("spec.timeZone"))
        #expect(exportStart * 60 + startingDeadline + activeDeadline < mergeStart * 60, "the merge must not read shards still writing")
    }

    @Test func everyReferenceResolvesAndEveryOutputIsOnAVolume() async throws {
        let documents = try await Self.documents()
        func names(_ kind: String) -> Set<String> { Set(documents.filter { $0.kind == kind }.compactMap(\.name)) }
        let (configMap, text) = try Self.pipelineText(in: documents)
        let pipeline = try #require(try await Self.parse(text: text)["-"]?.first)
        let stagePaths = pipeline["stages"]?.list.compactMap { $0["path"]?.string } ?? []
        #expect(stagePaths.count >= 3)
        for workload in Self.workloads(in: documents) {
            let location = workload.cronJob.location
            let volumeNames = Set(workload.volumes.compactMap { $0["name"]?.string })
            for volume in workload.volumes {
                if let name = volume.at("configMap.name")?.string { #expect(names("ConfigMap").contains(name), "\(location): \(name)") }
                if let claim = volume.at("persistentVolumeClaim.claimName")?.string {
                    #expect(names("PersistentVolumeClaim").contains(claim), "\(location): \(claim)")
                }
            }
            for container in workload.containers {
                for mount in container["volumeMounts"]?.list ?? [] {
                    #expect(volumeNames.contains(mount["name"]?.string ?? ""), "\(location): mount of an undeclared volume \(mount)")
                }
                let variables = (container["env"]?.list ?? []).compactMap { $0["name"]?.string }
                #expect(Set(variables).count == variables.count, "\(location): an env variable is set twice")
                for variable in container["env"]?.list ?? [] {
                    guard let reference = variable.at("valueFrom.secretKeyRef") else { continue }
                    let secret = try #require(documents.first { $0.kind == "Secret" && $0.name == reference["name"]?.string })
                    let key = try #require(reference["key"]?.string)
                    #expect(secret.value.at("stringData")?[key] != nil || secret.value.at("data")?[key] != nil, "\(location): \(key)")
                }
            }
            // The pipeline file is the ConfigMap's key, mounted where the command looks.
            let pipelineVolume = try #require(workload.volume(mountedAt: "/etc/hss-export"), "\(location)")
            #expect(pipelineVolume.at("configMap.name")?.string == configMap)
            // Outputs: stages do not create directories, so each output's directory is a claim's mount point.
            for path in stagePaths {
                let parent = (path as NSString).deletingLastPathComponent
                #expect(workload.claimMountPaths.contains(parent), "\(location): \(path) is not directly in a mounted volume")
            }
        }
        let export = try Self.workload(running: "run", in: documents)
        for variable in ["HSS_EXPORT_STATE_DIR", "HSS_EXPORT_BUDGET_DIR"] {
            let path = try #require(export.environment(variable), "\(variable) is not set")
            #expect(export.claimMountPaths.contains { path.hasPrefix($0 + "/") }, "\(variable)=\(path) is not on a volume")
        }
    }

    @Test func theEmbeddedPipelinePassesValidate() async throws {
        let documents = try await Self.documents()
        let (_, text) = try Self.pipelineText(in: documents)
        let export = try Self.workload(running: "run", in: documents)
        let completions = try #require(export.jobSpec["completions"]?.integer)
        let podVariables = (export.containers.first?["env"]?.list ?? []).compactMap { variable -> (String, String)? in
            guard let name = variable["name"]?.string, let value = variable["value"]?.string else { return nil }
            return (name, value)
        }
        try await withTemporaryDirectory { directory in
            try directory.write(text, to: "pipeline.yaml")
            var base = ProcessInfo.processInfo.environment
            for (name, _) in podVariables { base.removeValue(forKey: name) }
            for name in ["JOB_COMPLETION_INDEX", "JOB_COMPLETIONS"] { base.removeValue(forKey: name) }
            // As CI sees it (defaults only), then as each shard's pod does.
            var environments = [base]
            for index in 0..<completions {
                var pod = base.merging(podVariables) { _, pod in pod }
                pod["JOB_COMPLETION_INDEX"] = String(index)
                environments.append(pod)
            }
            for environment in environments {
                let output = try await ProcessRunner.run(
                    PackagePaths.binary, ["validate", directory.file("pipeline.yaml")], environment: environment, timeout: .seconds(60))
                #expect(output.status == 0, "JOB_COMPLETION_INDEX=\(environment["JOB_COMPLETION_INDEX"] ?? "-"): \(output.standardError)")
                #expect(output.standardOutput.contains("valid"), "\(output.standardOutput)")
            }
        }
    }

    /// A misspelling in a copy of a manifest, and what the check must say about it.
    struct Mutation: Sendable, CustomTestStringConvertible {
        var file: String
        var original: String
        var replacement: String
        var expected: String
        var testDescription: String { "\(file): \(original) -> \(replacement)" }
    }

    static let mutations = [
        Mutation(
            file: "export-cronjob.yaml", original: "backoffLimitPerIndex:", replacement: "backoffLimitPerindex:",
            expected: "unknown field 'backoffLimitPerindex' in JobSpec; did you mean 'backoffLimitPerIndex'?"),
        Mutation(
            file: "export-cronjob.yaml", original: "readOnlyRootFilesystem:", replacement: "readOnlyRootFileSystem:",
            expected: "unknown field 'readOnlyRootFileSystem' in SecurityContext; did you mean 'readOnlyRootFilesystem'?"),
        Mutation(
            file: "export-cronjob.yaml", original: "startingDeadlineSeconds:", replacement: "startingDeadlineSecond:",
            expected: "unknown field 'startingDeadlineSecond' in CronJobSpec"),
        Mutation(
            file: "export-cronjob.yaml", original: "jobTemplate:", replacement: "jobtemplate:",
            expected: "unknown field 'jobtemplate' in CronJobSpec; did you mean 'jobTemplate'?"),
        Mutation(
            file: "export-cronjob.yaml", original: "mountPath: /etc/hss-export", replacement: "mountpath: /etc/hss-export",
            expected: "VolumeMount needs 'mountPath'"),
        Mutation(
            file: "export-cronjob.yaml", original: "onExitCodes:", replacement: "onExitCode:",
            expected: "unknown field 'onExitCode' in PodFailurePolicyRule"),
        Mutation(
            file: "export-cronjob.yaml", original: "completionMode: Indexed", replacement: "completionMode: indexed",
            expected: "'indexed' is not one of NonIndexed, Indexed"),
        Mutation(
            file: "export-cronjob.yaml", original: "value: \"3\"", replacement: "value: 3",
            expected: "value: must be a string, not an integer"),
        Mutation(
            file: "export-cronjob.yaml", original: "claimName: hss-export-state", replacement: "claimname: hss-export-state",
            expected: "unknown field 'claimname' in PersistentVolumeClaimVolumeSource"),
        Mutation(
            file: "export-cronjob.yaml", original: "  restartPolicy: Never", replacement: "  restartPolicy: Never\n          livenessProbe: {}",
            expected: "unknown field 'livenessProbe' in PodSpec"),
        Mutation(
            file: "storage.yaml", original: "  storageClassName:", replacement: "  storageClass:",
            expected: "unknown field 'storageClass' in PersistentVolumeClaimSpec; did you mean 'storageClassName'?"),
        Mutation(
            file: "pipeline-configmap.yaml", original: "\ndata:", replacement: "\ndate:",
            expected: "unknown field 'date' in ConfigMap; did you mean 'data'?"),
        Mutation(
            file: "optional/credentials-secret.yaml", original: "stringData:", replacement: "stringdata:",
            expected: "unknown field 'stringdata' in Secret; did you mean 'stringData'?"),
    ]

    @Test(arguments: mutations)
    func theCheckRejectsAMisspelledCopy(_ mutation: Mutation) async throws {
        let text = try String(contentsOfFile: Self.directory + "/" + mutation.file, encoding: .utf8)
        let range = try #require(text.range(of: mutation.original), "the manifest no longer has '\(mutation.original)'; update the mutation")
        let pristine = try #require(try await Self.parse(text: text)["-"])
        let mutated = try #require(try await Self.parse(text: text.replacingCharacters(in: range, with: mutation.replacement))["-"])
        let schema = KubernetesSchema.kubernetes131
        #expect(pristine.flatMap { schema.problems(in: $0, at: mutation.file) } == [])
        let problems = mutated.flatMap { schema.problems(in: $0, at: mutation.file) }
        #expect(problems.contains { $0.contains(mutation.expected) }, "\(problems)")
    }

    @Test func duplicateKeysAndBrokenYAMLAreRejected() async throws {
        let output = try await ProcessRunner.run(
            try await Self.python(), ["-c", Self.converter], input: Data("a: 1\na: 2\n".utf8), timeout: .seconds(60))
        #expect(output.status != 0 && output.standardError.contains("duplicate key 'a'"), "\(output.standardError)")
    }

    /// The minute of the day of a daily schedule `M H * * *`.
    static func dailyMinute(_ schedule: String?) throws -> Int {
        let fields = try #require(schedule).split(separator: " ")
        try #require(fields.count == 5 && fields[2...] == ["*", "*", "*"], "not a daily schedule: \(schedule ?? "")")
        return try #require(Int(fields[1])) * 60 + (try #require(Int(fields[0])))
    }
}
