/// One entry of a daemon's configuration schema: a long option or flag of its command, settable the same way
/// from the command line, the environment and the configuration file.
public struct ConfigurationOption: Sendable, Hashable {
    /// Whether the option takes a value or is a flag.
    public enum Kind: Sendable, Hashable {
        /// `--name value`.
        case option
        /// `--name`; a boolean in the file and the environment.
        case flag
    }

    /// The long name without the dashes, e.g. `max-running-jobs`: the file's key.
    public let name: String
    /// Whether it takes a value.
    public let kind: Kind
    /// Whether it may be given more than once (a list in the file, comma-separated in the environment).
    public let isRepeating: Bool
    /// The default as the help shows it, or nil when it has none.
    public let defaultValue: String?
    /// The option's help text.
    public let abstract: String
    /// For a flag declared with an inversion (`--x/--no-x`), the inverted name (`no-x`), which is how false is
    /// given; nil for a plain flag, whose false is its absence.
    public let inversion: String?

    public init(
        name: String, kind: Kind, isRepeating: Bool, defaultValue: String?, abstract: String, inversion: String? = nil
    ) {
        self.name = name
        self.kind = kind
        self.isRepeating = isRepeating
        self.defaultValue = defaultValue
        self.abstract = abstract
        self.inversion = inversion
    }

    /// The command-line spelling, `--name`.
    public var flag: String { "--" + self.name }

    /// The environment variable that sets it: `prefix` + the name in upper case with underscores.
    public func environmentVariable(prefix: String) -> String {
        prefix + self.name.uppercased().replacingOccurrences(of: "-", with: "_")
    }
}
