import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// An OTLP/HTTP receiver on 127.0.0.1 port 0 for the exporter's tests: keeps every request and answers each with the
/// next status of its script (200 once the script is used up), after `delay`.
final class TestCollector: Sendable {
    struct Request: Sendable {
        let path: String
        let headers: [(String, String)]
        let body: [UInt8]
    }

    private struct State {
        var requests: [Request] = []
        var script: [Int]
    }

    /// A class, so that the channel's handlers share it with the collector.
    private final class Shared: Sendable {
        let state: Mutex<State>

        init(script: [Int]) {
            self.state = Mutex(State(script: script))
        }
    }

    private let shared: Shared
    let delay: TimeAmount
    private let channel: any Channel

    var port: Int { self.channel.localAddress!.port! }

    init(statuses: [Int] = [], delay: TimeAmount = .zero) async throws {
        let shared = Shared(script: statuses)
        self.shared = shared
        self.delay = delay
        let delay = delay
        self.channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(
                        Handler(delay: delay) { request in
                            shared.state.withLock { state in
                                state.requests.append(request)
                                return state.script.isEmpty ? 200 : state.script.removeFirst()
                            }
                        })
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
    }

    var requests: [Request] { self.shared.state.withLock { $0.requests } }

    /// Waits (polling, at most `timeout`) until `count` requests have arrived; returns them.
    func waitForRequests(_ count: Int, timeout: Duration = .seconds(10)) async throws -> [Request] {
        let deadline = ContinuousClock.now + timeout
        while self.requests.count < count && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(10))
        }
        return self.requests
    }

    func stop() async throws {
        try await self.channel.close()
    }

    private final class Handler: ChannelInboundHandler {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart

        let delay: TimeAmount
        let received: @Sendable (Request) -> Int
        var head: HTTPRequestHead?
        var body: [UInt8] = []

        init(delay: TimeAmount, received: @escaping @Sendable (Request) -> Int) {
            self.delay = delay
            self.received = received
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch self.unwrapInboundIn(data) {
            case .head(let head):
                self.head = head
                self.body = []
            case .body(let buffer):
                self.body += buffer.readableBytesView
            case .end:
                guard let head = self.head else { return }
                let status = self.received(
                    Request(path: head.uri, headers: head.headers.map { ($0.name, $0.value) }, body: self.body))
                let context = NIOLoopBound(context, eventLoop: context.eventLoop)
                context.value.eventLoop.scheduleTask(in: self.delay) {
                    let context = context.value
                    var headers = HTTPHeaders()
                    headers.add(name: "content-length", value: "2")
                    let responseHead = HTTPResponseHead(
                        version: .http1_1, status: HTTPResponseStatus(statusCode: status), headers: headers)
                    context.write(NIOAny(HTTPServerResponsePart.head(responseHead)), promise: nil)
                    context.write(
                        NIOAny(HTTPServerResponsePart.body(.byteBuffer(ByteBuffer(string: "{}")))), promise: nil)
                    context.writeAndFlush(NIOAny(HTTPServerResponsePart.end(nil)), promise: nil)
                }
            }
        }
    }
}
