extension StageOptions {
    /// Reads an output-path option as a stage writes it: `-` as standard
    /// output (only for a ``StandardOutputCapableStage``), anything else
    /// resolved to an absolute path that is checked with
    /// ``ReplaceableOutput``: it must be missing or a regular file.
    ///
    /// - Returns: `nil` when the option is absent.
    /// - Throws: ``StageOptionError`` of `name`, which the loader reports at
    ///   the option's line: `-` for a stage that cannot write standard
    ///   output, or an existing path that is a directory, a FIFO, a socket, a
    ///   device or a symbolic link.
    public func outputTarget(_ name: String = "path", for stage: any ExportStage.Type) throws(StageOptionError) -> OutputTarget? {
        let writesStandardOutput = stage is any StandardOutputCapableStage.Type
        if case .string(ReplaceableOutput.standardOutputPath)? = value(name) {
            guard writesStandardOutput else {
                throw StageOptionError(
                    option: name, message: "'-' means standard output, which stage '\(stage.typeName)' cannot write",
                    fix: "give the path of a regular file")
            }
            return .standardOutput
        }
        guard let path = string(name) else { return nil }
        try ReplaceableOutput.checkOption(name, path: path, suggestsStandardOutput: writesStandardOutput)
        return .file(path)
    }
}
