import ArgumentParser
import DaemonConfiguration
import Foundation
import Logging

/// The configuration the daemon runs with, after the environment and the configuration file were merged into its
/// arguments (see `DaemonConfiguration.ConfigurationLoader`), for `--print-config` and the debug log.
enum EffectiveConfiguration {
    /// Prefix of the environment variables that set options: `PLANNING_RPCD_MAX_RUNNING_JOBS=8`.
    static let environmentPrefix = "PLANNING_RPCD_"

    @TaskLocal static var current: ResolvedConfiguration?

    /// The effective configuration as `--print-config` shows it: YAML, a source per line, secrets redacted.
    static var rendered: String {
        current?.rendered(commandLineOnly: ["config", "print-config"]) ?? ""
    }

    /// Logs each option's effective value and source at debug level, secrets redacted.
    static func log(to logger: Logger) {
        guard logger.logLevel <= .debug else { return }
        for line in rendered.split(separator: "\n") {
            logger.debug("configuration", metadata: ["option": "\(line)"])
        }
    }
}

extension PlanningRPCD {
    /// Reads the environment and the configuration file into arguments before ArgumentParser sees them, so that
    /// one parser and one `validate()` check every value. A value from the environment or the file that fails
    /// validation is named with its source under the error.
    static func main() async {
        let resolved: ResolvedConfiguration
        do {
            let loader = ConfigurationLoader(
                schema: try ConfigurationSchema.of(Self.self),
                environmentPrefix: EffectiveConfiguration.environmentPrefix, fileOption: "config",
                commandLineOnly: ["print-config"])
            resolved = try loader.resolve(
                commandLine: Array(CommandLine.arguments.dropFirst()), environment: ProcessInfo.processInfo.environment)
        } catch {
            Self.exit(withError: ValidationError(error.message))
        }
        let command: Self
        do {
            command = try Self.parse(resolved.arguments)
        } catch {
            let sources = resolved.indirectSources
            if Self.exitCode(for: error) != .success, !sources.isEmpty {
                FileHandle.standardError.write(Data(("Values not from the command line:\n  "
                    + sources.joined(separator: "\n  ") + "\n").utf8))
            }
            Self.exit(withError: error)
        }
        do {
            try await EffectiveConfiguration.$current.withValue(resolved) { try await command.run() }
        } catch {
            Self.exit(withError: error)
        }
    }
}
