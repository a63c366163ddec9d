/// Client-side HTTP/2 bytes built by hand (RFC 9113 framing, RFC 7541 literal header fields), so that the fuzz
/// seeds and the request target need no HTTP/2 library and no C: a preface, SETTINGS, HEADERS and DATA frames.
enum HTTP2Bytes {
    static let preface = Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8)

    static let data: UInt8 = 0x0
    static let headers: UInt8 = 0x1
    static let settings: UInt8 = 0x4

    static let endStream: UInt8 = 0x1
    static let endHeaders: UInt8 = 0x4

    /// One frame: 24-bit length, type, flags, 31-bit stream id, payload.
    static func frame(type: UInt8, flags: UInt8, stream: UInt32, payload: [UInt8]) -> [UInt8] {
        let length = payload.count
        var bytes: [UInt8] = [UInt8(length >> 16 & 0xFF), UInt8(length >> 8 & 0xFF), UInt8(length & 0xFF), type, flags]
        bytes += [UInt8(stream >> 24 & 0x7F), UInt8(stream >> 16 & 0xFF), UInt8(stream >> 8 & 0xFF), UInt8(stream & 0xFF)]
        return bytes + payload
    }

    /// An HPACK integer with an `prefixBits`-bit prefix (RFC 7541 5.1); `first` holds the pattern's high bits.
    static func integer(_ value: Int, prefixBits: Int, first: UInt8) -> [UInt8] {
        let limit = (1 << prefixBits) - 1
        if value < limit {
            return [first | UInt8(value)]
        }
        var bytes = [first | UInt8(limit)]
        var rest = value - limit
        while rest >= 128 {
            bytes.append(UInt8(rest & 0x7F) | 0x80)
            rest >>= 7
        }
        bytes.append(UInt8(rest))
        return bytes
    }

    /// A header block of literal fields without indexing and with new names, no Huffman coding (RFC 7541 6.2.2).
    static func headerBlock(_ fields: [(String, String)]) -> [UInt8] {
        var block: [UInt8] = []
        for (name, value) in fields {
            block.append(0x00)
            block += integer(name.utf8.count, prefixBits: 7, first: 0) + Array(name.utf8)
            block += integer(value.utf8.count, prefixBits: 7, first: 0) + Array(value.utf8)
        }
        return block
    }

    /// The request head of a gRPC call to `path`.
    static func requestHeaders(path: String, extra: [(String, String)] = []) -> [(String, String)] {
        [
            (":method", "POST"), (":scheme", "http"), (":path", path), (":authority", "localhost"),
            ("content-type", "application/grpc"), ("te", "trailers"),
        ] + extra
    }

    /// A gRPC length-prefixed message, uncompressed.
    static func grpcMessage(_ message: [UInt8]) -> [UInt8] {
        let count = UInt32(message.count)
        return [0, UInt8(count >> 24), UInt8(count >> 16 & 0xFF), UInt8(count >> 8 & 0xFF), UInt8(count & 0xFF)]
            + message
    }

    /// A whole connection's first bytes: preface, empty SETTINGS, then one complete call on stream 1.
    static func call(path: String, message: [UInt8], extra: [(String, String)] = []) -> [UInt8] {
        preface
            + frame(type: settings, flags: 0, stream: 0, payload: [])
            + frame(
                type: headers,
                flags: endHeaders,
                stream: 1,
                payload: headerBlock(requestHeaders(path: path, extra: extra))
            )
            + frame(type: data, flags: endStream, stream: 1, payload: grpcMessage(message))
    }

    /// Checks that `output` is a sequence of whole frames; returns the problem, or nil.
    static func frameProblem(_ output: [UInt8]) -> String? {
        var offset = 0
        while offset < output.count {
            guard output.count - offset >= 9 else { return "a truncated frame header at \(offset)" }
            let length = Int(output[offset]) << 16 | Int(output[offset + 1]) << 8 | Int(output[offset + 2])
            guard output.count - offset - 9 >= length else { return "a frame of \(length) bytes cut short at \(offset)" }
            offset += 9 + length
        }
        return nil
    }
}
