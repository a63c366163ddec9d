import Synchronization

/// Compresses outgoing messages with one algorithm.
///
/// The zlib state is created on first use and reused for every message. A mutex guards it, which makes the
/// compressor `Sendable`; it is meant to be used from one thread at a time (one per stream or per connection),
/// where the uncontended lock costs next to nothing next to deflate itself.
public final class MessageCompressor: Sendable {
    /// The algorithm this compressor applies.
    public let algorithm: CompressionAlgorithm
    private let state = Mutex<ZStream?>(nil)

    public init(algorithm: CompressionAlgorithm) {
        self.algorithm = algorithm
    }

    /// Compresses one whole message. Identity returns `bytes` unchanged.
    ///
    /// - Throws: INTERNAL if zlib fails (which it does only when out of memory).
    public func compress(_ bytes: [UInt8]) throws(RPCError) -> [UInt8] {
        guard let windowBits = algorithm.zlibWindowBits else { return bytes }
        let result: Result<[UInt8], RPCError> = state.withLock { stream in
            let zstream: ZStream
            if let existing = stream {
                zstream = existing
            } else {
                do throws(RPCError) {
                    zstream = try ZStream(mode: .deflate, windowBits: windowBits)
                } catch {
                    return .failure(error)
                }
                stream = zstream
            }
            return bytes.withUnsafeBytes { zstream.deflateAll($0) }
        }
        return try result.get()
    }
}
