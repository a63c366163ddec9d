import Synchronization

/// Decompresses received messages with one algorithm, never producing more than a given limit.
///
/// Like ``MessageCompressor``, it keeps one zlib stream behind a mutex and is meant for one thread at a time.
public final class MessageDecompressor: Sendable {
    /// The algorithm this decompressor undoes.
    public let algorithm: CompressionAlgorithm
    private let state = Mutex<ZStream?>(nil)

    public init(algorithm: CompressionAlgorithm) {
        self.algorithm = algorithm
    }

    /// Decompresses one whole message.
    ///
    /// Output is produced in bounded steps and the call stops as soon as it passes `limit`, so a small
    /// "decompression bomb" costs at most `limit` plus one step of memory. Identity returns `bytes` as they are
    /// (the caller has already checked their size).
    ///
    /// - Throws: RESOURCE_EXHAUSTED when the output would pass `limit`; INTERNAL on corrupt or truncated data.
    public func decompress(_ bytes: [UInt8], limit: Int) throws(RPCError) -> [UInt8] {
        guard let windowBits = algorithm.zlibWindowBits else { return bytes }
        let result: Result<[UInt8], RPCError> = state.withLock { stream in
            let zstream: ZStream
            if let existing = stream {
                zstream = existing
            } else {
                do throws(RPCError) {
                    zstream = try ZStream(mode: .inflate, windowBits: windowBits)
                } catch {
                    return .failure(error)
                }
                stream = zstream
            }
            return bytes.withUnsafeBytes { zstream.inflateAll($0, limit: limit) }
        }
        return try result.get()
    }
}
