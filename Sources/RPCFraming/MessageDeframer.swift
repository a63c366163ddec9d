/// Splits a received byte stream into gRPC messages, whatever the chunking.
///
/// Bytes are parsed as they are appended: the 5-byte prefix is checked as soon as it is complete (size limit,
/// compressed flag), so an oversized message is refused before any of its body is buffered. A message's bytes are
/// copied once, into the array that ``next()`` returns; when a chunk holds the whole message that array is
/// allocated at its exact size, otherwise it grows geometrically but never past the announced length.
///
/// An error is sticky: after it, further input is ignored and ``next()`` throws it once the messages that
/// preceded it have been returned.
public struct MessageDeframer: Sendable {
    /// The largest message accepted, after decompression.
    public let maxMessageSize: Int
    /// The negotiated `grpc-encoding` of the stream.
    public let encoding: CompressionAlgorithm

    private struct Pending: Sendable {
        var bytes: [UInt8]
        var compressed: Bool
    }

    private let decompressor: MessageDecompressor?
    private var prefix: UInt64 = 0
    private var prefixCount = 0
    private var inBody = false
    private var body: [UInt8] = []
    private var bodyLength = 0
    private var bodyCompressed = false
    /// The oldest complete message, outside `ready`: a call's only message then costs no array.
    private var first: Pending?
    private var ready: [Pending] = []
    private var readyHead = 0
    private var error: RPCError?

    /// The first capacity given to a message that arrives in pieces; it then doubles up to the message length,
    /// so a prefix alone never makes us allocate what it announces.
    private static let initialPartialCapacity = 16 * 1024

    /// - Parameters:
    ///   - maxMessageSize: the largest message accepted (compressed and decompressed); gRPC's default is 4 MiB.
    ///   - encoding: the stream's negotiated `grpc-encoding`.
    public init(maxMessageSize: Int = 4 * 1024 * 1024, encoding: CompressionAlgorithm = .identity) {
        precondition(maxMessageSize >= 0)
        self.maxMessageSize = maxMessageSize
        self.encoding = encoding
        self.decompressor = encoding == .identity ? nil : MessageDecompressor(algorithm: encoding)
    }

    /// True while a message has begun (even just its prefix) but is not complete.
    public var hasPartialMessage: Bool { inBody || prefixCount > 0 }

    /// Feeds received bytes.
    public mutating func append(_ bytes: some Collection<UInt8>) {
        if let done = bytes.withContiguousStorageIfAvailable({ append(UnsafeRawBufferPointer($0)) }) {
            return done
        }
        Array(bytes).withUnsafeBytes { append($0) }
    }

    /// Feeds received bytes.
    public mutating func append(_ bytes: UnsafeRawBufferPointer) {
        guard error == nil else { return }
        let count = bytes.count
        var index = 0
        while index < count {
            if !inBody {
                while prefixCount < MessageFramer.prefixLength && index < count {
                    prefix = prefix << 8 | UInt64(bytes[index])
                    prefixCount += 1
                    index += 1
                }
                guard prefixCount == MessageFramer.prefixLength else { return }
                let flag = UInt8(truncatingIfNeeded: prefix >> 32)
                let length = Int(UInt32(truncatingIfNeeded: prefix))
                prefix = 0
                prefixCount = 0
                if let error = checkPrefix(flag: flag, length: length) {
                    self.error = error
                    return
                }
                let available = count - index
                if available >= length {
                    // Fast path: the whole message is here, one exact-size copy.
                    let slice = UnsafeRawBufferPointer(rebasing: bytes[index..<index + length])
                    enqueue(Pending(bytes: Array(slice), compressed: flag == 1))
                    index += length
                    continue
                }
                inBody = true
                bodyLength = length
                bodyCompressed = flag == 1
                body = []
                body.reserveCapacity(min(length, max(available, Self.initialPartialCapacity)))
            }
            let take = min(bodyLength - body.count, count - index)
            if body.capacity < body.count + take {
                body.reserveCapacity(min(bodyLength, max(body.count + take, body.capacity * 2)))
            }
            body.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[index..<index + take]))
            index += take
            if body.count == bodyLength {
                enqueue(Pending(bytes: body, compressed: bodyCompressed))
                body = []
                inBody = false
            }
        }
    }

    /// The next complete (decompressed) message, or nil when more bytes are needed.
    ///
    /// - Throws: RESOURCE_EXHAUSTED for a message (or its decompressed form) larger than ``maxMessageSize``;
    ///   INTERNAL for a compressed message on an identity stream, an unknown flag, or corrupt compressed data.
    public mutating func next() throws(RPCError) -> [UInt8]? {
        var pending: Pending
        if let oldest = first.take() {
            pending = oldest
        } else {
            guard readyHead < ready.count else {
                if let error { throw error }
                return nil
            }
            pending = Pending(bytes: [], compressed: false)
            swap(&pending, &ready[readyHead])
            readyHead += 1
            if readyHead == ready.count {
                ready.removeAll(keepingCapacity: true)
                readyHead = 0
            }
        }
        guard pending.compressed, let decompressor else { return pending.bytes }
        do {
            return try decompressor.decompress(pending.bytes, limit: maxMessageSize)
        } catch {
            // A failed message poisons the stream: its bytes are gone and the call must end.
            self.error = error
            first = nil
            ready.removeAll()
            readyHead = 0
            throw error
        }
    }

    /// Queues a complete message behind those not yet returned.
    private mutating func enqueue(_ pending: Pending) {
        if first == nil && readyHead == ready.count {
            first = pending
        } else {
            ready.append(pending)
        }
    }

    /// Call at the end of the stream.
    ///
    /// - Throws: INTERNAL when the stream ended inside a message; the pending error, if any.
    public func finish() throws(RPCError) {
        if let error { throw error }
        if inBody {
            throw RPCError(
                code: .internalError,
                message: "stream ended inside a message (\(body.count) of \(bodyLength) bytes received)"
            )
        }
        if prefixCount > 0 {
            throw RPCError(
                code: .internalError,
                message: "stream ended inside a message prefix (\(prefixCount) of 5 bytes received)"
            )
        }
    }

    private func checkPrefix(flag: UInt8, length: Int) -> RPCError? {
        switch flag {
        case 0:
            break
        case 1 where encoding == .identity:
            // grpc-go's wording; the peer compressed without announcing how.
            return RPCError(code: .internalError, message: "compressed flag set with identity or empty encoding")
        case 1:
            break
        default:
            return RPCError(code: .internalError, message: "received unexpected payload format \(flag)")
        }
        if length > maxMessageSize {
            return RPCError(
                code: .resourceExhausted,
                message: "received message larger than max (\(length) vs. \(maxMessageSize))"
            )
        }
        return nil
    }
}
