/// The health of a service as gRPC's health protocol reports it.
public enum ServingStatus: Sendable, Hashable {
    case serving
    case notServing
    /// Only in answers to Watch: the service is not known (yet).
    case serviceUnknown
}

extension ServingStatus {
    var proto: Grpc_Health_V1_HealthCheckResponse.ServingStatus {
        switch self {
        case .serving: .serving
        case .notServing: .notServing
        case .serviceUnknown: .serviceUnknown
        }
    }
}
