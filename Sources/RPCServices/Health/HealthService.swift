public import RPCServer
internal import RPCFraming
internal import RPCProtobuf

/// `grpc.health.v1.Health`: Check, List and Watch over a ``HealthProvider``, with the semantics of grpc's own
/// servers (https://github.com/grpc/grpc/blob/master/doc/health-checking.md).
public struct HealthService: RPCService {
    /// The fully qualified service name.
    public static let serviceName = "grpc.health.v1.Health"

    public let provider: HealthProvider

    public init(provider: HealthProvider) {
        self.provider = provider
    }

    public func registerMethods(with router: inout RPCRouter) {
        let provider = self.provider
        router.registerUnary(service: Self.serviceName, method: "Check") {
            (request: Request<Grpc_Health_V1_HealthCheckRequest>, _) in
            try Self.check(request.message, provider: provider)
        }
        router.registerUnary(service: Self.serviceName, method: "List") {
            (_: Request<Grpc_Health_V1_HealthListRequest>, _) in
            Self.list(provider: provider)
        }
        router.registerServerStreaming(service: Self.serviceName, method: "Watch") {
            (
                request: Request<Grpc_Health_V1_HealthCheckRequest>,
                writer: MessageWriter<Grpc_Health_V1_HealthCheckResponse>,
                _
            ) in
            try await Self.watch(request.message, provider: provider) { try await writer.write($0) }
        }
    }

    static func check(
        _ request: Grpc_Health_V1_HealthCheckRequest,
        provider: HealthProvider
    ) throws -> Grpc_Health_V1_HealthCheckResponse {
        guard let status = provider.status(forService: request.service) else {
            // As grpc: Check of a service nobody registered is NOT_FOUND, not SERVICE_UNKNOWN (that is Watch's).
            throw RPCError(code: .notFound, message: "unknown service")
        }
        return .with { $0.status = status.proto }
    }

    static func list(provider: HealthProvider) -> Grpc_Health_V1_HealthListResponse {
        .with { response in
            for (service, status) in provider.statuses {
                response.statuses[service] = .with { $0.status = status.proto }
            }
        }
    }

    /// Writes the current status, then every change, until the provider ends the watch or the call is cancelled.
    static func watch(
        _ request: Grpc_Health_V1_HealthCheckRequest,
        provider: HealthProvider,
        write: (Grpc_Health_V1_HealthCheckResponse) async throws -> Void
    ) async throws {
        var last: ServingStatus?
        for await status in provider.watch(service: request.service) where status != last {
            last = status
            try await write(.with { $0.status = status.proto })
        }
    }
}
