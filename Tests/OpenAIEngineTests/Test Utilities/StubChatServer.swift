import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

@testable import OpenAIEngine

/// A Chat Completions server on 127.0.0.1 (port 0) whose answers a test scripts request by request.
final class StubChatServer: Sendable {
    /// What to do with one request.
    indirect enum Behavior: Sendable {
        /// A 200 Chat Completions response whose first choice says `content`.
        case reply(String, promptTokens: Int = 11, completionTokens: Int = 7, finishReason: String = "stop")
        /// Any status and body, with extra headers (e.g. `Retry-After`).
        case status(Int, body: String, headers: [String: String] = [:])
        /// `behavior`, after waiting.
        case delayed(Duration, Behavior)
        /// Closes the connection without answering.
        case dropConnection
    }

    /// A request as received.
    struct Request: Sendable {
        var method: String
        var uri: String
        var headers: [(name: String, value: String)]
        var body: Data

        func header(_ name: String) -> String? {
            headers.first { $0.name.lowercased() == name.lowercased() }?.value
        }

        var json: JSONValue { (try? JSONDecoder().decode(JSONValue.self, from: body)) ?? .null }

        subscript(key: String) -> JSONValue? {
            guard case .object(let object) = json else { return nil }
            return object[key]
        }

        /// The messages as (role, content) pairs.
        var messages: [(role: String, content: String)] {
            guard case .array(let items)? = self["messages"] else { return [] }
            return items.compactMap { item in
                guard case .object(let message) = item, case .string(let role)? = message["role"],
                    case .string(let content)? = message["content"]
                else { return nil }
                return (role, content)
            }
        }
    }

    private struct State {
        var requests: [Request] = []
        var inFlight = 0
        var maxInFlight = 0
        var closedConnections = 0
    }

    private let state = Mutex(State())
    private let respond: @Sendable (Request, Int) -> Behavior
    private let channel: Mutex<(any Channel)?> = Mutex(nil)

    private init(respond: @escaping @Sendable (Request, Int) -> Behavior) {
        self.respond = respond
    }

    var port: Int { channel.withLock { $0?.localAddress?.port ?? 0 } }
    var baseURL: String { "http://127.0.0.1:\(port)/v1" }
    var requests: [Request] { state.withLock { $0.requests } }
    /// The most requests that were being answered at the same time.
    var maxInFlight: Int { state.withLock { $0.maxInFlight } }
    /// Connections closed so far (by either side).
    var closedConnections: Int { state.withLock { $0.closedConnections } }

    /// Waits until `count` requests have arrived, or `timeout` has passed.
    func waitForRequests(_ count: Int, within timeout: Duration) async throws {
        try await wait(within: timeout) { $0.requests.count >= count }
    }

    /// Waits until `count` connections were closed, or `timeout` has passed.
    func waitForClosedConnections(_ count: Int, within timeout: Duration) async throws {
        try await wait(within: timeout) { $0.closedConnections >= count }
    }

    private func wait(within timeout: Duration, until condition: (StubChatServer) -> Bool) async throws {
        let end = ContinuousClock.now + timeout
        while !condition(self), ContinuousClock.now < end {
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    /// Runs `body` with a started server; `respond` gets each request and its 0-based index.
    static func with<T>(
        respond: @escaping @Sendable (Request, Int) -> Behavior,
        _ body: (StubChatServer) async throws -> T
    ) async throws -> T {
        let server = StubChatServer(respond: respond)
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(Handler(server: server))
                }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        server.channel.withLock { $0 = channel }
        do {
            let result = try await body(server)
            try await channel.close()
            return result
        } catch {
            try? await channel.close()
            throw error
        }
    }

    /// Records the request and decides what to do with it.
    fileprivate func received(_ request: Request) -> Behavior {
        let index = state.withLock { state in
            state.requests.append(request)
            state.inFlight += 1
            state.maxInFlight = max(state.maxInFlight, state.inFlight)
            return state.requests.count - 1
        }
        return respond(request, index)
    }

    fileprivate func finished() {
        state.withLock { $0.inFlight -= 1 }
    }

    /// The JSON of a successful Chat Completions response.
    static func completionBody(_ content: String, promptTokens: Int, completionTokens: Int, finishReason: String)
        -> String
    {
        let message: JSONValue = [
            "id": "chatcmpl-stub", "object": "chat.completion", "model": "stub-model",
            "choices": [
                [
                    "index": .number(0), "finish_reason": .string(finishReason),
                    "message": ["role": "assistant", "content": .string(content)],
                ]
            ],
            "usage": [
                "prompt_tokens": .number(Double(promptTokens)),
                "completion_tokens": .number(Double(completionTokens)),
                "total_tokens": .number(Double(promptTokens + completionTokens)),
            ],
        ]
        return message.jsonText
    }

    private final class Handler: ChannelInboundHandler {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart

        private let server: StubChatServer
        private var head: HTTPRequestHead?
        private var body = Data()

        init(server: StubChatServer) {
            self.server = server
        }

        func channelInactive(context: ChannelHandlerContext) {
            server.state.withLock { $0.closedConnections += 1 }
            context.fireChannelInactive()
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch Self.unwrapInboundIn(data) {
            case .head(let head):
                self.head = head
                body = Data()
            case .body(let buffer):
                body.append(contentsOf: buffer.readableBytesView)
            case .end:
                guard let head else { return }
                let request = Request(
                    method: head.method.rawValue, uri: head.uri,
                    headers: head.headers.map { ($0.name, $0.value) }, body: body)
                perform(server.received(request), context: context, keepAlive: head.isKeepAlive)
            }
        }

        private func perform(_ behavior: Behavior, context: ChannelHandlerContext, keepAlive: Bool) {
            switch behavior {
            case .reply(let content, let promptTokens, let completionTokens, let finishReason):
                let body = StubChatServer.completionBody(
                    content, promptTokens: promptTokens, completionTokens: completionTokens,
                    finishReason: finishReason)
                write(status: 200, body: body, headers: [:], context: context, keepAlive: keepAlive)
            case .status(let status, let body, let headers):
                write(status: status, body: body, headers: headers, context: context, keepAlive: keepAlive)
            case .delayed(let delay, let next):
                let loop = context.eventLoop.assumeIsolated()
                loop.scheduleTask(in: TimeAmount(delay)) {
                    guard context.channel.isActive else {
                        self.server.finished()
                        return
                    }
                    self.perform(next, context: context, keepAlive: keepAlive)
                }
            case .dropConnection:
                server.finished()
                context.close(promise: nil)
            }
        }

        private func write(
            status: Int, body: String, headers: [String: String], context: ChannelHandlerContext, keepAlive: Bool
        ) {
            var responseHeaders = HTTPHeaders()
            responseHeaders.add(name: "Content-Type", value: "application/json")
            responseHeaders.add(name: "Content-Length", value: "\(body.utf8.count)")
            for (name, value) in headers { responseHeaders.add(name: name, value: value) }
            let head = HTTPResponseHead(
                version: .http1_1, status: HTTPResponseStatus(statusCode: status), headers: responseHeaders)
            context.write(Self.wrapOutboundOut(.head(head)), promise: nil)
            context.write(Self.wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: body)))), promise: nil)
            context.writeAndFlush(Self.wrapOutboundOut(.end(nil)), promise: nil)
            server.finished()
            if !keepAlive { context.close(promise: nil) }
        }
    }
}
