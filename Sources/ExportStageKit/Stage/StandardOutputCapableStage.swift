/// A stage that can write its output to standard output: its `path` option
/// accepts `-` (read with ``StageOptions/outputTarget(_:for:)``).
///
/// The conformance is the declaration the loader reads to say which stage
/// types can write stdout when another is given `path: -`; a conforming
/// stage returns `true` from ``ExportStage/writesStandardOutput`` when it
/// was given `-`. The built-in ones are `jsonl` and `csv`.
public protocol StandardOutputCapableStage: ExportStage {}
