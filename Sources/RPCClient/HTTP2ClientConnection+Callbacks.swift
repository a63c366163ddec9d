internal import CNghttp2

/// The nghttp2 client session and its C callbacks.
///
/// Callbacks are closures that capture nothing (C function pointers); the connection arrives as `user_data` and
/// each call as its stream's user data, both unretained: the connection owns the session, and its stream table
/// owns the calls until `on_stream_close`.
extension HTTP2ClientConnection {
    struct SessionError: Error, CustomStringConvertible {
        let code: Int32
        var description: String { "nghttp2 session: \(String(cString: nghttp2_strerror(self.code)))" }
    }

    static func makeSession(userData: HTTP2ClientConnection) throws -> OpaquePointer {
        var callbacks: OpaquePointer?
        guard nghttp2_session_callbacks_new(&callbacks) == 0, let callbacks else {
            throw SessionError(code: NGHTTP2_ERR_NOMEM.rawValue)
        }
        defer { nghttp2_session_callbacks_del(callbacks) }
        nghttp2_session_callbacks_set_on_header_callback(callbacks, Self.onHeader)
        nghttp2_session_callbacks_set_on_frame_recv_callback(callbacks, Self.onFrameRecv)
        nghttp2_session_callbacks_set_on_data_chunk_recv_callback(callbacks, Self.onDataChunkRecv)
        nghttp2_session_callbacks_set_on_stream_close_callback(callbacks, Self.onStreamClose)

        var option: OpaquePointer?
        guard nghttp2_option_new(&option) == 0, let option else {
            throw SessionError(code: NGHTTP2_ERR_NOMEM.rawValue)
        }
        defer { nghttp2_option_del(option) }
        // Window updates go out only as the application consumes: that is the back-pressure of streaming calls.
        nghttp2_option_set_no_auto_window_update(option, 1)
        nghttp2_option_set_no_closed_streams(option, 1)

        var session: OpaquePointer?
        let result = nghttp2_session_client_new2(
            &session,
            callbacks,
            Unmanaged.passUnretained(userData).toOpaque(),
            option
        )
        guard result == 0, let session else {
            throw SessionError(code: result)
        }
        return session
    }

    private static func connection(_ userData: UnsafeMutableRawPointer?) -> HTTP2ClientConnection {
        Unmanaged<HTTP2ClientConnection>.fromOpaque(userData!).takeUnretainedValue()
    }

    private static func stream(_ session: OpaquePointer?, _ streamID: Int32) -> ClientStream? {
        guard let pointer = nghttp2_session_get_stream_user_data(session, streamID) else { return nil }
        return Unmanaged<ClientStream>.fromOpaque(pointer).takeUnretainedValue()
    }

    private static let onHeader: nghttp2_on_header_callback = {
        session,
        frame,
        name,
        nameLength,
        value,
        valueLength,
        _,
        _ in
        guard let frame, let stream = HTTP2ClientConnection.stream(session, frame.pointee.hd.stream_id) else {
            return 0
        }
        stream.headerReceived(
            name: String(decoding: UnsafeBufferPointer(start: name, count: nameLength), as: UTF8.self),
            value: String(decoding: UnsafeBufferPointer(start: value, count: valueLength), as: UTF8.self)
        )
        return 0
    }

    private static let onFrameRecv: nghttp2_on_frame_recv_callback = { session, frame, userData in
        guard let frame else { return 0 }
        let header = frame.pointee.hd
        switch UInt32(header.type) {
        case NGHTTP2_HEADERS.rawValue:
            let endStream = header.flags & UInt8(NGHTTP2_FLAG_END_STREAM.rawValue) != 0
            HTTP2ClientConnection.stream(session, header.stream_id)?.headersComplete(endStream: endStream)
        case NGHTTP2_GOAWAY.rawValue:
            HTTP2ClientConnection.connection(userData).goAwayReceived(
                lastStreamID: frame.pointee.goaway.last_stream_id,
                errorCode: frame.pointee.goaway.error_code
            )
        default:
            break
        }
        return 0
    }

    private static let onDataChunkRecv: nghttp2_on_data_chunk_recv_callback = {
        session,
        _,
        streamID,
        data,
        length,
        _ in
        // Bytes of a call we no longer track are owed back at once; a call decides for its own.
        var consume = length
        if let stream = HTTP2ClientConnection.stream(session, streamID) {
            consume = stream.dataReceived(UnsafeRawBufferPointer(start: data, count: length))
        }
        if consume > 0 {
            _ = nghttp2_session_consume(session, streamID, consume)
        }
        return 0
    }

    private static let onStreamClose: nghttp2_on_stream_close_callback = { _, streamID, errorCode, userData in
        HTTP2ClientConnection.connection(userData).streamClosed(id: streamID, errorCode: errorCode)
        return 0
    }

    static let readRequestBodyCallback: nghttp2_data_source_read_callback = {
        session,
        streamID,
        buffer,
        length,
        flags,
        _,
        _ in
        guard let stream = HTTP2ClientConnection.stream(session, streamID), let buffer, let flags else {
            return Int(NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE.rawValue)
        }
        return stream.readRequestBody(into: buffer, length: length, flags: &flags.pointee)
    }
}
