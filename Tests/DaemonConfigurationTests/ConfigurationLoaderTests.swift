import ArgumentParser
import DaemonConfiguration
import Testing

/// A command shaped like the daemon's: options with and without defaults, a flag, a repeating option, a secret.
private struct Sample: ParsableCommand {
    @Option(help: "Port.") var port = 50051
    @Option(help: "Host.") var host = "127.0.0.1"
    @Option(help: "Threads.") var threads: Int?
    @Flag(help: "Demo data.") var demoData = false
    @Option(help: "Tags.") var tag: [String] = []
    @Option(help: "Token.") var apiToken: String?
    @Flag(inversion: .prefixedNo, help: "Cache.") var cache = true
    @Option(help: "Config file.") var config: String?
    @Flag(help: "Print.") var printConfig = false

    func validate() throws {
        guard (0...65535).contains(self.port) else { throw ValidationError("--port must be 0...65535") }
    }
}

private let prefix = "SAMPLE_"

private func loader() throws -> ConfigurationLoader {
    ConfigurationLoader(
        schema: try ConfigurationSchema.of(Sample.self), environmentPrefix: prefix, fileOption: "config",
        commandLineOnly: ["print-config"])
}

private func resolve(
    _ commandLine: [String] = [], environment: [String: String] = [:], file: String? = nil
) throws -> ResolvedConfiguration {
    var commandLine = commandLine
    if file != nil, !commandLine.contains("--config") { commandLine += ["--config", "/etc/sample.yaml"] }
    return try loader().resolve(commandLine: commandLine, environment: environment) { path in
        guard let file else { throw ConfigurationError("no file \(path)") }
        return file
    }
}

private func failure(_ body: () throws -> ResolvedConfiguration) -> String {
    do {
        _ = try body()
        return "no error"
    } catch {
        return "\(error)"
    }
}

@Suite struct ConfigurationLoaderTests {
    @Test func schemaIsTheCommandsLongOptionsWithoutHelp() throws {
        let schema = try ConfigurationSchema.of(Sample.self)
        #expect(schema.options.map(\.name) == [
            "port", "host", "threads", "demo-data", "tag", "api-token", "cache", "config", "print-config",
        ])
        #expect(schema["cache"]?.inversion == "no-cache")
        #expect(schema["cache"]?.defaultValue == "true")
        #expect(schema["demo-data"]?.inversion == nil)
        #expect(schema["demo-data"]?.kind == .flag)
        #expect(schema["tag"]?.isRepeating == true)
        #expect(schema["port"]?.defaultValue == "50051")
        #expect(schema["threads"]?.defaultValue == nil)
        #expect(schema["port"]?.environmentVariable(prefix: prefix) == "SAMPLE_PORT")
        #expect(schema["demo-data"]?.environmentVariable(prefix: prefix) == "SAMPLE_DEMO_DATA")
    }

    @Test func precedenceIsFlagsThenEnvironmentThenFileThenDefault() throws {
        let file = "port: 1001\nhost: file.example\nthreads: 3\n"
        let environment = ["SAMPLE_PORT": "1002", "SAMPLE_HOST": "env.example"]
        let resolved = try resolve(["--port", "1003"], environment: environment, file: file)
        let command = try Sample.parse(resolved.arguments)
        #expect(command.port == 1003)
        #expect(command.host == "env.example")
        #expect(command.threads == 3)
        #expect(command.tag == [])
        let sources = Dictionary(uniqueKeysWithValues: resolved.entries.map { ($0.option.name, $0.source) })
        #expect(sources["port"] == .commandLine)
        #expect(sources["host"] == .environment("SAMPLE_HOST"))
        #expect(sources["threads"] == .file(path: "/etc/sample.yaml", line: 3))
        #expect(sources["tag"] == .defaultValue)
    }

    @Test func equalsSpellingOnTheCommandLineWinsToo() throws {
        let resolved = try resolve(["--port=1003"], environment: ["SAMPLE_PORT": "1002"])
        #expect(try Sample.parse(resolved.arguments).port == 1003)
    }

    @Test func flagsAreBooleansInTheFileAndTheEnvironment() throws {
        #expect(try Sample.parse(resolve(file: "demo-data: true\n").arguments).demoData)
        #expect(try !Sample.parse(resolve(file: "demo-data: false\n").arguments).demoData)
        // The environment's false beats the file's true; the command line's flag beats both.
        let both = try resolve(environment: ["SAMPLE_DEMO_DATA": "false"], file: "demo-data: true\n")
        #expect(try !Sample.parse(both.arguments).demoData)
        let all = try resolve(["--demo-data"], environment: ["SAMPLE_DEMO_DATA": "no"], file: "demo-data: false\n")
        #expect(try Sample.parse(all.arguments).demoData)
        #expect(try Sample.parse(resolve(environment: ["SAMPLE_DEMO_DATA": "1"]).arguments).demoData)
    }

    /// A flag declared `--x/--no-x` takes false from the file and the environment as `--no-x`.
    @Test func invertedFlagsTakeFalseAsTheirInversion() throws {
        #expect(try Sample.parse(resolve().arguments).cache)
        let fromFile = try resolve(file: "cache: false\n")
        #expect(fromFile.arguments.contains("--no-cache"))
        #expect(try !Sample.parse(fromFile.arguments).cache)
        #expect(try !Sample.parse(resolve(environment: ["SAMPLE_CACHE": "false"]).arguments).cache)
        // --no-cache on the command line counts as the command line's value, over the environment's true.
        let given = try resolve(["--no-cache"], environment: ["SAMPLE_CACHE": "true"])
        #expect(try !Sample.parse(given.arguments).cache)
        #expect(given.entries.first { $0.option.name == "cache" }?.source == .commandLine)
        #expect(given.entries.first { $0.option.name == "cache" }?.values == ["false"])
        #expect(try resolve().rendered().contains("cache: true  # default"))
    }

    @Test func aFlagThatIsNotABooleanIsRejected() {
        #expect(failure { try resolve(file: "demo-data: maybe\n") }.contains("/etc/sample.yaml:1: key 'demo-data'"))
        #expect(failure { try resolve(environment: ["SAMPLE_DEMO_DATA": "maybe"]) }.contains("SAMPLE_DEMO_DATA"))
    }

    @Test func unknownFileKeyIsRejectedWithFileLineAndKey() {
        let message = failure { try resolve(file: "port: 1\nmax-runing-jobs: 8\n") }
        #expect(message.contains("/etc/sample.yaml:2: unknown key 'max-runing-jobs'"), "\(message)")
    }

    @Test func unknownEnvironmentVariableIsRejectedByName() {
        let message = failure { try resolve(environment: ["SAMPLE_PROT": "1"]) }
        #expect(message.contains("unknown environment variable SAMPLE_PROT"), "\(message)")
        // Variables without the prefix are not ours.
        #expect(failure { try resolve(environment: ["SAMPLEPORT": "x", "PATH": "/bin"]) } == "no error")
    }

    @Test func theFileCannotNameAnotherFileOrSetCommandLineOnlyOptions() {
        #expect(failure { try resolve(file: "config: /x.yaml\n") }.contains("key 'config' is not allowed"))
        #expect(failure { try resolve(file: "print-config: true\n") }.contains("key 'print-config' is not allowed"))
        #expect(failure { try resolve(environment: ["SAMPLE_PRINT_CONFIG": "true"]) }.contains("SAMPLE_PRINT_CONFIG"))
    }

    @Test func theEnvironmentMayNameTheFile() throws {
        let resolved = try loader().resolve(commandLine: [], environment: ["SAMPLE_CONFIG": "/srv/s.yaml"]) { path in
            #expect(path == "/srv/s.yaml")
            return "port: 7\n"
        }
        #expect(try Sample.parse(resolved.arguments).port == 7)
    }

    @Test func malformedFilesAreRejected() {
        #expect(failure { try resolve(file: "- 1\n- 2\n") }.contains("must be a mapping"))
        #expect(failure { try resolve(file: "port: [1, 2]\n") }.contains("key 'port' takes one value"))
        #expect(failure { try resolve(file: "port: {a: 1}\n") }.contains("not a mapping"))
        #expect(failure { try resolve(file: "port:\n") }.contains("key 'port' has no value"))
        let twice = failure { try resolve(file: "port: 1\nport: 2\n") }
        #expect(twice.contains("/etc/sample.yaml") && twice.contains("'port'"), "\(twice)")
        #expect(failure { try resolve(file: "port: [\n") }.contains("not valid YAML"))
        #expect(failure { try resolve(["--config", "/nope"]) }.contains("cannot read the configuration file /nope"))
    }

    @Test func anEmptyFileSetsNothing() throws {
        let resolved = try resolve(file: "")
        #expect(resolved.arguments == ["--config", "/etc/sample.yaml"])
    }

    @Test func jsonFilesAreReadToo() throws {
        let resolved = try resolve(file: #"{"port": 2002, "demo-data": true, "tag": ["a", "b"]}"#)
        let command = try Sample.parse(resolved.arguments)
        #expect(command.port == 2002)
        #expect(command.demoData)
        #expect(command.tag == ["a", "b"])
    }

    @Test func repeatingOptionsTakeListsAndCommaSeparatedVariables() throws {
        #expect(try Sample.parse(resolve(file: "tag: [x, y]\n").arguments).tag == ["x", "y"])
        #expect(try Sample.parse(resolve(environment: ["SAMPLE_TAG": "p,q,r"]).arguments).tag == ["p", "q", "r"])
        // The command line replaces the list rather than extending it.
        let replaced = try resolve(["--tag", "z"], environment: ["SAMPLE_TAG": "p,q"], file: "tag: [x]\n")
        #expect(try Sample.parse(replaced.arguments).tag == ["z"])
    }

    @Test func aValueThatStartsWithADashStaysAValue() throws {
        #expect(try Sample.parse(resolve(file: "host: \"-weird\"\n").arguments).host == "-weird")
    }

    /// The file's values go through the command's own `validate()`: at the boundary and one past it.
    @Test(arguments: [(65535, true), (65536, false), (0, true), (-1, false)])
    func fileValuesAreValidatedLikeFlags(port: Int, valid: Bool) throws {
        let resolved = try resolve(file: "port: \(port)\n")
        if valid {
            #expect(try Sample.parse(resolved.arguments).port == port)
        } else {
            #expect(throws: (any Error).self) { try Sample.parse(resolved.arguments) }
            #expect(resolved.indirectSources == ["port = \"\(port)\" (from /etc/sample.yaml:1)"])
        }
    }

    @Test func renderedConfigurationRedactsSecretsAndNamesSources() throws {
        let resolved = try resolve(
            ["--api-token", "s3cr3t"], environment: ["SAMPLE_HOST": "h"], file: "tag: [a]\ndemo-data: true\n")
        let text = resolved.rendered()
        #expect(!text.contains("s3cr3t"))
        #expect(text.contains("api-token: \"<redacted>\"  # command line"))
        #expect(text.contains("host: \"h\"  # environment SAMPLE_HOST"))
        #expect(text.contains("tag: [\"a\"]  # /etc/sample.yaml:1"))
        #expect(text.contains("demo-data: true  # /etc/sample.yaml:2"))
        #expect(text.contains("port: \"50051\"  # default"))
        #expect(text.contains("# threads: null  # default"))
        #expect(text.contains("# config: \"/etc/sample.yaml\"  # command line"))
    }

    @Test func secretNamesAreRecognizedButPointersToSecretsAreNot() {
        #expect(ResolvedConfiguration.isSecret("api-token"))
        #expect(ResolvedConfiguration.isSecret("jwt-secret"))
        #expect(!ResolvedConfiguration.isSecret("token-file"))
        #expect(!ResolvedConfiguration.isSecret("model-api-key-env"))
        #expect(!ResolvedConfiguration.isSecret("port"))
    }
}
