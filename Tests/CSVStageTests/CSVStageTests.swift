import CSVStage
import ExportStageKit
import ExportStageTesting
import Foundation
import TestSupport
import Testing

@Suite("csv stage")
struct CSVStageTests {
    /// A harness that builds the stage from YAML options through the pipeline
    /// loader, resolving relative paths against `directory`.
    func harness(in directory: TemporaryDirectory) throws -> StageHarness<CSVStage> {
        try StageHarness(CSVStage.self, directory: directory.path)
    }

    /// Writes `results` with `options` (naming `path: out.csv`) into a fresh
    /// directory and returns the file's text.
    func write(_ results: [ExportResult], _ options: String = "path: out.csv") async throws -> String {
        try await withTemporaryDirectory { directory in
            try await harness(in: directory).run(options, results: results)
            return try directory.read("out.csv")
        }
    }

    /// The error the stage itself refuses `options` with, or `nil`, with an
    /// issue recorded, when they build or the loader refuses them first.
    func stageRefusal(
        _ options: String, in directory: TemporaryDirectory, sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> StageOptionError? {
        let harness = try harness(in: directory)
        let refusal = #expect(throws: StageHarnessError.self, sourceLocation: sourceLocation) {
            _ = try harness.build(options)
        }
        guard let refusal else { return nil }
        guard let error = refusal.stageError as? StageOptionError else {
            Issue.record("refused by the loader, not the stage: \(refusal)", sourceLocation: sourceLocation)
            return nil
        }
        return error
    }

    static let samples = [SampleResults.succeeded(), SampleResults.errored(), SampleResults.tricky()]

    @Test func writesGoldenHeaderAndRowsWithCRLF() async throws {
        let expected =
            "task_id,task_name,task_status,file_id,file_name,project_id,region,enterprise_project_id,outcome,error,polls,first_polled_at,finished_at,wait_seconds,run_id,export,download_path,download_bytes,download_sha256\r\n"
            + "task-1,vul export,success,file-task-1,task-1.zip,0a1b2c3d4e5f60718293a4b5c6d7e8f9,cn-north-4,0,succeeded,,3,2025-11-29T14:30:31.123Z,2025-11-29T14:30:33.623Z,2.5,run-1,,,,\r\n"
            + #"task-2,,,,,0a1b2c3d4e5f60718293a4b5c6d7e8f9,cn-north-4,,error,"{""code"":""HSS.1059"",""message"":""export task \""task-2\"" not found"",""request_id"":""req-42""}",1,2025-11-29T14:30:31.123Z,2025-11-29T14:30:31.323Z,0.2,run-1,,,,"#
            + "\r\n"
            + "task-3,\"'=cmd|' /C calc'!A0, \"\"quoted\"\"\nback\\slash, ünïcødé 漏洞\",failure,file-task-3,task-3.zip,0a1b2c3d4e5f60718293a4b5c6d7e8f9,cn-north-4,0,failed,,3,2025-11-29T14:30:31.123Z,2025-11-29T14:30:33.623Z,2.5,run-1,,,,\r\n"
        #expect(try await write(Self.samples) == expected)
    }

    @Test func writesSelectedColumnsInTheirOrder() async throws {
        let text = try await write(
            Self.samples,
            """
            path: out.csv
            columns: [outcome, task_id, polls, error]
            """)
        #expect(
            text == """
                outcome,task_id,polls,error\r
                succeeded,task-1,3,\r
                error,task-2,1,"{""code"":""HSS.1059"",""message"":""export task \\""task-2\\"" not found"",""request_id"":""req-42""}"\r
                failed,task-3,3,\r

                """)
    }

    @Test func writesLFLineEndingsAndOmitsTheHeader() async throws {
        let columns = "path: out.csv\ncolumns: [task_id, outcome]\n"
        #expect(
            try await write(Self.samples, columns + "line_ending: lf")
                == "task_id,outcome\ntask-1,succeeded\ntask-2,error\ntask-3,failed\n")
        #expect(
            try await write(Self.samples, columns + "header: false")
                == "task-1,succeeded\r\ntask-2,error\r\ntask-3,failed\r\n")
    }

    @Test func usesACustomDelimiterAndQuotesCellsHoldingIt() async throws {
        var record = SampleResults.succeeded(name: "a;b\tc,d")
        record.fileName = "plain,comma"
        let columns = "path: out.csv\ncolumns: [task_id, task_name, file_name, wait_seconds]\n"
        #expect(
            try await write([record], columns + #"delimiter: ";""#)
                == "task_id;task_name;file_name;wait_seconds\r\ntask-1;\"a;b\tc,d\";plain,comma;2.5\r\n")
        #expect(
            try await write([record], columns + #"delimiter: "\t""#)
                == "task_id\ttask_name\tfile_name\twait_seconds\r\ntask-1\t\"a;b\tc,d\"\tplain,comma\t2.5\r\n")
    }

    @Test func guardsFormulaCellsUnlessDisabled() async throws {
        let names = ["=1+2", "+1", "-1", "@SUM(A1)", "\tx", "\rx", "a=b", "'quoted"]
        let results = names.enumerated().map { SampleResults.succeeded(id: "t\($0.offset)", name: $0.element) }
        let options = """
            path: out.csv
            columns: [task_name, polls]
            header: false
            line_ending: lf
            """
        #expect(
            try await write(results, options) == """
                '=1+2,3
                '+1,3
                '-1,3
                '@SUM(A1),3
                '\tx,3
                "'\rx",3
                a=b,3
                'quoted,3

                """)
        #expect(
            try await write(results, options + "\nformula_guard: false") == """
                =1+2,3
                +1,3
                -1,3
                @SUM(A1),3
                \tx,3
                "\rx",3
                a=b,3
                'quoted,3

                """)
    }

    @Test func rejectsAnUnknownColumnNamingItAndTheValidOnes() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let valid =
            "valid columns: task_id, task_name, task_status, file_id, file_name, source, project_id, region, enterprise_project_id, outcome, error, polls, first_polled_at, finished_at, wait_seconds, run_id, export, download_path, download_bytes, download_sha256"
        let misspelt = try stageRefusal("path: out.csv\ncolumns: [task_id, task_nme]", in: directory)
        #expect(misspelt?.option == "columns")
        #expect(misspelt?.description == "option 'columns': unknown column 'task_nme'; did you mean 'task_name'? " + valid)
        let unrelated = try stageRefusal("path: out.csv\ncolumns: [severity]", in: directory)
        #expect(unrelated?.description == "option 'columns': unknown column 'severity'; " + valid)
    }

    @Test func rejectsUnusableColumnListsAndDelimiters() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let cases: [(option: String, yaml: String, message: String)] = [
            ("columns", "columns: []", "option 'columns': lists no column"),
            ("columns", "columns: [polls, polls]", "option 'columns': column 'polls' is listed twice; list each column once"),
            ("delimiter", #"delimiter: """#, "option 'delimiter': '' is 0 characters, not one"),
            ("delimiter", #"delimiter: "||""#, "option 'delimiter': '||' is 2 characters, not one"),
            ("delimiter", #"delimiter: "\"""#, "option 'delimiter': the delimiter cannot be '\"', the CSV quote character"),
            ("delimiter", #"delimiter: "\n""#, "option 'delimiter': the delimiter cannot be a line break"),
            ("delimiter", #"delimiter: "\r""#, "option 'delimiter': the delimiter cannot be a line break"),
        ]
        for testCase in cases {
            let error = try stageRefusal("path: out.csv\n" + testCase.yaml, in: directory)
            #expect(error?.option == testCase.option)
            #expect(error?.description.hasPrefix(testCase.message) == true, "\(testCase.yaml)")
        }
        // One character, even outside ASCII, is fine.
        _ = try harness(in: directory).build(#"path: out.csv\#ndelimiter: "§""#)
    }

    @Test func appendWritesTheHeaderOnceIntoANewFile() async throws {
        try await withTemporaryDirectory { directory in
            let harness = try harness(in: directory)
            let options = "path: out.csv\ncolumns: [task_id, outcome]\nmode: append"
            try await harness.run(options, results: [SampleResults.succeeded()])
            #expect(try directory.read("out.csv") == "task_id,outcome\r\ntask-1,succeeded\r\n")
            try await harness.run(options, results: [SampleResults.errored(), SampleResults.tricky()])
            #expect(try directory.read("out.csv") == "task_id,outcome\r\ntask-1,succeeded\r\ntask-2,error\r\ntask-3,failed\r\n")
        }
    }

    @Test func appendWritesTheHeaderIntoAnEmptyFile() async throws {
        try await withTemporaryDirectory { directory in
            try directory.write("", to: "out.csv")
            try await harness(in: directory).run("path: out.csv\ncolumns: [task_id]\nmode: append", results: [])
            #expect(try directory.read("out.csv") == "task_id\r\n")
        }
    }

    @Test(arguments: [
        "task_id,task_name\r\nx,y\r\n",  // other columns
        "outcome;task_id\r\nsucceeded;task-1\r\n",  // other delimiter
        "outcome,task_id\nsucceeded,task-1\n",  // other line ending
        "outcome,task_id,polls\r\n",  // a longer header
    ])
    func appendRefusesAFileWithADifferentHeader(existing: String) async throws {
        try await withTemporaryDirectory { directory in
            try directory.write(existing, to: "out.csv")
            let harness = try harness(in: directory)
            let stage = try harness.build("path: out.csv\ncolumns: [outcome, task_id]\nmode: append")
            let error = await #expect(throws: OutputFileError.self) {
                try await harness.run(stage, results: [SampleResults.succeeded()])
            }
            #expect(error?.message.hasPrefix("refusing to append: its ") == true, "\(String(describing: error))")
            #expect(try directory.read("out.csv") == existing)
        }
    }

    @Test func appendHeaderErrorsShowBothHeadersOrTheLineEnding() async throws {
        try await withTemporaryDirectory { directory in
            let harness = try harness(in: directory)
            let options = "path: out.csv\ncolumns: [outcome, task_id]\nmode: append"
            try directory.write("task_id,task_name\r\nx,y\r\n", to: "out.csv")
            let stage = try harness.build(options)
            let columns = await #expect(throws: OutputFileError.self) {
                try await harness.run(stage, results: [])
            }
            #expect(
                columns?.description == directory.file("out.csv")
                    + ": refusing to append: its header line 'task_id,task_name' differs from the one this stage writes, 'outcome,task_id'"
                    + " (fix: append with the same columns, delimiter and header as the file, write to a new path, or use mode: overwrite)")

            try directory.write("outcome,task_id\r\n", to: "out.csv")
            let lf = try harness.build(options + "\nline_ending: lf")
            let lineEnding = await #expect(throws: OutputFileError.self) {
                try await harness.run(lf, results: [])
            }
            #expect(
                lineEnding?.description == directory.file("out.csv")
                    + ": refusing to append: its lines end with CRLF but this stage writes LF"
                    + " (fix: set line_ending: crlf to match the file, write to a new path, or use mode: overwrite)")
            #expect(try directory.read("out.csv") == "outcome,task_id\r\n")
        }
    }

    @Test func appendRepairsATornLastLineAndATornHeaderStartsTheFileAfresh() async throws {
        try await withTemporaryDirectory { directory in
            try directory.write("task_id\r\ntask-1\r\ntask-", to: "out.csv")
            try directory.write("task_i", to: "header.csv")
            let harness = try harness(in: directory)
            try await harness.run("path: out.csv\ncolumns: [task_id]\nmode: append", results: [SampleResults.succeeded(id: "task-2")])
            #expect(try directory.read("out.csv") == "task_id\r\ntask-1\r\ntask-2\r\n")
            try await harness.run("path: header.csv\ncolumns: [task_id]\nmode: append", results: [SampleResults.succeeded(id: "task-3")])
            #expect(try directory.read("header.csv") == "task_id\r\ntask-3\r\n")
            let torn = try directory.entries().filter { $0.contains(".torn-") }.sorted()
            #expect(torn.count == 2)
            #expect(try directory.read(torn[0]) == "task_i")
            #expect(try directory.read(torn[1]) == "task-")
        }
    }

    @Test func overwriteIsAtomicAndPublishesTheArtifact() async throws {
        try await withTemporaryDirectory { directory in
            try directory.write("old,content\r\n", to: "out.csv")
            let harness = try harness(in: directory)
            let context = SampleResults.context()
            do {
                let stage = try harness.build("path: out.csv")
                for index in 0..<500 {
                    try await stage.receive(SampleResults.succeeded(id: "task-\(index)"), context: context)
                }
                #expect(try directory.read("out.csv") == "old,content\r\n")
            }
            #expect(try directory.read("out.csv") == "old,content\r\n")
            #expect(try directory.entries() == ["out.csv"])

            try await harness.run("path: out.csv\ncolumns: [task_id]", results: [SampleResults.succeeded()], context: context)
            #expect(try directory.read("out.csv") == "task_id\r\ntask-1\r\n")
            #expect(try directory.entries() == ["out.csv"])
            let digest = try FileDigest.ofFile(at: directory.file("out.csv"))
            #expect(digest.bytes == "task_id\r\ntask-1\r\n".utf8.count)
            #expect(context.artifacts == [Artifact(stage: "csv", path: directory.file("out.csv"), bytes: digest.bytes, sha256: digest.sha256)])
        }
    }

    /// Values a CSV writer gets wrong, and what a reader must see after the guard.
    static let trickyValues: [(raw: String, expected: String)] = [
        ("plain", "plain"),
        ("comma, inside", "comma, inside"),
        ("semi;colon and\ttab", "semi;colon and\ttab"),
        ("say \"hi\"", "say \"hi\""),
        ("\"", "\""),
        ("crlf\r\ninside", "crlf\r\ninside"),
        ("lf\ninside\n", "lf\ninside\n"),
        ("ünïcødé 漏洞 🔐", "ünïcødé 漏洞 🔐"),
        ("=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"),
        ("+1+2", "'+1+2"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("a=b", "a=b"),
        ("", ""),
    ]

    @Test(
        .enabled(if: ExternalTool.shouldRun("python3")),
        arguments: [(",", "crlf"), (";", "lf"), ("\t", "crlf")]
    )
    func pythonCSVReaderReadsBackEveryCell(delimiter: String, lineEnding: String) async throws {
        let python = try ExternalTool.require("python3", package: "python3")
        try await withTemporaryDirectory { directory in
            let results =
                Self.trickyValues.enumerated().map { index, value in
                    var result = SampleResults.succeeded(id: "t\(index)", name: value.raw)
                    result.fileName = value.raw
                    return result
                } + [SampleResults.errored()]
            try await harness(in: directory).run(
                """
                path: out.csv
                columns: [task_id, task_name, file_name, polls, wait_seconds, error]
                delimiter: \(quoted(delimiter))
                line_ending: \(lineEnding)
                """, results: results)

            let script =
                "import csv,sys,json\nwith open(sys.argv[1], newline='', encoding='utf-8') as f:\n"
                + "    json.dump(list(csv.reader(f, delimiter=sys.argv[2], strict=True)), sys.stdout)\n"
            let output = try await ProcessRunner.run(python, ["-c", script, directory.file("out.csv"), delimiter])
            #expect(output.status == 0, "\(output.standardError)")
            let rows = try #require(try JSONSerialization.jsonObject(with: Data(output.standardOutput.utf8)) as? [[String]])

            var expected: [[String]] = [["task_id", "task_name", "file_name", "polls", "wait_seconds", "error"]]
            for (index, value) in Self.trickyValues.enumerated() {
                expected.append(["t\(index)", value.expected, value.expected, "3", "2.5", ""])
            }
            expected.append([
                "task-2", "", "", "1", "0.2",
                #"{"code":"HSS.1059","message":"export task \"task-2\" not found","request_id":"req-42"}"#,
            ])
            #expect(rows.count == expected.count)
            for (row, expectedRow) in zip(rows, expected) {
                #expect(row == expectedRow)
            }
        }
    }

    /// Records with every field shape the byte encoder handles: nils,
    /// failures, numbers and times outside the usual range, and text with
    /// quotes, line breaks, formula starts and each delimiter tried below.
    static var edgeRecords: [ExportResult] {
        var records = samples
        let names = ["=1", "-x", "+", "@", "\tx", "\rx", "'", "a'b", "1,2", "x;y", "T:12.5", "§漏😀", "", "\"", "q\"\"", "_a_"]
        let waits: [Double] = [0, 0.0005, -3.5, 1e20, .nan, 123_456.789, 7]
        let times: [Double] = [0, -0.5, 1_764_426_631.123, -62_167_219_200.001, -95_617_584_000, 253_402_300_800]
        for (index, name) in names.enumerated() {
            var record = SampleResults.succeeded(id: "t-\(index)", name: name)
            record.fileName = index.isMultiple(of: 2) ? nil : name + ".zip"
            record.region = index.isMultiple(of: 3) ? nil : name
            record.polls = [0, -12, Int.max, 1][index % 4]
            record.waitSeconds = waits[index % waits.count]
            record.firstPolledAt = Date(timeIntervalSince1970: times[index % times.count])
            record.finishedAt = index.isMultiple(of: 5) ? nil : Date(timeIntervalSince1970: -times[index % times.count])
            if index.isMultiple(of: 4) {
                record.error = .init(code: name, message: "m \"\(name)\"\n", requestID: index.isMultiple(of: 8) ? nil : name)
            }
            records.append(record)
        }
        return records
    }

    /// The CSV text as the stage wrote it before the byte encoder: each value
    /// of `fields` as text, guarded and quoted with String operations.
    static func referenceCSV(_ results: [ExportResult], delimiter: Unicode.Scalar, lineEnding: String, formulaGuard: Bool) -> String {
        func quoted(_ text: String) -> String {
            guard text.unicodeScalars.contains(where: { $0 == delimiter || $0 == "\"" || $0 == "\r" || $0 == "\n" }) else { return text }
            return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        func cell(_ value: JSONValue) -> String {
            switch value {
            case .null: return ""
            case .string(let text):
                let starts: Set<Unicode.Scalar> = ["=", "+", "-", "@", "\t", "\r"]
                if formulaGuard, let first = text.unicodeScalars.first, starts.contains(first) { return quoted("'" + text) }
                return quoted(text)
            default: return quoted(value.serialized)
            }
        }
        let separator = String(delimiter)
        var text = ExportResult.fieldNames.map(quoted).joined(separator: separator) + lineEnding
        for result in results {
            text += result.fields.map { cell($0.value) }.joined(separator: separator) + lineEnding
        }
        return text
    }

    @Test(arguments: [",", ";", "\t", "'", "1", "-", ":", "T", ".", "_", "=", "§", "漏", "😀"])
    func rowsMatchTheStringReference(delimiter: String) async throws {
        let records = Self.edgeRecords
        let scalar = try #require(delimiter.unicodeScalars.first)
        for (lineEnding, formulaGuard) in [("crlf", true), ("lf", false)] {
            let text = try await write(
                records,
                """
                path: out.csv
                delimiter: \(quoted(delimiter))
                line_ending: \(lineEnding)
                formula_guard: \(formulaGuard)
                """)
            let expected = Self.referenceCSV(
                records, delimiter: scalar, lineEnding: lineEnding == "crlf" ? "\r\n" : "\n", formulaGuard: formulaGuard
            )
            #expect(text == expected, "delimiter \(delimiter.unicodeScalars.map(\.value)) \(lineEnding)")
        }
    }

    @Test func manyRowsCrossTheFlushThresholdUnchanged() async throws {
        let records = (0..<3_000).map { SampleResults.succeeded(id: "task-\($0)", name: "name \"\($0)\", =x") }
        let text = try await write(records)
        #expect(text == Self.referenceCSV(records, delimiter: ",", lineEnding: "\r\n", formulaGuard: true))
    }

    @Test func declaresItsOptions() {
        #expect(CSVStage.typeName == "csv")
        #expect(CSVStage.options.map(\.name) == ["path", "columns", "header", "delimiter", "line_ending", "mode", "formula_guard"])
        #expect(CSVStage.options.first { $0.name == "columns" }?.defaultValue == .stringList(ExportResult.fieldNames))
        #expect(CSVStage.options.first { $0.name == "line_ending" }?.defaultValue == .string("crlf"))
    }
}
