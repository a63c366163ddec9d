import ArgumentParser

/// How a command's results are printed.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    /// Aligned columns for people.
    case table
    /// One JSON object per line (SwiftProtobuf's JSON mapping), for scripts.
    case json
}
