public import Foundation
public import RPCServer
internal import RPCProtobuf

/// gRPC server reflection, `grpc.reflection.v1.ServerReflection` and its predecessor `v1alpha` (which grpcurl
/// before 1.9 and most tools still speak), answered from embedded `FileDescriptorSet`s.
///
/// The two versions have the same messages field for field, so one handler over the v1 types serves both paths.
public struct ReflectionService: RPCService {
    /// The names this service registers under.
    public static let serviceNames = ["grpc.reflection.v1.ServerReflection", "grpc.reflection.v1alpha.ServerReflection"]

    let index: ReflectionIndex
    let listedServices: [String]

    /// - Parameters:
    ///   - descriptorSets: serialized `FileDescriptorSet`s (with their imports) of the APIs to describe; the health
    ///     and reflection protos are always added.
    ///   - serviceNames: what `list_services` answers, typically the router's ``RPCRouter/serviceNames`` once every
    ///     other service is registered; the reflection services themselves are added.
    public init(descriptorSets: [Data], serviceNames: [String]) throws {
        self.index = try ReflectionIndex(descriptorSets: descriptorSets + [GRPCServicesDescriptorSet.data])
        self.listedServices = Array(Set(serviceNames + Self.serviceNames)).sorted()
    }

    public func registerMethods(with router: inout RPCRouter) {
        let index = self.index
        let services = self.listedServices
        for service in Self.serviceNames {
            router.registerBidirectionalStreaming(service: service, method: "ServerReflectionInfo") {
                (
                    requests: RequestStream<Grpc_Reflection_V1_ServerReflectionRequest>,
                    responses: MessageWriter<Grpc_Reflection_V1_ServerReflectionResponse>,
                    _
                ) in
                var session = ReflectionSession(index: index, serviceNames: services)
                for try await request in requests.messages {
                    try await responses.write(session.respond(to: request))
                }
            }
        }
    }
}
