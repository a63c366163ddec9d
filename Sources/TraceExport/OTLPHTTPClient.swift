import NIOCore
import NIOHTTP1
import NIOPosix

/// Posts one export request over a fresh HTTP/1.1 connection (`connection: close`): exports are a batch every
/// second or so, so a kept-alive connection would save little and need reconnect logic of its own.
struct OTLPHTTPClient: Sendable {
    /// What one POST came to.
    enum Outcome: Equatable, Sendable {
        case accepted
        /// 429, 502, 503, 504, a timeout or a connection error: OTLP lets the client try again, after
        /// `retryAfter` when the receiver said so.
        case retryable(String, retryAfter: Duration?)
        /// Any other answer: sending the same body again cannot help.
        case rejected(String)
    }

    let endpoint: OTLPEndpoint
    let group: any EventLoopGroup
    /// The whole exchange's budget: connect, send, and the response.
    let timeout: Duration

    func post(_ body: [UInt8]) async -> Outcome {
        let loop = self.group.next()
        let promise = loop.makePromise(of: HTTPResponseHead.self)
        let budget = TimeAmount.nanoseconds(Self.nanoseconds(self.timeout))
        let timer = loop.scheduleTask(in: budget) {
            promise.fail(ExportFailure("no answer within \(self.timeout)"))
        }
        let request = self.requestHead(contentLength: body.count)
        let connect = ClientBootstrap(group: loop)
            .connectTimeout(budget)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    try channel.pipeline.syncOperations.addHandler(ExportResponseHandler(promise: promise))
                }
            }
            .connect(host: self.endpoint.host, port: self.endpoint.port)
        connect.whenComplete { result in
            switch result {
            case .success(let channel):
                promise.futureResult.whenComplete { _ in channel.close(promise: nil) }
                channel.write(HTTPClientRequestPart.head(request), promise: nil)
                channel.write(HTTPClientRequestPart.body(.byteBuffer(ByteBuffer(bytes: body))), promise: nil)
                channel.writeAndFlush(HTTPClientRequestPart.end(nil)).whenFailure { promise.fail($0) }
            case .failure(let error):
                promise.fail(error)
            }
        }
        let outcome: Outcome
        do {
            let head = try await promise.futureResult.get()
            outcome = Self.outcome(of: head)
        } catch {
            outcome = .retryable("\(error)", retryAfter: nil)
        }
        timer.cancel()
        return outcome
    }

    private func requestHead(contentLength: Int) -> HTTPRequestHead {
        var headers = HTTPHeaders()
        let host = self.endpoint.host.contains(":") ? "[\(self.endpoint.host)]" : self.endpoint.host
        headers.add(name: "host", value: "\(host):\(self.endpoint.port)")
        headers.add(name: "content-type", value: "application/json")
        headers.add(name: "content-length", value: String(contentLength))
        headers.add(name: "user-agent", value: "planning-rpcd-otlp/1")
        headers.add(name: "connection", value: "close")
        for (name, value) in self.endpoint.headers {
            headers.replaceOrAdd(name: name, value: value)
        }
        return HTTPRequestHead(version: .http1_1, method: .POST, uri: self.endpoint.path, headers: headers)
    }

    /// OTLP/HTTP's rules: 2xx is accepted (a partial success is still an answer, not to be retried), 429, 502, 503
    /// and 504 may be retried, honouring a `Retry-After` in seconds; anything else is final.
    static func outcome(of head: HTTPResponseHead) -> Outcome {
        let code = Int(head.status.code)
        switch code {
        case 200..<300:
            return .accepted
        case 429, 502, 503, 504:
            let retryAfter = head.headers.first(name: "retry-after").flatMap { Int($0) }.map { Duration.seconds($0) }
            return .retryable("HTTP \(code)", retryAfter: retryAfter)
        default:
            return .rejected("HTTP \(code)")
        }
    }

    static func nanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}

/// Why an export attempt failed before a response arrived.
struct ExportFailure: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}
