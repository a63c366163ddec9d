internal import CNghttp2
internal import Logging
internal import NIOCore
internal import RPCFraming

/// One client connection: an nghttp2 server session fed with the channel's bytes, its gRPC
/// streams, and the policies nghttp2 leaves to the application (ping strikes, resets the server
/// is made to send, header list size, keepalive, idle and age limits, drain).
///
/// Everything here runs on the channel's event loop. nghttp2 is never re-entered: `mem_recv`
/// and `mem_send` are called only from channel events and scheduled flushes, never from a callback.
final class HTTP2ServerConnection: @unchecked Sendable {
    let configuration: ServerConfiguration
    let router: RPCRouter
    let eventLoop: any EventLoop
    let executor: EventLoopTaskExecutor
    let peer: String
    /// The RFC 4514 subject of the client certificate on a TLS connection, nil on plaintext or without one.
    let tlsPeerSubject: String?
    var logger: Logger

    private(set) var session: OpaquePointer?
    private var streams: [Int32: ServerStream] = [:]
    private var context: ChannelHandlerContext?

    /// True while `mem_recv` runs: a flush is due at `channelReadComplete` anyway.
    private var reading = false
    private var flushScheduled = false
    /// Close once the queued frames (a GOAWAY) are written.
    private var closeAfterFlush = false
    private var bufferedRequestBytes = 0

    // Ping policy, as grpc-go's keepalive enforcement.
    private var lastPingReceived: NIODeadline?
    private var pingStrikes = 0

    // Keepalive and connection timers.
    private var lastReadTime = NIODeadline.now()
    private var keepaliveTimer: RepeatedTask?
    private var keepaliveAckTimer: Scheduled<Void>?
    private var handshakeTimer: Scheduled<Void>?
    private var idleTimer: Scheduled<Void>?
    private var ageTimer: Scheduled<Void>?

    /// RFC 9113 5.1.1: opening stream N closes every lower idle stream, and a HEADERS on one of those later is
    /// a connection error PROTOCOL_ERROR. libnghttp2 ignores such a HEADERS silently, so we remember the ids a
    /// client skipped (a bounded few: clients that skip ids at all skip one or two) and answer as the RFC says.
    private var highestClientStream: Int32 = 0
    private var skippedStreams: Set<Int32> = []
    private static let maxTrackedSkippedStreams = 64

    /// Token bucket for the RST_STREAM frames the client makes us send (MadeYouReset).
    private var serverResetTokens: Double
    private var serverResetRefilled = NIODeadline.now()

    private enum DrainState {
        case open
        case noticeSent
        case goawaySent
    }
    private var drainState = DrainState.open

    var isClosed: Bool { self.session == nil }
    /// Streams open on this connection, for ``RPCServer/openStreamCount()``.
    var streamCount: Int { self.streams.count }

    init(
        configuration: ServerConfiguration,
        router: RPCRouter,
        eventLoop: any EventLoop,
        peer: String,
        tlsPeerSubject: String? = nil,
        logger: Logger
    ) {
        self.configuration = configuration
        self.router = router
        self.eventLoop = eventLoop
        self.executor = EventLoopTaskExecutor(eventLoop: eventLoop)
        self.peer = peer
        self.tlsPeerSubject = tlsPeerSubject
        self.logger = logger
        self.serverResetTokens = Double(configuration.serverResetRateBurst)
    }

    // MARK: Lifecycle

    /// Creates the nghttp2 session and queues our SETTINGS.
    func start(context: ChannelHandlerContext) throws {
        self.context = context
        self.session = try Self.makeSession(configuration: self.configuration, userData: self)
        self.submitSettings()
        self.armTimers()
        self.flush()
    }

    private func submitSettings() {
        guard let session = self.session else { return }
        let settings: [nghttp2_settings_entry] = [
            .init(
                settings_id: Int32(NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS.rawValue),
                value: UInt32(self.configuration.maxConcurrentStreams)
            ),
            .init(
                settings_id: Int32(NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE.rawValue),
                value: UInt32(self.configuration.initialStreamWindowSize)
            ),
            .init(
                settings_id: Int32(NGHTTP2_SETTINGS_MAX_HEADER_LIST_SIZE.rawValue),
                value: UInt32(self.configuration.maxHeaderListSize)
            ),
            // RFC 9218: no RFC 7540 priority tree, so PRIORITY frames cost nothing (CVE-2019-9513).
            .init(settings_id: Int32(NGHTTP2_SETTINGS_NO_RFC7540_PRIORITIES.rawValue), value: 1),
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
    }

    /// The channel is gone: cancel every call and free the session.
    func close() {
        guard let session = self.session else { return }
        for stream in self.streams.values {
            stream.closed()
        }
        self.streams.removeAll()
        self.keepaliveTimer?.cancel()
        self.keepaliveAckTimer?.cancel()
        self.handshakeTimer?.cancel()
        self.idleTimer?.cancel()
        self.ageTimer?.cancel()
        self.session = nil
        nghttp2_session_del(session)
        self.context = nil
    }

    // MARK: Input

    func receive(_ buffer: ByteBuffer) {
        guard let session = self.session else { return }
        self.lastReadTime = .now()
        self.reading = true
        let result = buffer.withUnsafeReadableBytes { bytes in
            nghttp2_session_mem_recv(session, bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), bytes.count)
        }
        self.reading = false
        if result < 0 {
            let code = Int32(result)
            self.logger.debug(
                "closing connection after a protocol error",
                metadata: ["error": "\(String(cString: nghttp2_strerror(code)))"]
            )
            if code == NGHTTP2_ERR_BAD_CLIENT_MAGIC.rawValue {
                _ = nghttp2_session_terminate_session(session, NGHTTP2_PROTOCOL_ERROR.rawValue)
            }
            self.closeAfterFlush = true
        }
    }

    func readComplete() {
        self.flush()
    }

    // MARK: Output

    /// Flushes at the end of this event-loop tick, so completions in one tick share one write.
    func scheduleFlush() {
        guard !self.flushScheduled, !self.reading, self.session != nil else { return }
        self.flushScheduled = true
        self.eventLoop.execute {
            self.flush()
        }
    }

    /// Moves what nghttp2 has queued into the channel, as long as the channel is writable; the
    /// rest waits for `channelWritabilityChanged`, which bounds what one slow reader can make us hold.
    func flush() {
        self.flushScheduled = false
        guard let session = self.session, let context = self.context else { return }
        var wrote = false
        var lastWrite: EventLoopFuture<Void>?
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
                lastWrite = context.write(NIOAny(buffer))
                wrote = true
            }
        }
        if wrote {
            context.flush()
        }
        let finished = nghttp2_session_want_read(session) == 0 && nghttp2_session_want_write(session) == 0
        if self.closeAfterFlush || finished {
            let channel = context.channel
            if let lastWrite {
                lastWrite.whenComplete { _ in channel.close(promise: nil) }
            } else {
                channel.close(promise: nil)
            }
        }
    }

    // MARK: Streams

    /// A HEADERS frame starts arriving on `streamID`: GOAWAY PROTOCOL_ERROR when it reopens a stream the
    /// client skipped.
    func headersFrameBegins(streamID: Int32) {
        guard streamID & 1 == 1 else { return }  // even ids: nghttp2 answers them itself
        if streamID > self.highestClientStream {
            var skipped = self.highestClientStream == 0 ? 1 : self.highestClientStream + 2
            while skipped < streamID, self.skippedStreams.count < Self.maxTrackedSkippedStreams {
                self.skippedStreams.insert(skipped)
                skipped += 2
            }
            self.highestClientStream = streamID
        } else if self.skippedStreams.contains(streamID) {
            self.logger.debug("HEADERS on a skipped, closed stream", metadata: ["stream": "\(streamID)"])
            self.goAway(error: NGHTTP2_PROTOCOL_ERROR, debugData: "HEADERS on closed stream \(streamID)")
        }
    }

    func beginStream(id: Int32) -> ServerStream {
        let stream = ServerStream(id: id, connection: self)
        self.streams[id] = stream
        self.idleTimer?.cancel()
        self.idleTimer = nil
        return stream
    }

    func streamClosed(id: Int32) {
        guard let stream = self.streams.removeValue(forKey: id) else { return }
        stream.closed()
        if self.streams.isEmpty {
            self.armIdleTimer()
        }
    }

    func reserveRequestBytes(_ count: Int) -> Bool {
        self.bufferedRequestBytes += count
        return self.bufferedRequestBytes <= self.configuration.maxBufferedRequestBytesPerConnection
    }

    func releaseRequestBytes(_ count: Int) {
        self.bufferedRequestBytes -= count
    }

    func submitResponse(streamID: Int32, headers: [(name: String, value: String)], withBody: Bool) {
        HeaderBlock.withNameValues(headers) { nvs, count in
            self.submitResponse(streamID: streamID, nameValues: nvs, count: count, withBody: withBody)
        }
    }

    func submitResponse(streamID: Int32, block: StaticHeaderBlock, withBody: Bool) {
        self.submitResponse(streamID: streamID, nameValues: block.nameValues, count: block.count, withBody: withBody)
    }

    private func submitResponse(streamID: Int32, nameValues: UnsafePointer<nghttp2_nv>, count: Int, withBody: Bool) {
        guard let session = self.session else { return }
        let result: Int32
        if withBody {
            var provider = nghttp2_data_provider(
                source: nghttp2_data_source(ptr: nil),
                read_callback: Self.readBodyCallback
            )
            result = nghttp2_submit_response(session, streamID, nameValues, count, &provider)
        } else {
            result = nghttp2_submit_response(session, streamID, nameValues, count, nil)
        }
        if result != 0 {
            self.logger.debug("response not submitted", metadata: ["stream": "\(streamID)", "code": "\(result)"])
        }
        self.scheduleFlush()
    }

    func submitTrailers(streamID: Int32, trailers: [(name: String, value: String)]) {
        guard let session = self.session else { return }
        _ = HeaderBlock.withNameValues(trailers) { nvs, count in
            nghttp2_submit_trailer(session, streamID, nvs, count)
        }
    }

    func submitTrailers(streamID: Int32, block: StaticHeaderBlock) {
        guard let session = self.session else { return }
        _ = nghttp2_submit_trailer(session, streamID, block.nameValues, block.count)
    }

    func resumeData(streamID: Int32) {
        guard let session = self.session else { return }
        _ = nghttp2_session_resume_data(session, streamID)
        self.scheduleFlush()
    }

    // MARK: Policies

    /// grpc-go's keepalive enforcement: pings closer together than `minPingInterval` (or any
    /// ping while no call is active, unless permitted) are strikes; too many -> GOAWAY
    /// ENHANCE_YOUR_CALM "too_many_pings".
    func pingReceived() {
        let now = NIODeadline.now()
        defer { self.lastPingReceived = now }
        guard let last = self.lastPingReceived else { return }
        let interval: TimeAmount
        if self.streams.isEmpty && !self.configuration.permitPingsWithoutCalls {
            interval = .hours(2)
        } else {
            interval = TimeAmount(self.configuration.minPingInterval)
        }
        if last + interval > now {
            self.pingStrikes += 1
            if self.pingStrikes > self.configuration.maxPingStrikes {
                self.logger.info("client sent too many pings; closing the connection", metadata: ["peer": "\(self.peer)"])
                self.goAway(error: NGHTTP2_ENHANCE_YOUR_CALM, debugData: "too_many_pings")
            }
        }
    }

    /// Sending HEADERS or DATA forgives ping strikes, as in grpc-go: a client pinging while it
    /// receives responses is measuring bandwidth, not abusing.
    func responseFrameSent() {
        self.pingStrikes = 0
    }

    /// Counts an RST_STREAM we sent because of something the client did.
    func serverResetSent() {
        let now = NIODeadline.now()
        let elapsed = Double((now - self.serverResetRefilled).nanoseconds) / 1e9
        self.serverResetRefilled = now
        self.serverResetTokens = min(
            Double(self.configuration.serverResetRateBurst),
            self.serverResetTokens + elapsed * Double(self.configuration.serverResetRatePerSecond)
        )
        self.serverResetTokens -= 1
        if self.serverResetTokens < 0 {
            self.logger.info("client provokes too many stream resets; closing the connection", metadata: ["peer": "\(self.peer)"])
            self.goAway(error: NGHTTP2_ENHANCE_YOUR_CALM, debugData: "too_many_resets")
        }
    }

    private func goAway(error: nghttp2_error_code, debugData: String) {
        guard let session = self.session, !self.closeAfterFlush else { return }
        let lastStream = nghttp2_session_get_last_proc_stream_id(session)
        var debug = Array(debugData.utf8)
        _ = nghttp2_submit_goaway(session, UInt8(NGHTTP2_FLAG_NONE.rawValue), lastStream, error.rawValue, &debug, debug.count)
        ConnectionMetrics.goaway(reason: error == NGHTTP2_ENHANCE_YOUR_CALM ? "enhance_your_calm" : "protocol_error")
        self.closeAfterFlush = true
        self.scheduleFlush()
    }

    /// Graceful drain, as gRPC servers do it: a GOAWAY announcing shutdown with the largest stream
    /// id, so requests in flight are not lost, then after a round trip the real GOAWAY with the last
    /// stream we processed. Calls in flight finish; the connection closes when none is left.
    func beginDrain() {
        guard let session = self.session, self.drainState == .open else { return }
        self.logger.debug("draining connection", metadata: ["peer": "\(self.peer)"])
        self.drainState = .noticeSent
        ConnectionMetrics.goaway(reason: "drain")
        _ = nghttp2_submit_shutdown_notice(session)
        self.flush()
        self.eventLoop.scheduleTask(in: .seconds(1)) {
            self.sendFinalGoAway()
        }
    }

    private func sendFinalGoAway() {
        guard let session = self.session, self.drainState == .noticeSent else { return }
        self.drainState = .goawaySent
        let lastStream = nghttp2_session_get_last_proc_stream_id(session)
        _ = nghttp2_submit_goaway(session, UInt8(NGHTTP2_FLAG_NONE.rawValue), lastStream, NGHTTP2_NO_ERROR.rawValue, nil, 0)
        self.flush()
    }

    /// Drain timeout passed: cancel what still runs and close.
    func forceClose() {
        guard let context = self.context else { return }
        context.close(promise: nil)
    }

    // MARK: Timers

    private func armTimers() {
        self.handshakeTimer = self.eventLoop.scheduleTask(in: TimeAmount(self.configuration.handshakeTimeout)) {
            self.logger.debug("no HTTP/2 preface in time; closing", metadata: ["peer": "\(self.peer)"])
            self.forceClose()
        }
        if let age = self.configuration.maxConnectionAge {
            self.ageTimer = self.eventLoop.scheduleTask(in: TimeAmount(age)) {
                self.beginDrain()
            }
        }
        if let interval = self.configuration.keepaliveInterval {
            let amount = TimeAmount(interval)
            self.keepaliveTimer = self.eventLoop.scheduleRepeatedTask(initialDelay: amount, delay: amount) { _ in
                self.keepaliveTick(interval: amount)
            }
        }
        self.armIdleTimer()
    }

    func handshakeCompleted() {
        self.handshakeTimer?.cancel()
        self.handshakeTimer = nil
    }

    private func armIdleTimer() {
        guard let idle = self.configuration.maxConnectionIdle, self.idleTimer == nil else { return }
        self.idleTimer = self.eventLoop.scheduleTask(in: TimeAmount(idle)) {
            self.idleTimer = nil
            if self.streams.isEmpty {
                self.beginDrain()
            }
        }
    }

    private func keepaliveTick(interval: TimeAmount) {
        guard let session = self.session, self.keepaliveAckTimer == nil else { return }
        guard NIODeadline.now() - self.lastReadTime >= interval else { return }
        _ = nghttp2_submit_ping(session, UInt8(NGHTTP2_FLAG_NONE.rawValue), nil)
        self.flush()
        self.keepaliveAckTimer = self.eventLoop.scheduleTask(in: TimeAmount(self.configuration.keepaliveTimeout)) {
            self.logger.info("keepalive ping unanswered; closing", metadata: ["peer": "\(self.peer)"])
            self.forceClose()
        }
    }

    func pingAckReceived() {
        self.keepaliveAckTimer?.cancel()
        self.keepaliveAckTimer = nil
    }
}

extension TimeAmount {
    init(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        self = .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
