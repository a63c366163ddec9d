internal import CNghttp2

/// The nghttp2 session and its C callbacks.
///
/// Callbacks are closures that capture nothing (C function pointers); the connection arrives as
/// `user_data` and each stream as the stream's user data, both unretained: the connection owns the
/// session and its stream table owns the streams until `on_stream_close`.
extension HTTP2ServerConnection {
    struct SessionError: Error, CustomStringConvertible {
        let code: Int32
        var description: String { "nghttp2 session: \(String(cString: nghttp2_strerror(self.code)))" }
    }

    static func makeSession(configuration: ServerConfiguration, userData: HTTP2ServerConnection) throws -> OpaquePointer {
        var callbacks: OpaquePointer?
        guard nghttp2_session_callbacks_new(&callbacks) == 0, let callbacks else {
            throw SessionError(code: NGHTTP2_ERR_NOMEM.rawValue)
        }
        defer { nghttp2_session_callbacks_del(callbacks) }
        nghttp2_session_callbacks_set_on_begin_frame_callback(callbacks, Self.onBeginFrame)
        nghttp2_session_callbacks_set_on_begin_headers_callback(callbacks, Self.onBeginHeaders)
        nghttp2_session_callbacks_set_on_header_callback(callbacks, Self.onHeader)
        nghttp2_session_callbacks_set_on_frame_recv_callback(callbacks, Self.onFrameRecv)
        nghttp2_session_callbacks_set_on_data_chunk_recv_callback(callbacks, Self.onDataChunkRecv)
        nghttp2_session_callbacks_set_on_stream_close_callback(callbacks, Self.onStreamClose)
        nghttp2_session_callbacks_set_on_frame_send_callback(callbacks, Self.onFrameSend)

        var option: OpaquePointer?
        guard nghttp2_option_new(&option) == 0, let option else {
            throw SessionError(code: NGHTTP2_ERR_NOMEM.rawValue)
        }
        defer { nghttp2_option_del(option) }
        nghttp2_option_set_max_outbound_ack(option, configuration.maxOutboundAcks)
        nghttp2_option_set_max_settings(option, configuration.maxSettingsEntries)
        nghttp2_option_set_stream_reset_rate_limit(
            option,
            UInt64(configuration.resetRateBurst),
            UInt64(configuration.resetRatePerSecond)
        )
        nghttp2_option_set_max_continuations(option, configuration.maxContinuations)
        // Closed streams are kept only for the priority tree, which we switch off.
        nghttp2_option_set_no_closed_streams(option, 1)

        var session: OpaquePointer?
        let result = nghttp2_session_server_new2(
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

    private static func connection(_ userData: UnsafeMutableRawPointer?) -> HTTP2ServerConnection {
        Unmanaged<HTTP2ServerConnection>.fromOpaque(userData!).takeUnretainedValue()
    }

    private static func stream(_ session: OpaquePointer?, _ streamID: Int32) -> ServerStream? {
        guard let pointer = nghttp2_session_get_stream_user_data(session, streamID) else { return nil }
        return Unmanaged<ServerStream>.fromOpaque(pointer).takeUnretainedValue()
    }

    private static let temporalFailure = NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE.rawValue

    private static let onBeginFrame: nghttp2_on_begin_frame_callback = { _, header, userData in
        guard let header, header.pointee.type == UInt8(NGHTTP2_HEADERS.rawValue) else { return 0 }
        HTTP2ServerConnection.connection(userData).headersFrameBegins(streamID: header.pointee.stream_id)
        return 0
    }

    private static let onBeginHeaders: nghttp2_on_begin_headers_callback = { session, frame, userData in
        guard let frame, frame.pointee.hd.type == UInt8(NGHTTP2_HEADERS.rawValue),
            frame.pointee.headers.cat == NGHTTP2_HCAT_REQUEST
        else { return 0 }
        let connection = HTTP2ServerConnection.connection(userData)
        let stream = connection.beginStream(id: frame.pointee.hd.stream_id)
        nghttp2_session_set_stream_user_data(session, stream.id, Unmanaged.passUnretained(stream).toOpaque())
        return 0
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
        guard let frame, let stream = HTTP2ServerConnection.stream(session, frame.pointee.hd.stream_id) else { return 0 }
        guard stream.state == .receivingHead else {
            // Request trailers: a unary or server-streaming call has no use for them.
            return 0
        }
        // nghttp2 advertises SETTINGS_MAX_HEADER_LIST_SIZE but does not enforce it; RFC 9113
        // counts each field as its name, its value and 32 bytes.
        stream.headerBytes += nameLength + valueLength + 32
        if stream.headerBytes > stream.connection.configuration.maxHeaderListSize {
            return HTTP2ServerConnection.temporalFailure  // nghttp2 resets the stream and stops calling us for this block.
        }
        stream.headParser.add(
            name: UnsafeRawBufferPointer(start: name, count: nameLength),
            value: UnsafeRawBufferPointer(start: value, count: valueLength)
        )
        return 0
    }

    private static let onFrameRecv: nghttp2_on_frame_recv_callback = { session, frame, userData in
        guard let frame else { return 0 }
        let header = frame.pointee.hd
        let endStream = header.flags & UInt8(NGHTTP2_FLAG_END_STREAM.rawValue) != 0
        switch UInt32(header.type) {
        case NGHTTP2_HEADERS.rawValue:
            guard let stream = HTTP2ServerConnection.stream(session, header.stream_id) else { return 0 }
            if frame.pointee.headers.cat == NGHTTP2_HCAT_REQUEST {
                stream.headersComplete(endStream: endStream)
            } else if endStream {
                stream.requestComplete()
            }
        case NGHTTP2_DATA.rawValue:
            if endStream, let stream = HTTP2ServerConnection.stream(session, header.stream_id) {
                stream.requestComplete()
            }
        case NGHTTP2_PING.rawValue:
            let connection = HTTP2ServerConnection.connection(userData)
            if header.flags & UInt8(NGHTTP2_FLAG_ACK.rawValue) != 0 {
                connection.pingAckReceived()
            } else {
                connection.pingReceived()
            }
        case NGHTTP2_SETTINGS.rawValue:
            if header.flags & UInt8(NGHTTP2_FLAG_ACK.rawValue) == 0 {
                HTTP2ServerConnection.connection(userData).handshakeCompleted()
            }
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
        guard let stream = HTTP2ServerConnection.stream(session, streamID) else { return 0 }
        stream.receive(UnsafeRawBufferPointer(start: data, count: length))
        return 0
    }

    private static let onStreamClose: nghttp2_on_stream_close_callback = { _, streamID, _, userData in
        HTTP2ServerConnection.connection(userData).streamClosed(id: streamID)
        return 0
    }

    private static let onFrameSend: nghttp2_on_frame_send_callback = { session, frame, userData in
        guard let frame else { return 0 }
        let header = frame.pointee.hd
        let connection = HTTP2ServerConnection.connection(userData)
        switch UInt32(header.type) {
        case NGHTTP2_HEADERS.rawValue, NGHTTP2_DATA.rawValue:
            connection.responseFrameSent()
            // We answered before the client finished sending (an early error): tell it to stop,
            // as RFC 9113 8.1 says, with NO_ERROR so it still reads our response.
            if header.flags & UInt8(NGHTTP2_FLAG_END_STREAM.rawValue) != 0,
                nghttp2_session_get_stream_remote_close(session, header.stream_id) == 0
            {
                _ = nghttp2_submit_rst_stream(
                    session,
                    UInt8(NGHTTP2_FLAG_NONE.rawValue),
                    header.stream_id,
                    NGHTTP2_NO_ERROR.rawValue
                )
            }
        case NGHTTP2_RST_STREAM.rawValue:
            if frame.pointee.rst_stream.error_code != NGHTTP2_NO_ERROR.rawValue {
                connection.serverResetSent()
            }
        default:
            break
        }
        return 0
    }

    static let readBodyCallback: nghttp2_data_source_read_callback = {
        session,
        streamID,
        buffer,
        length,
        flags,
        _,
        _ in
        guard let stream = HTTP2ServerConnection.stream(session, streamID), let buffer, let flags else {
            return Int(NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE.rawValue)
        }
        return stream.readBody(into: buffer, length: length, flags: &flags.pointee)
    }
}
