public import RPCFraming
public import TraceExport

/// A method found by ``RPCRouter/route(service:method:)``: how a transport other than the HTTP/2 one (the web
/// gateway) calls the same handlers, with the same per-method metrics.
///
/// The caller records the call: ``recordStarted()`` once routed, ``recordFinished(_:elapsed:)`` once with the
/// final status, exactly as the HTTP/2 transport does for its own calls.
public struct RPCRoute: Sendable {
    /// The shape of a method's call.
    public enum Kind: Sendable {
        case unary
        case serverStreaming
        case bidirectionalStreaming
    }

    let method: RPCRouter.Method
    let tracer: Tracer?

    /// `/package.Service/Method`.
    public var path: String { self.method.path }

    public var kind: Kind {
        switch self.method.handler {
        case .unary: .unary
        case .serverStreaming: .serverStreaming
        case .bidirectionalStreaming: .bidirectionalStreaming
        }
    }

    /// Runs a unary method. Throws what the handler throws, or INTERNAL when the method is not unary.
    public func callUnary(_ request: ServerRequest, context: ServerContext) async throws -> ServerResponse {
        guard case .unary(let handler) = self.method.handler else { throw self.wrongKind("unary") }
        return try await handler(request, context)
    }

    /// Runs a server-streaming method up to its response; the caller then runs the response's producer with a
    /// writer of its own (``RPCWriter/init(sink:)``).
    public func callServerStreaming(
        _ request: ServerRequest,
        context: ServerContext
    ) async throws -> StreamingServerResponse {
        guard case .serverStreaming(let handler) = self.method.handler else {
            throw self.wrongKind("server-streaming")
        }
        return try await handler(request, context)
    }

    /// Runs a bidirectional-streaming (or client-streaming) method over request messages the caller supplies.
    public func callBidirectionalStreaming(
        _ request: ServerRequestStream,
        context: ServerContext
    ) async throws -> StreamingServerResponse {
        guard case .bidirectionalStreaming(let handler) = self.method.handler else {
            throw self.wrongKind("bidirectional-streaming")
        }
        return try await handler(request, context)
    }

    /// The call's server span, started now, when the router traces calls (``RPCRouter/trace(with:)``): a child of
    /// the caller's `traceparent` in `metadata` if it sent a valid one. The caller ends it with ``endSpan(_:code:message:)``
    /// and runs the handler with its ``Span/context`` as ``TraceContext/current``.
    public func startSpan(metadata: Metadata) -> Span? {
        guard let tracer = self.tracer else { return nil }
        return tracer.startSpan(name: self.method.spanName, kind: .server, parent: TraceContext(metadata: metadata))
    }

    /// Ends a span from ``startSpan(metadata:)`` with the call's final status and queues it for export.
    public func endSpan(_ span: Span, code: StatusCode, message: String) {
        self.tracer?.end(span, code: code, message: message)
    }

    /// Counts a call in `grpc_server_started_total`.
    public func recordStarted() {
        self.method.metrics.started.increment()
    }

    /// Counts a call's end in `grpc_server_handled_total` and `grpc_server_handling_seconds`.
    public func recordFinished(_ code: StatusCode, elapsed: Duration) {
        let (seconds, attoseconds) = elapsed.components
        self.method.metrics.record(code, nanoseconds: seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }

    /// The status a client sees for an error a handler threw, as the HTTP/2 transport maps it: an ``RPCError`` as
    /// it is, cancellation as CANCELLED, and anything else as UNKNOWN with a generic message (the detail belongs in
    /// the log, never on the wire).
    public static func status(of error: any Error) -> RPCError {
        switch error {
        case let error as RPCError: error
        case is CancellationError: RPCError(code: .cancelled, message: "the call was cancelled")
        default: RPCError(code: .unknown, message: "the handler failed")
        }
    }

    private func wrongKind(_ kind: String) -> RPCError {
        RPCError(code: .internalError, message: "\(self.path) is a \(self.method.kindName) method, not \(kind)")
    }
}

extension RPCRouter {
    /// The method at `/service/method`, or the UNIMPLEMENTED error the HTTP/2 transport answers for it.
    public func route(service: String, method: String) -> Result<RPCRoute, RPCError> {
        let head = RequestHead(path: "/\(service)/\(method)", service: service, method: method)
        return self.method(for: head).map { RPCRoute(method: $0, tracer: self.tracer) }
    }
}
