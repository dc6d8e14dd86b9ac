// A libFuzzer target over the two loaders that read files a user (or an
// attacker with write access to a config directory) controls: the pipeline
// loader and the simulator's scenario loader. Every input goes through both.
//
// A crash, a trap, a leak of the process into an endless loop, or a rejection
// that is not located (line 0) is a finding; scripts/fuzz.sh builds and runs
// this. Built only when ENABLE_HSS_EXPORT_FUZZ is set (see Package.swift).
import CSVStage
import ExecStage
import ExportPipeline
import ExportStageKit
import Foundation
import GzipManifestStage
import HSSSimulator
import JSONLinesStage
import PrometheusTextfileStage

private let loader = PipelineLoader(
    registry: StageRegistry([JSONLinesStage.self, CSVStage.self, PrometheusTextfileStage.self, GzipManifestStage.self, ExecStage.self]),
    environment: ["HSS_TOKEN": "fuzz-token", "HOME": "/nonexistent", "OUT": "out"],
    isForRun: false,
    readStandardInput: { "" }
)

private let baseDirectory = FileManager.default.temporaryDirectory.path

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = start.map { Array(UnsafeBufferPointer(start: $0, count: count)) } ?? []
    // The loaders take text; the pipeline loader's own UTF-8 check is
    // exercised through a file by the tests, here invalid bytes become U+FFFD.
    let text = String(decoding: bytes, as: UTF8.self)
    do {
        _ = try loader.load(yaml: text, file: "fuzz.pipeline.yaml", baseDirectory: baseDirectory)
    } catch {
        for diagnostic in error.diagnostics where diagnostic.line < 1 || diagnostic.column < 1 {
            fatalError("unlocated pipeline diagnostic: \(diagnostic.description)")
        }
    }
    do {
        _ = try SimulatorScenario(yaml: text, sourceName: "fuzz.scenario.yaml")
    } catch let error as SimulatorScenarioError {
        if error.line.map({ $0 < 1 }) ?? false {
            fatalError("scenario error at line < 1: \(error.description)")
        }
    } catch {
        fatalError("scenario loader threw something other than SimulatorScenarioError: \(error)")
    }
    return 0
}
