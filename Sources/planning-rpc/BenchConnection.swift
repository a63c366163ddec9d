import CNghttp2
import Foundation
import NIOCore
import NIOPosix
import NIOSSL
import NIOTLS
import RPCFraming

/// The bench's own lean HTTP/2 connection: one nghttp2 session that sends the same request over and over and
/// only counts what comes back (the grpc-status digits and the message frames), so that the load generator costs
/// far less per call than the server it measures.
///
/// Per call it allocates nothing: the header block is laid out once, each call is a slot in a reusable table
/// (its index is the nghttp2 stream user data), and response headers are matched as bytes, never as Strings.
/// The general-purpose client (``GRPCChannel``) stays available with `bench --client channel`.
///
/// `@unchecked Sendable`: everything mutable is touched only on `eventLoop`.
final class BenchConnection: @unchecked Sendable {
    /// Receives each call's end, on the event loop, from inside the connection's read.
    protocol Delegate: AnyObject {
        func callEnded(code: StatusCode, messages: Int, started: NIODeadline, measured: Bool)
        func connectionLost()
    }

    struct Slot {
        var started: NIODeadline = .uptimeNanoseconds(0)
        var measured = false
        var httpStatus = 0
        var grpcStatus = -1
        var messages = 0
        /// Bytes of the current message prefix seen (0...5), and body bytes left in the current message.
        var prefixSeen = 0
        var prefix: UInt32 = 0
        var bodyLeft = 0
        var bodySent = 0
    }

    let eventLoop: any EventLoop
    /// Strong (a weak load per call shows in profiles); ``close()`` lets go of it.
    var delegate: (any Delegate)?
    private(set) var session: OpaquePointer?
    private var context: ChannelHandlerContext?
    private var channel: (any Channel)?
    /// The call table, by slot; a raw buffer, so no exclusivity check per access.
    private var slots = UnsafeMutablePointer<Slot>.allocate(capacity: 128)
    private var slotCapacity = 128
    private var slotCount = 0
    private var free: [Int] = []
    private var reading = false
    private var flushScheduled = false
    private var inFlight = 0

    /// The request: its header fields (laid out once, never copied by nghttp2) and its framed body.
    private let fields: UnsafeMutablePointer<nghttp2_nv>
    private let fieldCount: Int
    private let storage: [UnsafeMutableBufferPointer<UInt8>]
    private let body: UnsafeMutableBufferPointer<UInt8>

    init(eventLoop: any EventLoop, host: String, port: Int, path: String, request: [UInt8], timeout: Duration?,
         userAgent: String, tls: Bool = false)
    {
        self.eventLoop = eventLoop
        var pairs: [(String, String)] = [
            (":method", "POST"), (":scheme", tls ? "https" : "http"), (":path", path),
            (":authority", "\(host):\(port)"),
            ("content-type", "application/grpc"), ("te", "trailers"), ("user-agent", userAgent),
        ]
        if let timeout {
            pairs.append(("grpc-timeout", "\(max(1, timeout.nanosecondCount / 1_000_000))m"))
        }
        var storage: [UnsafeMutableBufferPointer<UInt8>] = []
        func copy(_ string: String) -> UnsafeMutableBufferPointer<UInt8> {
            let bytes = Array(string.utf8)
            let buffer = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: max(1, bytes.count))
            _ = buffer.initialize(from: bytes)
            storage.append(buffer)
            return UnsafeMutableBufferPointer(rebasing: buffer[0..<bytes.count])
        }
        self.fields = .allocate(capacity: pairs.count)
        let noCopy = UInt8(NGHTTP2_NV_FLAG_NO_COPY_NAME.rawValue | NGHTTP2_NV_FLAG_NO_COPY_VALUE.rawValue)
        for (index, (name, value)) in pairs.enumerated() {
            let name = copy(name)
            let value = copy(value)
            (self.fields + index).initialize(
                to: nghttp2_nv(name: name.baseAddress!, value: value.baseAddress!, namelen: name.count,
                               valuelen: value.count, flags: noCopy)
            )
        }
        self.fieldCount = pairs.count
        self.body = .allocate(capacity: 5 + request.count)
        self.body[0] = 0
        for index in 0..<4 {
            self.body[1 + index] = UInt8(truncatingIfNeeded: UInt32(request.count) >> (24 - 8 * index))
        }
        if !request.isEmpty {
            _ = UnsafeMutableBufferPointer(rebasing: self.body[5...]).initialize(from: request)
        }
        self.storage = storage
    }

    deinit {
        if let session { nghttp2_session_del(session) }
        self.fields.deinitialize(count: self.fieldCount)
        self.fields.deallocate()
        for buffer in self.storage { buffer.deallocate() }
        self.body.deallocate()
        self.slots.deinitialize(count: self.slotCount)
        self.slots.deallocate()
    }

    /// Connects; the future completes once the session exists and the preface is on its way (over TLS: once the
    /// handshake has negotiated h2, so that a measurement never includes handshakes).
    func connect(host: String, port: Int, tls: (context: NIOSSLContext, serverHostname: String?)? = nil)
        -> EventLoopFuture<Void>
    {
        let ready = self.eventLoop.makePromise(of: Void.self)
        ClientBootstrap(group: self.eventLoop)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let tls {
                        try channel.pipeline.syncOperations.addHandler(
                            NIOSSLClientHandler(context: tls.context, serverHostname: tls.serverHostname)
                        )
                    }
                    try channel.pipeline.syncOperations.addHandler(
                        Handler(connection: self, ready: ready, waitsForTLS: tls != nil)
                    )
                }
            }
            .connect(host: host, port: port)
            .whenComplete { result in
                switch result {
                case .success(let channel): self.channel = channel
                case .failure(let error): ready.fail(error)
                }
            }
        return ready.futureResult
    }

    func close() -> EventLoopFuture<Void> {
        self.eventLoop.flatSubmit {
            self.delegate = nil
            guard let channel = self.channel else { return self.eventLoop.makeSucceededVoidFuture() }
            return channel.close().recover { _ in }
        }
    }

    /// Starts one call; on the event loop only. Returns false when the connection cannot take it.
    func startCall(started: NIODeadline, measured: Bool) -> Bool {
        guard let session = self.session else { return false }
        let slot: Int
        if let reused = self.free.popLast() {
            slot = reused
            self.slots[slot] = Slot(started: started, measured: measured)
        } else {
            if self.slotCount == self.slotCapacity {
                let grown = UnsafeMutablePointer<Slot>.allocate(capacity: self.slotCapacity * 2)
                grown.moveInitialize(from: self.slots, count: self.slotCount)
                self.slots.deallocate()
                self.slots = grown
                self.slotCapacity *= 2
            }
            slot = self.slotCount
            (self.slots + slot).initialize(to: Slot(started: started, measured: measured))
            self.slotCount += 1
        }
        var provider = nghttp2_data_provider(source: nghttp2_data_source(ptr: nil), read_callback: Self.readBody)
        let id = nghttp2_submit_request(
            session, nil, self.fields, self.fieldCount, &provider, UnsafeMutableRawPointer(bitPattern: slot + 1)
        )
        guard id > 0 else {
            self.free.append(slot)
            return false
        }
        self.inFlight += 1
        self.scheduleFlush()
        return true
    }

    // MARK: Session

    fileprivate func start(context: ChannelHandlerContext) throws {
        self.context = context
        var callbacks: OpaquePointer?
        guard nghttp2_session_callbacks_new(&callbacks) == 0, let callbacks else { throw ChannelError.inappropriateOperationForState }
        defer { nghttp2_session_callbacks_del(callbacks) }
        nghttp2_session_callbacks_set_on_header_callback(callbacks, Self.onHeader)
        nghttp2_session_callbacks_set_on_data_chunk_recv_callback(callbacks, Self.onData)
        nghttp2_session_callbacks_set_on_stream_close_callback(callbacks, Self.onStreamClose)
        var option: OpaquePointer?
        guard nghttp2_option_new(&option) == 0, let option else { throw ChannelError.inappropriateOperationForState }
        defer { nghttp2_option_del(option) }
        nghttp2_option_set_no_closed_streams(option, 1)
        var session: OpaquePointer?
        guard nghttp2_session_client_new2(&session, callbacks, Unmanaged.passUnretained(self).toOpaque(), option) == 0,
            let session
        else { throw ChannelError.inappropriateOperationForState }
        self.session = session
        // Windows as large as HTTP/2 allows, as h2load's: flow control never paces the bench.
        let window: UInt32 = (1 << 30) - 1
        let settings: [nghttp2_settings_entry] = [
            .init(settings_id: Int32(NGHTTP2_SETTINGS_ENABLE_PUSH.rawValue), value: 0),
            .init(settings_id: Int32(NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE.rawValue), value: window),
        ]
        settings.withUnsafeBufferPointer {
            _ = nghttp2_submit_settings(session, UInt8(NGHTTP2_FLAG_NONE.rawValue), $0.baseAddress, $0.count)
        }
        _ = nghttp2_session_set_local_window_size(session, UInt8(NGHTTP2_FLAG_NONE.rawValue), 0, Int32(window))
        self.flush()
    }

    fileprivate func receive(_ buffer: ByteBuffer) {
        guard let session = self.session else { return }
        self.reading = true
        let result = buffer.withUnsafeReadableBytes {
            nghttp2_session_mem_recv(session, $0.baseAddress?.assumingMemoryBound(to: UInt8.self), $0.count)
        }
        self.reading = false
        if result < 0 { self.context?.close(promise: nil) }
    }

    private func scheduleFlush() {
        guard !self.flushScheduled, !self.reading else { return }
        self.flushScheduled = true
        self.eventLoop.execute { self.flush() }
    }

    fileprivate func flush() {
        self.flushScheduled = false
        guard let session = self.session, let context = self.context else { return }
        var wrote = false
        var drained = false
        while context.channel.isWritable && !drained {
            var buffer = context.channel.allocator.buffer(capacity: 16 * 1024)
            while buffer.readableBytes < 64 * 1024 {
                var data: UnsafePointer<UInt8>?
                let count = nghttp2_session_mem_send(session, &data)
                guard count > 0, let data else {
                    drained = true
                    if count < 0 { context.close(promise: nil) }
                    break
                }
                buffer.writeBytes(UnsafeRawBufferPointer(start: data, count: count))
            }
            if buffer.readableBytes > 0 {
                context.write(NIOAny(buffer), promise: nil)
                wrote = true
            }
        }
        if wrote { context.flush() }
    }

    fileprivate func lost() {
        guard let session = self.session else { return }
        self.session = nil
        self.context = nil
        nghttp2_session_del(session)
        // Calls in flight end as UNAVAILABLE.
        let pending = self.inFlight
        self.inFlight = 0
        self.free = Array(0..<self.slotCount)
        for _ in 0..<pending {
            self.delegate?.callEnded(code: .unavailable, messages: 0, started: .now(), measured: false)
        }
        self.delegate?.connectionLost()
    }

    // MARK: Per-call events

    private func header(slot: Int, name: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer) {
        if name.count == 11, memcmp(name.baseAddress!, Self.grpcStatus.utf8Start, 11) == 0 {
            self.slots[slot].grpcStatus = Self.integer(value)
        } else if name.count == 7, memcmp(name.baseAddress!, Self.status.utf8Start, 7) == 0 {
            self.slots[slot].httpStatus = Self.integer(value)
        }
    }

    private static let grpcStatus: StaticString = "grpc-status"
    private static let status: StaticString = ":status"

    private static func integer(_ bytes: UnsafeRawBufferPointer) -> Int {
        var value = 0
        for byte in bytes {
            guard byte >= 48 && byte <= 57 else { return -1 }
            value = value * 10 + Int(byte - 48)
        }
        return value
    }

    /// Counts complete messages in a DATA chunk.
    private func data(slot: Int, _ chunk: UnsafeRawBufferPointer) {
        var call = self.slots[slot]
        var offset = 0
        while offset < chunk.count {
            if call.bodyLeft > 0 {
                let take = min(call.bodyLeft, chunk.count - offset)
                call.bodyLeft -= take
                offset += take
                if call.bodyLeft == 0 { call.messages += 1 }
                continue
            }
            let byte = chunk[offset]
            offset += 1
            if call.prefixSeen > 0 { call.prefix = call.prefix << 8 | UInt32(byte) }
            call.prefixSeen += 1
            if call.prefixSeen == 5 {
                call.prefixSeen = 0
                call.bodyLeft = Int(call.prefix)
                call.prefix = 0
                if call.bodyLeft == 0 { call.messages += 1 }
            }
        }
        self.slots[slot] = call
    }

    private func closed(slot: Int, errorCode: UInt32) {
        let call = self.slots[slot]
        self.free.append(slot)
        self.inFlight -= 1
        let code: StatusCode
        if call.grpcStatus >= 0 {
            code = StatusCode(rawValue: call.grpcStatus) ?? .unknown
        } else if call.httpStatus != 0 && call.httpStatus != 200 {
            code = Self.code(httpStatus: call.httpStatus)
        } else if errorCode == NGHTTP2_REFUSED_STREAM.rawValue {
            code = .unavailable
        } else if errorCode == NGHTTP2_CANCEL.rawValue {
            code = .cancelled
        } else {
            code = .internalError
        }
        self.delegate?.callEnded(code: code, messages: call.messages, started: call.started, measured: call.measured)
    }

    /// The gRPC code of an HTTP status without grpc-status (the gRPC HTTP/2 mapping).
    private static func code(httpStatus: Int) -> StatusCode {
        switch httpStatus {
        case 400: .internalError
        case 401: .unauthenticated
        case 403: .permissionDenied
        case 404: .unimplemented
        case 429, 502, 503, 504: .unavailable
        default: .unknown
        }
    }

    private func readBody(slot: Int, into buffer: UnsafeMutablePointer<UInt8>, length: Int, flags: inout UInt32) -> Int {
        let sent = self.slots[slot].bodySent
        let count = min(length, self.body.count - sent)
        if count > 0 {
            buffer.update(from: self.body.baseAddress! + sent, count: count)
        }
        self.slots[slot].bodySent = sent + count
        if sent + count == self.body.count {
            flags |= NGHTTP2_DATA_FLAG_EOF.rawValue
        }
        return count
    }

    // MARK: C callbacks (no captures; the connection is the session's user data, the slot the stream's)

    private static func connection(_ userData: UnsafeMutableRawPointer?) -> BenchConnection {
        Unmanaged<BenchConnection>.fromOpaque(userData!).takeUnretainedValue()
    }

    private static func slot(_ session: OpaquePointer?, _ streamID: Int32) -> Int? {
        guard let pointer = nghttp2_session_get_stream_user_data(session, streamID) else { return nil }
        return Int(bitPattern: pointer) - 1
    }

    private static let onHeader: nghttp2_on_header_callback = {
        session, frame, name, nameLength, value, valueLength, _, userData in
        guard let frame, let slot = BenchConnection.slot(session, frame.pointee.hd.stream_id) else { return 0 }
        BenchConnection.connection(userData).header(
            slot: slot,
            name: UnsafeRawBufferPointer(start: name, count: nameLength),
            value: UnsafeRawBufferPointer(start: value, count: valueLength)
        )
        return 0
    }

    private static let onData: nghttp2_on_data_chunk_recv_callback = {
        session, _, streamID, data, length, userData in
        if let slot = BenchConnection.slot(session, streamID) {
            BenchConnection.connection(userData).data(slot: slot, UnsafeRawBufferPointer(start: data, count: length))
        }
        return 0
    }

    private static let onStreamClose: nghttp2_on_stream_close_callback = { session, streamID, errorCode, userData in
        if let slot = BenchConnection.slot(session, streamID) {
            BenchConnection.connection(userData).closed(slot: slot, errorCode: errorCode)
        }
        return 0
    }

    private static let readBody: nghttp2_data_source_read_callback = {
        session, streamID, buffer, length, flags, _, userData in
        guard let slot = BenchConnection.slot(session, streamID), let buffer, let flags else {
            return Int(NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE.rawValue)
        }
        return BenchConnection.connection(userData).readBody(slot: slot, into: buffer, length: length,
                                                             flags: &flags.pointee)
    }

    /// Bytes between the socket and the session.
    private final class Handler: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer

        let connection: BenchConnection
        let ready: EventLoopPromise<Void>
        /// Over TLS the session starts at the end of the handshake, and only if it negotiated h2.
        let waitsForTLS: Bool
        var started = false

        init(connection: BenchConnection, ready: EventLoopPromise<Void>, waitsForTLS: Bool) {
            self.connection = connection
            self.ready = ready
            self.waitsForTLS = waitsForTLS
        }

        func handlerAdded(context: ChannelHandlerContext) {
            if context.channel.isActive && !self.waitsForTLS { self.start(context: context) }
        }

        func channelActive(context: ChannelHandlerContext) {
            if !self.waitsForTLS { self.start(context: context) }
            context.fireChannelActive()
        }

        func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
            if let tlsEvent = event as? TLSUserEvent, case .handshakeCompleted(let negotiated) = tlsEvent {
                guard negotiated == "h2" else {
                    self.ready.fail(CommandError("the server did not negotiate ALPN h2"))
                    context.close(promise: nil)
                    return
                }
                self.start(context: context)
            }
            context.fireUserInboundEventTriggered(event)
        }

        private func start(context: ChannelHandlerContext) {
            guard !self.started else { return }
            self.started = true
            do {
                try self.connection.start(context: context)
                self.ready.succeed()
            } catch {
                self.ready.fail(error)
                context.close(promise: nil)
            }
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            self.connection.receive(self.unwrapInboundIn(data))
        }

        func channelReadComplete(context: ChannelHandlerContext) {
            self.connection.flush()
            context.fireChannelReadComplete()
        }

        func channelWritabilityChanged(context: ChannelHandlerContext) {
            if context.channel.isWritable { self.connection.flush() }
            context.fireChannelWritabilityChanged()
        }

        func channelInactive(context: ChannelHandlerContext) {
            if !self.started {
                self.ready.fail(CommandError("the connection closed before HTTP/2 started"))
            }
            self.connection.lost()
            context.fireChannelInactive()
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            if !self.started {
                self.ready.fail(error)
            }
            context.close(promise: nil)
        }
    }
}
