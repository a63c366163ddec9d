public import RPCFraming

/// Runs before the handler of every method of a router (unary, server-streaming and bidirectional alike), with the
/// request metadata: it may reject the call by throwing an ``RPCError`` (e.g. UNAUTHENTICATED) or hand the handler
/// a changed context (e.g. with ``ServerContext/principal`` set).
///
/// Applied by ``RPCRouter/intercept(with:)`` inside the registered handlers themselves, so that every transport that
/// dispatches through the router's handlers gets it, not only the HTTP/2 one.
public protocol CallInterceptor: Sendable {
    /// Returns the context the handler gets, or throws the ``RPCError`` that ends the call before the handler runs.
    func intercept(metadata: Metadata, context: ServerContext) async throws -> ServerContext
}
