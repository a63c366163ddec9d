internal import CNghttp2
internal import Logging
internal import NIOCore
internal import RPCFraming

/// One connection to the server: an nghttp2 client session fed with the channel's bytes, and its calls.
///
/// Everything here runs on the channel's event loop, which is why the class is `@unchecked Sendable`: it is
/// created off the loop and handed over once. nghttp2 is never re-entered: `mem_recv` and `mem_send` run only
/// from channel events and scheduled flushes, never from a callback (callbacks only submit and consume).
final class HTTP2ClientConnection: @unchecked Sendable {
    let configuration: ClientConfiguration
    let staticHeaders: StaticHeaderBlock
    let eventLoop: any EventLoop
    let logger: Logger

    private(set) var session: OpaquePointer?
    private var streams: [Int32: ClientStream] = [:]
    private var context: ChannelHandlerContext?

    /// True while `mem_recv` runs: a flush is due at `channelReadComplete` anyway.
    private var reading = false
    private var flushScheduled = false
    private var closeAfterFlush = false
    /// Set by a GOAWAY from the server: no new streams here; calls in flight may finish.
    private(set) var goingAway = false
    /// Why the connection failed before it was ready (a TLS handshake error), for the calls that waited for it.
    var failureReason: String?

    /// Called once, on the loop, when the server sends GOAWAY or the connection closes, so the channel
    /// opens a new connection for the next call.
    var onUnusable: ((HTTP2ClientConnection) -> Void)?
    /// Called once, on the loop, when the channel is active and the session exists. NIO succeeds the
    /// connect future before `channelActive`, so the future alone does not mean "ready".
    var onActive: ((HTTP2ClientConnection) -> Void)?

    init(
        configuration: ClientConfiguration,
        staticHeaders: StaticHeaderBlock,
        eventLoop: any EventLoop,
        logger: Logger
    ) {
        self.configuration = configuration
        self.staticHeaders = staticHeaders
        self.eventLoop = eventLoop
        self.logger = logger
    }

    /// True when new calls may start here.
    var isUsable: Bool { self.session != nil && !self.goingAway && !self.closeAfterFlush }

    /// Number of calls on the connection, for tests and the bench.
    var activeStreamCount: Int { self.streams.count }

    // MARK: Lifecycle

    /// Creates the nghttp2 session and queues the preface and our SETTINGS.
    func start(context: ChannelHandlerContext) throws {
        self.context = context
        let session = try Self.makeSession(userData: self)
        self.session = session
        let settings: [nghttp2_settings_entry] = [
            .init(settings_id: Int32(NGHTTP2_SETTINGS_ENABLE_PUSH.rawValue), value: 0),
            .init(
                settings_id: Int32(NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE.rawValue),
                value: UInt32(self.configuration.initialStreamWindowSize)
            ),
        ]
        settings.withUnsafeBufferPointer { entries in
            _ = nghttp2_submit_settings(session, UInt8(NGHTTP2_FLAG_NONE.rawValue), entries.baseAddress, entries.count)
        }
        _ = nghttp2_session_set_local_window_size(
            session,
            UInt8(NGHTTP2_FLAG_NONE.rawValue),
            0,
            Int32(self.configuration.connectionWindowSize)
        )
        self.flush()
        let onActive = self.onActive
        self.onActive = nil
        onActive?(self)
    }

    /// The channel is gone: every call still running fails with UNAVAILABLE, the session is freed.
    func close(reason: String) {
        self.onActive = nil
        guard let session = self.session else {
            // Closed before it was ever active: the channel still has to learn it.
            self.notifyUnusable()
            return
        }
        self.session = nil
        let streams = self.streams
        self.streams.removeAll()
        nghttp2_session_del(session)
        self.context = nil
        self.notifyUnusable()
        for stream in streams.values {
            stream.connectionLost(reason)
        }
    }

    private func notifyUnusable() {
        let callback = self.onUnusable
        self.onUnusable = nil
        callback?(self)
    }

    // MARK: Calls

    /// Submits a call's HEADERS and body. Returns the stream id, or the status to fail the call with.
    func submit(_ stream: ClientStream) -> Result<Int32, RPCError> {
        guard let session = self.session, self.isUsable else {
            return .failure(RPCError(code: .unavailable, message: "the connection is closing"))
        }
        let id: Int32 = self.staticHeaders.withNameValues(appending: stream.requestHeaders) { nvs, count in
            var provider = nghttp2_data_provider(
                source: nghttp2_data_source(ptr: nil),
                read_callback: Self.readRequestBodyCallback
            )
            let userData = Unmanaged.passUnretained(stream).toOpaque()
            return nghttp2_submit_request(session, nil, nvs, count, &provider, userData)
        }
        guard id > 0 else {
            if id == NGHTTP2_ERR_STREAM_ID_NOT_AVAILABLE.rawValue {
                // Stream ids are spent: this connection takes no more calls.
                self.goingAway = true
                self.notifyUnusable()
            }
            let reason = String(cString: nghttp2_strerror(id))
            return .failure(RPCError(code: .unavailable, message: "cannot start the call: \(reason)"))
        }
        self.streams[id] = stream
        self.scheduleFlush()
        return .success(id)
    }

    func resetStream(id: Int32) {
        guard let session = self.session else { return }
        _ = nghttp2_submit_rst_stream(session, UInt8(NGHTTP2_FLAG_NONE.rawValue), id, NGHTTP2_CANCEL.rawValue)
        self.scheduleFlush()
    }

    /// Gives `count` received bytes of stream `id` back to flow control (stream and connection windows).
    /// After the stream has closed only the connection window is credited, which is what is still owed.
    func consume(streamID id: Int32, count: Int) {
        guard let session = self.session, count > 0 else { return }
        _ = nghttp2_session_consume(session, id, count)
        self.scheduleFlush()
    }

    func stream(id: Int32) -> ClientStream? {
        self.streams[id]
    }

    func streamClosed(id: Int32, errorCode: UInt32) {
        guard let stream = self.streams.removeValue(forKey: id) else { return }
        stream.closed(errorCode: errorCode)
    }

    func goAwayReceived(lastStreamID: Int32, errorCode: UInt32) {
        self.logger.debug(
            "server sent GOAWAY",
            metadata: ["rpc.last_stream": "\(lastStreamID)", "rpc.error_code": "\(errorCode)"]
        )
        self.goingAway = true
        self.notifyUnusable()
    }

    // MARK: Input

    func receive(_ buffer: ByteBuffer) {
        guard let session = self.session else { return }
        self.reading = true
        let result = buffer.withUnsafeReadableBytes { bytes in
            nghttp2_session_mem_recv(session, bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), bytes.count)
        }
        self.reading = false
        if result < 0 {
            self.logger.debug(
                "closing connection after a protocol error",
                metadata: ["error": "\(String(cString: nghttp2_strerror(Int32(result))))"]
            )
            self.closeAfterFlush = true
        }
    }

    func readComplete() {
        self.flush()
    }

    // MARK: Output

    /// Flushes at the end of this event-loop tick, so the calls started in one tick share one write.
    func scheduleFlush() {
        guard !self.flushScheduled, !self.reading, self.session != nil else { return }
        self.flushScheduled = true
        self.eventLoop.execute {
            self.flush()
        }
    }

    /// Moves what nghttp2 has queued into the channel while the channel is writable; the rest waits for
    /// `channelWritabilityChanged`.
    func flush() {
        self.flushScheduled = false
        guard let session = self.session, let context = self.context else { return }
        var wrote = false
        var drained = false
        while context.channel.isWritable && !drained {
            var buffer = context.channel.allocator.buffer(capacity: 16 * 1024)
            while buffer.readableBytes < 64 * 1024 {
                var data: UnsafePointer<UInt8>?
                let count = nghttp2_session_mem_send(session, &data)
                if count < 0 {
                    self.logger.debug("nghttp2 send failed", metadata: ["code": "\(count)"])
                    self.closeAfterFlush = true
                    drained = true
                    break
                }
                guard count > 0, let data else {
                    drained = true
                    break
                }
                buffer.writeBytes(UnsafeRawBufferPointer(start: data, count: count))
            }
            if buffer.readableBytes > 0 {
                context.write(NIOAny(buffer), promise: nil)
                wrote = true
            }
        }
        if wrote {
            context.flush()
        }
        // After GOAWAY, nghttp2 wants neither read nor write once the last call is done.
        let finished = nghttp2_session_want_read(session) == 0 && nghttp2_session_want_write(session) == 0
        if self.closeAfterFlush || finished {
            context.close(promise: nil)
        }
    }

    /// Closes the channel; calls in flight fail with UNAVAILABLE.
    func closeChannel() {
        self.context?.close(promise: nil)
    }
}
