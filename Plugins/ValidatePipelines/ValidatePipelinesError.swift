/// Why the plugin failed, with what to do about it.
enum ValidatePipelinesError: Error, CustomStringConvertible {
    /// An argument names nothing that exists.
    case noSuchPath(String, tried: [String])
    /// The search found no pipeline file.
    case noPipelineFiles(searched: [String])
    /// `hss-export` could not be started.
    case cannotRunTool(String, any Error)
    /// `hss-export validate` failed without reporting a located problem.
    case toolFailed(status: Int32)
    /// Some files have problems (already reported above the summary).
    case invalidFiles(Int, of: Int)

    var description: String {
        switch self {
        case .noSuchPath(let argument, let tried):
            return
                "no such file or directory '\(argument)' (looked at \(tried.joined(separator: " and "))); pass a pipeline file or a directory holding *.pipeline.yaml files"
        case .noPipelineFiles(let searched):
            return
                "no *.pipeline.yaml or *.pipeline.yml files found in \(searched.joined(separator: ", ")) (searched recursively, skipping .build*, hidden directories and nested packages); name the files or directories to check"
        case .cannotRunTool(let path, let error):
            return "cannot run hss-export at \(path): \(error); try 'swift build --product hss-export' to see why it does not build"
        case .toolFailed(let status):
            return "hss-export validate exited with status \(status) without reporting a problem; run it by hand to see why"
        case .invalidFiles(let invalid, let total):
            return "\(invalid) of \(total) pipeline file\(total == 1 ? "" : "s") invalid; fix the errors above"
        }
    }
}
