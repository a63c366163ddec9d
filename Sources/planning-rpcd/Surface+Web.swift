import Logging
import PlanningRPC
import RPCServer
import WebGateway

/// The web listener's wiring: the planning API's descriptor set and message types, so that Connect's JSON and GET
/// work for every planning method (the bench and the standard gRPC services are served in binary only).
extension Surface {
    func webGateway(configuration: WebGatewayConfiguration, router: RPCRouter, logger: Logger) throws -> WebGateway {
        let catalog = try WebMethodCatalog(
            descriptorSets: [PlanningDescriptorSet.data],
            messageTypes: PlanningMessageTypes.all
        )
        return WebGateway(configuration: configuration, router: router, catalog: catalog, logger: logger)
    }
}
