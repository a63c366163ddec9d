import RPCFraming
import Testing

@testable import RPCServer

/// The router runs its interceptors inside every handler it holds, of every kind, registered before or after.
@Suite struct CallInterceptorTests {
    /// Refuses calls without `x-key`; otherwise names the caller after it.
    struct KeyInterceptor: CallInterceptor {
        func intercept(metadata: Metadata, context: ServerContext) async throws -> ServerContext {
            guard let key = metadata[stringValues: "x-key"].first else {
                throw RPCError(code: .unauthenticated, message: "no key")
            }
            var context = context
            context.principal = AuthenticatedPrincipal(name: key, team: "t-\(key)")
            return context
        }
    }

    /// Appends its mark to the principal's name, to show the order interceptors run in.
    struct Mark: CallInterceptor {
        let mark: String
        func intercept(metadata: Metadata, context: ServerContext) async throws -> ServerContext {
            var context = context
            context.principal?.name += self.mark
            return context
        }
    }

    static func handler(_ router: RPCRouter, _ path: String) throws -> RPCRouter.Handler {
        let parts = path.split(separator: "/")
        let head = RequestHead(path: path, service: String(parts[0]), method: String(parts[1]))
        return try router.method(for: head).get().handler
    }

    static func context(_ path: String) -> ServerContext {
        ServerContext(path: path, peer: "ipv4:127.0.0.1:1", deadline: nil, authority: nil)
    }

    /// Each handler answers with the principal name it saw.
    static func router() -> RPCRouter {
        var router = RPCRouter()
        router.registerUnary(service: "t.S", method: "Unary") { _, context in
            ServerResponse(message: Array((context.principal?.name ?? "-").utf8))
        }
        router.registerServerStreaming(service: "t.S", method: "Stream") { _, context in
            var metadata = Metadata()
            metadata.add("x-seen", context.principal?.name ?? "-")
            return StreamingServerResponse(metadata: metadata) { _ in Metadata() }
        }
        router.registerBidirectionalStreaming(service: "t.S", method: "Bidi") { _, context in
            var metadata = Metadata()
            metadata.add("x-seen", context.principal?.name ?? "-")
            return StreamingServerResponse(metadata: metadata) { _ in Metadata() }
        }
        return router
    }

    static func seen(_ handler: RPCRouter.Handler, _ metadata: Metadata, path: String) async throws -> String {
        let context = Self.context(path)
        switch handler {
        case .unary(let unary):
            return String(
                decoding: try await unary(ServerRequest(metadata: metadata, message: []), context).message,
                as: UTF8.self
            )
        case .serverStreaming(let streaming):
            let response = try await streaming(ServerRequest(metadata: metadata, message: []), context)
            return response.metadata[stringValues: "x-seen"].first ?? ""
        case .bidirectionalStreaming(let bidirectional):
            let (stream, continuation) = AsyncThrowingStream.makeStream(of: [UInt8].self)
            continuation.finish()
            let request = ServerRequestStream(metadata: metadata, messages: RPCRequestMessages(stream))
            return try await bidirectional(request, context).metadata[stringValues: "x-seen"].first ?? ""
        }
    }

    @Test(arguments: ["/t.S/Unary", "/t.S/Stream", "/t.S/Bidi"])
    func everyKindOfHandlerIsIntercepted(path: String) async throws {
        let plain = Self.router()
        var key = Metadata()
        key.add("x-key", "alice")
        // Without an interceptor the handler runs as registered.
        #expect(try await Self.seen(try Self.handler(plain, path), Metadata(), path: path) == "-")

        var router = plain
        router.intercept(with: KeyInterceptor())
        router.intercept(with: Mark(mark: "+1"))
        router.intercept(with: Mark(mark: "+2"))
        let handler = try Self.handler(router, path)
        #expect(try await Self.seen(handler, key, path: path) == "alice+1+2")
        await #expect(throws: RPCError(code: .unauthenticated, message: "no key")) {
            _ = try await Self.seen(handler, Metadata(), path: path)
        }
    }

    @Test func methodsRegisteredAfterTheInterceptorAreInterceptedToo() async throws {
        var router = Self.router()
        router.intercept(with: KeyInterceptor())
        router.registerUnary(service: "t.Late", method: "Call") { _, context in
            ServerResponse(message: Array((context.principal?.team ?? "-").utf8))
        }
        var key = Metadata()
        key.add("x-key", "bob")
        #expect(try await Self.seen(try Self.handler(router, "/t.Late/Call"), key, path: "/t.Late/Call") == "t-bob")
        await #expect(throws: RPCError.self) {
            _ = try await Self.seen(try Self.handler(router, "/t.Late/Call"), Metadata(), path: "/t.Late/Call")
        }
        #expect(router.methodPaths.count == 4)
    }
}
