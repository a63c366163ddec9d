internal import RPCFraming

/// Handles a unary call: one request in, one response out, or a thrown ``RPCError``.
public typealias UnaryHandler = @Sendable (ServerRequest, ServerContext) async throws -> ServerResponse

/// Handles a server-streaming call: one request in, a ``StreamingServerResponse`` out.
public typealias ServerStreamingHandler =
    @Sendable (ServerRequest, ServerContext) async throws -> StreamingServerResponse

/// Handles a bidirectional-streaming call: started at the request headers, it reads the request messages as they
/// arrive while its ``StreamingServerResponse`` writes responses.
public typealias BidirectionalStreamingHandler =
    @Sendable (ServerRequestStream, ServerContext) async throws -> StreamingServerResponse

/// A service registers its methods with a router.
public protocol RPCService: Sendable {
    func registerMethods(with router: inout RPCRouter)
}

/// Maps `/package.Service/Method` paths to handlers.
public struct RPCRouter: Sendable {
    enum Handler: Sendable {
        case unary(UnaryHandler)
        case serverStreaming(ServerStreamingHandler)
        case bidirectionalStreaming(BidirectionalStreamingHandler)
    }

    /// A class so that a call holds its method with one reference, not a copy of every field.
    final class Method: Sendable {
        let path: String
        let handler: Handler
        let metrics: MethodMetrics

        init(path: String, handler: Handler, metrics: MethodMetrics) {
            self.path = path
            self.handler = handler
            self.metrics = metrics
        }
    }

    private var methods: [String: Method] = [:]
    private var services: Set<String> = []

    public init() {}

    public mutating func register(_ service: some RPCService) {
        service.registerMethods(with: &self)
    }

    public mutating func registerUnary(service: String, method: String, handler: @escaping UnaryHandler) {
        self.add(service: service, method: method, handler: .unary(handler))
    }

    public mutating func registerServerStreaming(
        service: String,
        method: String,
        handler: @escaping ServerStreamingHandler
    ) {
        self.add(service: service, method: method, handler: .serverStreaming(handler))
    }

    /// Client-streaming calls register here too: their handler reads every message before it writes one.
    public mutating func registerBidirectionalStreaming(
        service: String,
        method: String,
        handler: @escaping BidirectionalStreamingHandler
    ) {
        self.add(service: service, method: method, handler: .bidirectionalStreaming(handler))
    }

    /// Fully qualified names of the registered services, e.g. `planning.v1.CatalogService`.
    public var serviceNames: [String] { self.services.sorted() }

    /// The paths of every registered method.
    public var methodPaths: [String] { self.methods.keys.sorted() }

    private mutating func add(service: String, method: String, handler: Handler) {
        let path = "/\(service)/\(method)"
        precondition(self.methods[path] == nil, "\(path) is registered twice")
        self.services.insert(service)
        self.methods[path] = Method(path: path, handler: handler, metrics: MethodMetrics(path: path))
    }

    /// The method for a path, or the UNIMPLEMENTED error that grpc-go answers for it.
    func method(for head: RequestHead) -> Result<Method, RPCError> {
        if let method = self.methods[head.path] {
            return .success(method)
        }
        if self.services.contains(head.service) {
            return .failure(
                RPCError(code: .unimplemented, message: "unknown method \(head.method) for service \(head.service)")
            )
        }
        return .failure(RPCError(code: .unimplemented, message: "unknown service \(head.service)"))
    }
}
