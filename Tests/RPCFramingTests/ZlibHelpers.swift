import CZlib

/// zlib used directly, to check our compressor against zlib's own output and input.
enum ZlibHelpers {
    /// Compresses the concatenation of `repeatCount` copies of `chunk` with zlib, streaming, so that very large
    /// inputs (decompression bombs) never exist in memory.
    static func deflate(_ chunk: [UInt8], repeatCount: Int = 1, windowBits: Int32, level: Int32 = 6) -> [UInt8] {
        var stream = z_stream()
        precondition(CZlib_deflateInit2(&stream, level, windowBits) == Z_OK)
        defer { deflateEnd(&stream) }
        var output: [UInt8] = []
        var scratch = [UInt8](repeating: 0, count: 64 * 1024)
        var input = chunk
        for index in 0..<repeatCount {
            let flush = index == repeatCount - 1 ? Z_FINISH : Z_NO_FLUSH
            input.withUnsafeMutableBufferPointer { inputBuffer in
                stream.next_in = inputBuffer.baseAddress
                stream.avail_in = uInt(inputBuffer.count)
                repeat {
                    scratch.withUnsafeMutableBufferPointer { out in
                        stream.next_out = out.baseAddress
                        stream.avail_out = uInt(out.count)
                        _ = CZlib.deflate(&stream, flush)
                        output.append(contentsOf: out[0..<(out.count - Int(stream.avail_out))])
                    }
                } while stream.avail_out == 0 || stream.avail_in > 0
            }
        }
        return output
    }

    /// zlib's one-shot `compress2` (zlib format, what gRPC calls deflate).
    static func compress2(_ bytes: [UInt8]) -> [UInt8] {
        var length = compressBound(uLong(bytes.count))
        var output = [UInt8](repeating: 0, count: Int(length))
        let result = CZlib.compress2(&output, &length, bytes, uLong(bytes.count), Z_BEST_COMPRESSION)
        precondition(result == Z_OK)
        return Array(output[0..<Int(length)])
    }

    /// zlib's one-shot `uncompress` (zlib format only).
    static func uncompress(_ bytes: [UInt8], expectedLength: Int) -> [UInt8]? {
        var length = uLong(expectedLength)
        var output = [UInt8](repeating: 0, count: max(expectedLength, 1))
        guard CZlib.uncompress(&output, &length, bytes, uLong(bytes.count)) == Z_OK else { return nil }
        return Array(output[0..<Int(length)])
    }

    /// Inflates with zlib and the given windowBits (31 for gzip).
    static func inflate(_ bytes: [UInt8], windowBits: Int32) -> [UInt8]? {
        var stream = z_stream()
        precondition(CZlib_inflateInit2(&stream, windowBits) == Z_OK)
        defer { inflateEnd(&stream) }
        var input = bytes
        var output: [UInt8] = []
        var scratch = [UInt8](repeating: 0, count: 64 * 1024)
        var result: Int32 = Z_OK
        input.withUnsafeMutableBufferPointer { inputBuffer in
            stream.next_in = inputBuffer.baseAddress
            stream.avail_in = uInt(inputBuffer.count)
            while result == Z_OK {
                scratch.withUnsafeMutableBufferPointer { out in
                    stream.next_out = out.baseAddress
                    stream.avail_out = uInt(out.count)
                    result = CZlib.inflate(&stream, Z_NO_FLUSH)
                    output.append(contentsOf: out[0..<(out.count - Int(stream.avail_out))])
                }
            }
        }
        return result == Z_STREAM_END ? output : nil
    }
}
