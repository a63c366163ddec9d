import CZlib

/// One zlib stream (deflate or inflate), reused across messages with `deflateReset` / `inflateReset` so the
/// window memory is allocated once per compressor, not once per message.
///
/// Not thread-safe; ``MessageCompressor`` and ``MessageDecompressor`` keep it behind a mutex.
final class ZStream {
    enum Mode {
        case deflate
        case inflate
    }

    let mode: Mode
    let windowBits: Int32
    let stream: UnsafeMutablePointer<z_stream>

    /// Inflate output goes through this buffer in bounded steps, so a small input can never make us allocate
    /// more than the caller's limit plus one step (decompression bombs).
    static let inflateStep = 32 * 1024
    private(set) lazy var scratch = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: Self.inflateStep)
    private var scratchAllocated = false

    init(mode: Mode, windowBits: Int32) throws(RPCError) {
        self.mode = mode
        self.windowBits = windowBits
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        let result: Int32 =
            switch mode {
            case .deflate: CZlib_deflateInit2(stream, Z_DEFAULT_COMPRESSION, windowBits)
            case .inflate: CZlib_inflateInit2(stream, windowBits)
            }
        guard result == Z_OK else {
            stream.deinitialize(count: 1)
            stream.deallocate()
            throw RPCError(code: .internalError, message: "zlib initialization failed (\(result))")
        }
    }

    deinit {
        switch mode {
        case .deflate: deflateEnd(stream)
        case .inflate: inflateEnd(stream)
        }
        stream.deinitialize(count: 1)
        stream.deallocate()
        if scratchAllocated {
            scratch.deallocate()
        }
    }

    /// Compresses `input` as one complete zlib/gzip stream.
    func deflateAll(_ input: UnsafeRawBufferPointer) -> Result<[UInt8], RPCError> {
        precondition(mode == .deflate)
        guard input.count <= Int(UInt32.max) else {
            return .failure(RPCError(code: .resourceExhausted, message: "message too large to compress"))
        }
        deflateReset(stream)
        // deflateBound is an upper bound for the whole output with Z_FINISH, so one call completes.
        let bound = Int(deflateBound(stream, uLong(input.count)))
        var status: Int32 = Z_OK
        let output = [UInt8](unsafeUninitializedCapacity: bound) { buffer, initializedCount in
            stream.pointee.next_in = UnsafeMutablePointer(mutating: input.bindMemory(to: Bytef.self).baseAddress)
            stream.pointee.avail_in = uInt(input.count)
            stream.pointee.next_out = buffer.baseAddress
            stream.pointee.avail_out = uInt(bound)
            status = CZlib.deflate(stream, Z_FINISH)
            initializedCount = bound - Int(stream.pointee.avail_out)
        }
        clearPointers()
        guard status == Z_STREAM_END else {
            return .failure(RPCError(code: .internalError, message: "compression failed (zlib \(status))"))
        }
        return .success(output)
    }

    /// Decompresses one complete zlib/gzip stream (gzip: one or more concatenated members), failing as soon as
    /// the output passes `limit` bytes.
    func inflateAll(_ input: UnsafeRawBufferPointer, limit: Int) -> Result<[UInt8], RPCError> {
        precondition(mode == .inflate)
        guard input.count <= Int(UInt32.max) else {
            return .failure(RPCError(code: .resourceExhausted, message: "compressed message too large"))
        }
        if !scratchAllocated {
            _ = scratch
            scratchAllocated = true
        }
        inflateReset(stream)
        defer { clearPointers() }
        var output: [UInt8] = []
        stream.pointee.next_in = UnsafeMutablePointer(mutating: input.bindMemory(to: Bytef.self).baseAddress)
        stream.pointee.avail_in = uInt(input.count)
        while true {
            stream.pointee.next_out = scratch.baseAddress
            stream.pointee.avail_out = uInt(scratch.count)
            let status = CZlib.inflate(stream, Z_NO_FLUSH)
            let produced = scratch.count - Int(stream.pointee.avail_out)
            if produced > limit - output.count {
                return .failure(
                    RPCError(
                        code: .resourceExhausted,
                        message: "received message after decompression larger than max (\(limit) bytes)"
                    )
                )
            }
            output.append(contentsOf: UnsafeBufferPointer(rebasing: scratch[0..<produced]))
            switch status {
            case Z_STREAM_END:
                if stream.pointee.avail_in == 0 {
                    return .success(output)
                }
                // gzip allows concatenated members (Go's gzip reader accepts them); zlib data ends here.
                guard windowBits > 15 else {
                    return .failure(Self.corrupt("trailing data after the compressed stream"))
                }
                inflateReset(stream)
            case Z_OK:
                if stream.pointee.avail_in == 0 && stream.pointee.avail_out != 0 {
                    return .failure(Self.corrupt("truncated compressed data"))
                }
            case Z_BUF_ERROR:
                return .failure(Self.corrupt("truncated compressed data"))
            default:
                return .failure(Self.corrupt("invalid compressed data (zlib \(status))"))
            }
        }
    }

    private static func corrupt(_ detail: String) -> RPCError {
        RPCError(code: .internalError, message: "failed to decompress the received message: \(detail)")
    }

    /// zlib keeps the last pointers it was given; clear them so nothing dangles between calls.
    private func clearPointers() {
        stream.pointee.next_in = nil
        stream.pointee.avail_in = 0
        stream.pointee.next_out = nil
        stream.pointee.avail_out = 0
    }
}
