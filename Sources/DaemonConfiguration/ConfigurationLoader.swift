import Foundation

/// Turns the environment and a configuration file into command-line arguments, so that one parser and one
/// `validate()` see every value, whatever its source.
///
/// Precedence: flags on the command line > `PREFIX_<OPTION_NAME>` environment variables > keys of the file named
/// by `--config` (or `PREFIX_CONFIG`) > the command's defaults. An option given on the command line takes none of
/// its values from the environment or the file (a repeating option's list is replaced, not extended).
public struct ConfigurationLoader: Sendable {
    /// The daemon's options.
    public let schema: ConfigurationSchema
    /// Prefix of the environment variables, e.g. `PLANNING_RPCD_`.
    public let environmentPrefix: String
    /// The option that names the configuration file, e.g. `config`; never a key of the file itself.
    public let fileOption: String
    /// Options that only the command line may set (e.g. `print-config`).
    public let commandLineOnly: Set<String>

    public init(
        schema: ConfigurationSchema, environmentPrefix: String, fileOption: String = "config",
        commandLineOnly: Set<String> = []
    ) {
        self.schema = schema
        self.environmentPrefix = environmentPrefix
        self.fileOption = fileOption
        self.commandLineOnly = commandLineOnly
    }

    /// Resolves every option from `commandLine` (the arguments after the program name), `environment` and the
    /// file, which `readFile` reads (the file system when nil).
    /// - Throws: ``ConfigurationError`` naming the variable, or the file, line and key, that is unknown or malformed.
    public func resolve(
        commandLine: [String], environment: [String: String],
        readFile: ((String) throws -> String)? = nil
    ) throws(ConfigurationError) -> ResolvedConfiguration {
        let readFile = readFile ?? { try String(contentsOfFile: $0, encoding: .utf8) }
        let given = self.scan(commandLine)
        let fromEnvironment = try self.environmentValues(environment)
        let path = given[self.fileOption]?.last ?? fromEnvironment[self.fileOption]?.values.last
        var file: ConfigurationFile?
        if let path, self.schema[self.fileOption] != nil {
            let text: String
            do {
                text = try readFile(path)
            } catch {
                throw ConfigurationError("cannot read the configuration file \(path): \(error.localizedDescription)")
            }
            var forbidden = [self.fileOption: "a configuration file cannot name another"]
            for name in self.commandLineOnly { forbidden[name] = "only the command line may set it" }
            file = try ConfigurationFile(path: path, text: text, schema: self.schema, forbidden: forbidden)
        }
        let fromFile = Dictionary(
            (file?.entries ?? []).map { ($0.option.name, $0) }, uniquingKeysWith: { first, _ in first })

        var entries: [ResolvedConfiguration.Entry] = []
        var arguments: [String] = []
        for option in self.schema.options {
            let entry: ResolvedConfiguration.Entry
            if let values = given[option.name] {
                entry = .init(option: option, values: values, source: .commandLine)
            } else if let (variable, values) = fromEnvironment[option.name] {
                entry = .init(option: option, values: values, source: .environment(variable))
            } else if let fileEntry = fromFile[option.name], let file {
                let source = ConfigurationSource.file(path: file.path, line: fileEntry.line)
                entry = .init(option: option, values: fileEntry.values, source: source)
            } else {
                entry = .init(option: option, values: option.defaultValue.map { [$0] } ?? [], source: .defaultValue)
            }
            entries.append(entry)
            switch entry.source {
            case .environment, .file: arguments += Self.arguments(for: entry)
            case .commandLine, .defaultValue: break  // the command line is appended as is; defaults are the parser's
            }
        }
        return ResolvedConfiguration(arguments: arguments + commandLine, entries: entries)
    }

    /// The arguments that give `entry`'s values to the parser. `--name=value` keeps a value that starts with a
    /// dash a value.
    private static func arguments(for entry: ResolvedConfiguration.Entry) -> [String] {
        switch entry.option.kind {
        case .flag:
            if entry.values.last == "true" {
                [entry.option.flag]
            } else {
                entry.option.inversion.map { ["--" + $0] } ?? []
            }
        case .option: entry.values.map { "\(entry.option.flag)=\($0)" }
        }
    }

    /// The options given on the command line, with their values (`"true"` for a flag), in order.
    func scan(_ commandLine: [String]) -> [String: [String]] {
        var given: [String: [String]] = [:]
        var index = 0
        while index < commandLine.count {
            let argument = commandLine[index]
            index += 1
            if argument == "--" { break }
            guard argument.hasPrefix("--") else { continue }
            let body = argument.dropFirst(2)
            let name = String(body.prefix(while: { $0 != "=" }))
            if let flag = self.schema.inverted(name) {
                given[flag.name, default: []].append("false")
                continue
            }
            guard let option = self.schema[name] else { continue }
            switch option.kind {
            case .flag:
                given[name, default: []].append("true")
            case .option:
                if let equals = body.firstIndex(of: "=") {
                    given[name, default: []].append(String(body[body.index(after: equals)...]))
                } else if index < commandLine.count {
                    given[name, default: []].append(commandLine[index])
                    index += 1
                }
            }
        }
        return given
    }

    /// The options set by `PREFIX_*` variables, with the variable's name.
    /// - Throws: for a variable with the prefix that names no option, or a flag that is not a boolean.
    func environmentValues(_ environment: [String: String]) throws(ConfigurationError)
        -> [String: (variable: String, values: [String])]
    {
        var values: [String: (variable: String, values: [String])] = [:]
        let ours = environment.filter { $0.key.hasPrefix(self.environmentPrefix) }.sorted { $0.key < $1.key }
        for (variable, value) in ours {
            let name = variable.dropFirst(self.environmentPrefix.count).lowercased()
                .replacingOccurrences(of: "_", with: "-")
            guard let option = self.schema[name], !self.commandLineOnly.contains(name) else {
                throw ConfigurationError(
                    "unknown environment variable \(variable): no option --\(name); variables \(environmentPrefix)* "
                        + "set the long options of --help")
            }
            switch option.kind {
            case .flag:
                guard let flag = Self.parseBool(value) else {
                    throw ConfigurationError(
                        "environment variable \(variable) is a flag: its value must be true or false")
                }
                values[name] = (variable, [flag ? "true" : "false"])
            case .option:
                // A repeating option takes a comma-separated list; any other takes the value as is.
                let list = option.isRepeating ? value.split(separator: ",").map(String.init) : [value]
                values[name] = (variable, list)
            }
        }
        return values
    }

    /// A boolean as people write one: true/false, yes/no, on/off, 1/0, any case.
    static func parseBool(_ text: String) -> Bool? {
        switch text.lowercased() {
        case "true", "yes", "on", "1": true
        case "false", "no", "off", "0": false
        default: nil
        }
    }
}
