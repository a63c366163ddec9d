/// Where the effective value of an option comes from, highest precedence first.
public enum ConfigurationSource: Sendable, Hashable, CustomStringConvertible {
    /// A flag on the command line.
    case commandLine
    /// An environment variable, by name.
    case environment(String)
    /// A key of the configuration file, by path and line.
    case file(path: String, line: Int)
    /// The command's default.
    case defaultValue

    public var description: String {
        switch self {
        case .commandLine: "command line"
        case .environment(let variable): "environment \(variable)"
        case .file(let path, let line): "\(path):\(line)"
        case .defaultValue: "default"
        }
    }
}
