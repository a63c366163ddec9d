public import ArgumentParser
import Foundation

/// The options a daemon can be configured with: exactly the long options and flags of its command, read from
/// ArgumentParser's own description of it (`--experimental-dump-help`). An option added to the command is in the
/// schema, the environment and the file with no further work.
public struct ConfigurationSchema: Sendable {
    /// Every option, in the command's declaration order.
    public let options: [ConfigurationOption]
    private let byName: [String: ConfigurationOption]
    private let inversions: [String: ConfigurationOption]

    /// Options that ArgumentParser adds and no source other than the command line may set.
    static let builtIn: Set<String> = ["help", "version", "experimental-dump-help", "generate-completion-script"]

    public init(options: [ConfigurationOption]) {
        self.options = options
        self.byName = Dictionary(options.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        let inverted = options.compactMap { option in option.inversion.map { ($0, option) } }
        self.inversions = Dictionary(inverted, uniquingKeysWith: { first, _ in first })
    }

    /// The schema of `command`: its long options and flags, without `--help` and `--version`.
    public static func of(_ command: any ParsableCommand.Type) throws(ConfigurationError) -> ConfigurationSchema {
        let json: String
        do {
            _ = try command.parseAsRoot(["--experimental-dump-help"])
            throw ConfigurationError("ArgumentParser did not describe \(command)")
        } catch let error as ConfigurationError {
            throw error
        } catch {
            json = command.fullMessage(for: error)
        }
        return try Self.decode(dumpHelp: Data(json.utf8))
    }

    /// The schema in ArgumentParser's `--experimental-dump-help` JSON (ToolInfo v0).
    static func decode(dumpHelp: Data) throws(ConfigurationError) -> ConfigurationSchema {
        guard let root = try? JSONSerialization.jsonObject(with: dumpHelp) as? [String: Any],
            let command = root["command"] as? [String: Any]
        else {
            throw ConfigurationError("cannot read ArgumentParser's description of the command")
        }
        var options: [ConfigurationOption] = []
        for argument in command["arguments"] as? [[String: Any]] ?? [] {
            let kind: ConfigurationOption.Kind
            switch argument["kind"] as? String {
            case "option": kind = .option
            case "flag": kind = .flag
            default: continue  // positional arguments are not configuration
            }
            let names = argument["names"] as? [[String: Any]] ?? []
            guard let long = names.first(where: { $0["kind"] as? String == "long" })?["name"] as? String,
                !Self.builtIn.contains(long)
            else { continue }
            let option = ConfigurationOption(
                name: long, kind: kind, isRepeating: argument["isRepeating"] as? Bool ?? false,
                defaultValue: argument["defaultValue"] as? String, abstract: argument["abstract"] as? String ?? "")
            options.append(option)
        }
        // A flag declared `--x/--no-x` is described as two flags, one after the other: keep `x`, with `no-x` as
        // the way to say false.
        var merged: [ConfigurationOption] = []
        var index = 0
        while index < options.count {
            let option = options[index]
            let next = index + 1 < options.count ? options[index + 1] : nil
            if let next, option.kind == .flag, next.kind == .flag, next.name == "no-" + option.name {
                // Its default is described as the flag that holds by default, `--x` or `--no-x`.
                let defaultValue = option.defaultValue.map { $0 == option.flag ? "true" : "false" }
                merged.append(
                    ConfigurationOption(
                        name: option.name, kind: .flag, isRepeating: false, defaultValue: defaultValue,
                        abstract: option.abstract, inversion: next.name))
                index += 2
            } else {
                merged.append(option)
                index += 1
            }
        }
        return ConfigurationSchema(options: merged)
    }

    /// The option with a long name, if there is one.
    public subscript(name: String) -> ConfigurationOption? { self.byName[name] }

    /// The flag whose inverted name (`no-x`) this is, if any.
    func inverted(_ name: String) -> ConfigurationOption? { self.inversions[name] }
}
