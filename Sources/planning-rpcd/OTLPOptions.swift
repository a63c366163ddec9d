import ArgumentParser
import Logging
import TraceExport

/// The daemon's OpenTelemetry flags. Without `--otlp-endpoint` nothing is traced and calls pay one nil check.
struct OTLPOptions: ParsableArguments {
    @Option(
        help: """
            OTLP/HTTP receiver to export trace spans to, e.g. http://127.0.0.1:4318 (/v1/traces is appended; \
            http only). Off when absent.
            """
    )
    var otlpEndpoint: String?

    @Option(help: "The service.name of the exported spans.")
    var otlpServiceName = "planning-rpcd"

    @Option(help: "Headers sent with every export, name=value,... (e.g. a collector's authorization; never printed).")
    var otlpHeaders: String?

    func validate() throws {
        _ = try self.endpoint()
        if self.otlpEndpoint == nil, self.otlpHeaders != nil {
            throw ValidationError("--otlp-headers needs --otlp-endpoint")
        }
        guard !self.otlpServiceName.isEmpty else { throw ValidationError("--otlp-service-name must not be empty") }
    }

    /// The parsed endpoint, nil when export is off; a bad URL or header list is a ``ValidationError``.
    func endpoint() throws -> OTLPEndpoint? {
        guard let url = self.otlpEndpoint else { return nil }
        do {
            return try OTLPEndpoint(url: url, headers: self.otlpHeaders ?? "")
        } catch {
            throw ValidationError(error.description)
        }
    }

    /// The started tracer, or nil when export is off.
    func makeTracer(logger: Logger) throws -> Tracer? {
        guard let endpoint = try self.endpoint() else { return nil }
        var configuration = TracerConfiguration(endpoint: endpoint)
        configuration.serviceName = self.otlpServiceName
        let tracer = Tracer(configuration: configuration, logger: logger)
        tracer.start()
        logger.info(
            "exporting traces over OTLP/HTTP",
            metadata: [
                "endpoint": "http://\(endpoint.host):\(endpoint.port)\(endpoint.path)",
                "service-name": "\(self.otlpServiceName)",
            ])
        return tracer
    }
}
