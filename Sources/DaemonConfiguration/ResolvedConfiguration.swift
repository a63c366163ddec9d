/// The configuration after every source has been read: the arguments to parse, and each option's effective
/// value with where it came from (for `--print-config`, the debug log and error messages).
public struct ResolvedConfiguration: Sendable {
    /// One option's effective value.
    public struct Entry: Sendable, Hashable {
        public let option: ConfigurationOption
        /// The value, a list for a repeating option, `["true"]`/`["false"]` for a flag from the environment or
        /// the file; empty when the option has no value.
        public let values: [String]
        public let source: ConfigurationSource
    }

    /// The environment's and the file's values as arguments, then the command line as given.
    public let arguments: [String]
    /// Every option of the schema, in declaration order.
    public let entries: [Entry]

    /// Whether an option's value must never be printed: names that say secret, password or token, or headers (which
    /// carry credentials: `--otlp-headers`), unless they name where the secret is (`-file`, `-env`, `-path`).
    public static func isSecret(_ name: String) -> Bool {
        let pointer = ["-file", "-env", "-path", "-dir"].contains { name.hasSuffix($0) }
        return !pointer
            && ["secret", "password", "token", "api-key", "private-key", "headers"].contains { name.contains($0) }
    }

    /// The values that came from the environment or a file, one per line, for an error about them.
    public var indirectSources: [String] {
        self.entries.compactMap { entry in
            switch entry.source {
            case .environment, .file:
                "\(entry.option.name) = \(self.shown(entry)) (from \(entry.source))"
            case .commandLine, .defaultValue:
                nil
            }
        }
    }

    /// The effective configuration as YAML a configuration file may hold, each line commented with its source;
    /// secrets redacted, the command-line-only options as comments.
    public func rendered(commandLineOnly: Set<String> = ["config"]) -> String {
        var lines: [String] = []
        for entry in self.entries {
            // Commented out: what only the command line may set, and options without a value (a file may not say
            // `null`), so that the output is itself a valid configuration file.
            let unset = entry.option.kind == .option && entry.values.isEmpty
            let prefix = commandLineOnly.contains(entry.option.name) || unset ? "# " : ""
            lines.append("\(prefix)\(entry.option.name): \(self.shown(entry))  # \(entry.source)")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private func shown(_ entry: Entry) -> String {
        if entry.option.kind == .flag {
            return entry.values.last ?? "false"
        }
        if entry.values.isEmpty {
            return entry.option.isRepeating ? "[]" : "null"
        }
        if Self.isSecret(entry.option.name) {
            return "\"<redacted>\""
        }
        let quoted = entry.values.map { Self.quote(Self.maskingURLPassword($0)) }
        return entry.option.isRepeating ? "[" + quoted.joined(separator: ", ") + "]" : quoted[0]
    }

    /// The value with the password of a `scheme://user:password@host` URL replaced (e.g. `--database-url`).
    static func maskingURLPassword(_ value: String) -> String {
        guard let scheme = value.range(of: "://"), let at = value[scheme.upperBound...].firstIndex(of: "@"),
            let colon = value[scheme.upperBound..<at].firstIndex(of: ":")
        else { return value }
        return String(value[..<value.index(after: colon)]) + "<redacted>" + String(value[at...])
    }

    /// A YAML double-quoted scalar (JSON string escaping is valid there).
    static func quote(_ value: String) -> String {
        var out = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                if scalar.value < 0x20 {
                    out += "\\u" + String(scalar.value, radix: 16).leftPadded(to: 4)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        String(repeating: "0", count: max(0, width - self.count)) + self
    }
}
