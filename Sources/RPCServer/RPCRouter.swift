internal import RPCFraming
public import TraceExport

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
        /// `package.Service/Method`: the name of the method's server spans, made once.
        let spanName: String

        init(path: String, handler: Handler, metrics: MethodMetrics) {
            self.path = path
            self.handler = handler
            self.metrics = metrics
            self.spanName = String(path.dropFirst())
        }
    }

    private var methods: [String: Method] = [:]
    private var services: Set<String> = []
    /// The handlers as registered, before any interceptor, so that adding one re-wraps them all.
    private var registered: [String: Handler] = [:]
    private var interceptors: [any CallInterceptor] = []
    /// Makes a server span for every routed call, on every transport, when trace export is on; nil (the call path
    /// then only tests it) when it is off.
    public private(set) var tracer: Tracer?

    public init() {}

    /// Records a server span for every call from now on (see ``tracer``).
    public mutating func trace(with tracer: Tracer) {
        self.tracer = tracer
    }

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

    /// Runs `interceptor` before the handler of every method, those registered already and those registered later.
    /// Interceptors run in the order they were added, each getting the context the previous one returned; the
    /// handler runs only if every one of them returns.
    public mutating func intercept(with interceptor: some CallInterceptor) {
        self.interceptors.append(interceptor)
        for (path, handler) in self.registered {
            let metrics = self.methods[path]!.metrics
            self.methods[path] = Method(path: path, handler: Self.wrap(handler, self.interceptors), metrics: metrics)
        }
    }

    /// Fully qualified names of the registered services, e.g. `planning.v1.CatalogService`.
    public var serviceNames: [String] { self.services.sorted() }

    /// The paths of every registered method.
    public var methodPaths: [String] { self.methods.keys.sorted() }

    private mutating func add(service: String, method: String, handler: Handler) {
        let path = "/\(service)/\(method)"
        precondition(self.methods[path] == nil, "\(path) is registered twice")
        self.services.insert(service)
        self.registered[path] = handler
        self.methods[path] = Method(
            path: path, handler: Self.wrap(handler, self.interceptors), metrics: MethodMetrics(path: path))
    }

    /// The handler that runs `interceptors` in order, then `handler` with the context they made.
    private static func wrap(_ handler: Handler, _ interceptors: [any CallInterceptor]) -> Handler {
        // Without interceptors the call path stays exactly as registered: no extra async hop per call.
        guard !interceptors.isEmpty else { return handler }
        @Sendable func intercepted(_ metadata: Metadata, _ context: ServerContext) async throws -> ServerContext {
            var context = context
            for interceptor in interceptors {
                context = try await interceptor.intercept(metadata: metadata, context: context)
            }
            return context
        }
        switch handler {
        case .unary(let unary):
            return .unary { request, context in
                try await unary(request, try await intercepted(request.metadata, context))
            }
        case .serverStreaming(let streaming):
            return .serverStreaming { request, context in
                try await streaming(request, try await intercepted(request.metadata, context))
            }
        case .bidirectionalStreaming(let bidirectional):
            return .bidirectionalStreaming { request, context in
                try await bidirectional(request, try await intercepted(request.metadata, context))
            }
        }
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
