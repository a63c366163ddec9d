import RPCFraming
import Testing

struct CompressionTests {
    static let samples: [[UInt8]] = {
        var random = SplitMix64(seed: 3)
        let text = Array(String(repeating: "attribute PDE mapping classification ", count: 300).utf8)
        return [[], [0x42], text, random.bytes(10_000), [UInt8](repeating: 0, count: 200_000)]
    }()

    @Test(arguments: samples)
    func gzipOutputInflatesWithZlib(_ message: [UInt8]) throws {
        let compressed = try MessageCompressor(algorithm: .gzip).compress(message)
        #expect(Array(compressed.prefix(2)) == [0x1F, 0x8B])
        #expect(ZlibHelpers.inflate(compressed, windowBits: 31) == message)
    }

    @Test(arguments: samples)
    func deflateOutputIsZlibFormatForUncompress(_ message: [UInt8]) throws {
        let compressed = try MessageCompressor(algorithm: .deflate).compress(message)
        #expect(compressed.first.map { $0 & 0x0F } == 8)  // CMF: method 8 (deflate), the zlib wrapper
        #expect(ZlibHelpers.uncompress(compressed, expectedLength: message.count) == message)
    }

    @Test(arguments: samples)
    func decompressesZlibsOwnOutput(_ message: [UInt8]) throws {
        let gzip = ZlibHelpers.deflate(message, windowBits: 31)
        #expect(try MessageDecompressor(algorithm: .gzip).decompress(gzip, limit: message.count) == message)
        let zlib = ZlibHelpers.compress2(message)
        #expect(try MessageDecompressor(algorithm: .deflate).decompress(zlib, limit: message.count) == message)
    }

    @Test func compressorsAndDecompressorsAreReusable() throws {
        for algorithm in CompressionAlgorithm.allCases {
            let compressor = MessageCompressor(algorithm: algorithm)
            let decompressor = MessageDecompressor(algorithm: algorithm)
            for message in Self.samples + Self.samples.reversed() {
                let compressed = try compressor.compress(message)
                #expect(try decompressor.decompress(compressed, limit: 1 << 20) == message)
            }
        }
    }

    @Test func identityIsPassThrough() throws {
        let message: [UInt8] = [1, 2, 3]
        #expect(try MessageCompressor(algorithm: .identity).compress(message) == message)
        #expect(try MessageDecompressor(algorithm: .identity).decompress(message, limit: 3) == message)
    }

    @Test(arguments: [CompressionAlgorithm.gzip, .deflate])
    func decompressedSizeLimitAtAndPastTheBoundary(_ algorithm: CompressionAlgorithm) throws {
        let message = [UInt8](repeating: 7, count: 100_000)
        let compressed = try MessageCompressor(algorithm: algorithm).compress(message)
        let decompressor = MessageDecompressor(algorithm: algorithm)
        #expect(try decompressor.decompress(compressed, limit: 100_000) == message)
        let error = #expect(throws: RPCError.self) { try decompressor.decompress(compressed, limit: 99_999) }
        #expect(error?.code == .resourceExhausted)
        // Still usable afterwards.
        #expect(try decompressor.decompress(compressed, limit: 100_000) == message)
    }

    @Test(arguments: [(CompressionAlgorithm.gzip, Int32(31)), (.deflate, 15)])
    func decompressionBombStopsAtTheLimit(_ algorithm: CompressionAlgorithm, _ windowBits: Int32) throws {
        // 100 MiB of zeros, compressed to about 100 KiB; produced in 1 MiB steps so it never exists in full.
        let bomb = ZlibHelpers.deflate(
            [UInt8](repeating: 0, count: 1 << 20),
            repeatCount: 100,
            windowBits: windowBits,
            level: 9
        )
        #expect(bomb.count < 200_000)
        let clock = ContinuousClock()
        let start = clock.now
        let error = #expect(throws: RPCError.self) {
            try MessageDecompressor(algorithm: algorithm).decompress(bomb, limit: 4 * 1024 * 1024)
        }
        #expect(error?.code == .resourceExhausted)
        // Inflating all 100 MiB takes far longer than stopping after 4 MiB.
        #expect(clock.now - start < .seconds(2))
    }

    @Test(arguments: [CompressionAlgorithm.gzip, .deflate])
    func corruptDataIsInternal(_ algorithm: CompressionAlgorithm) throws {
        let message = Array(String(repeating: "hello gRPC ", count: 100).utf8)
        let compressed = try MessageCompressor(algorithm: algorithm).compress(message)
        let decompressor = MessageDecompressor(algorithm: algorithm)
        var corrupt = compressed
        corrupt[corrupt.count / 2] ^= 0xFF
        corrupt[corrupt.count / 2 + 1] ^= 0x55
        let inputs: [[UInt8]] = [
            corrupt,
            Array(compressed.dropLast(3)),  // truncated
            [],  // no stream at all
            [0x00, 0x01, 0x02, 0x03],  // not a stream
            algorithm == .gzip ? ZlibHelpers.compress2(message) : ZlibHelpers.deflate(message, windowBits: 31),
        ]
        for input in inputs {
            let error = #expect(throws: RPCError.self) { try decompressor.decompress(input, limit: 1 << 20) }
            #expect(error?.code == .internalError)
        }
        #expect(try decompressor.decompress(compressed, limit: 1 << 20) == message)
    }

    @Test func trailingDataAfterAZlibStreamIsInternal() throws {
        let compressed = try MessageCompressor(algorithm: .deflate).compress([1, 2, 3]) + [0]
        let error = #expect(throws: RPCError.self) {
            try MessageDecompressor(algorithm: .deflate).decompress(compressed, limit: 100)
        }
        #expect(error?.code == .internalError)
    }

    @Test func concatenatedGzipMembersAreOneMessage() throws {
        let compressor = MessageCompressor(algorithm: .gzip)
        let joined = try compressor.compress([1, 2]) + compressor.compress([3])
        #expect(try MessageDecompressor(algorithm: .gzip).decompress(joined, limit: 3) == [1, 2, 3])
        let error = #expect(throws: RPCError.self) {
            try MessageDecompressor(algorithm: .gzip).decompress(joined, limit: 2)
        }
        #expect(error?.code == .resourceExhausted)
    }

    // MARK: - Negotiation

    @Test func acceptEncodingHeaderValue() {
        #expect(CompressionNegotiation.supported == [.identity, .gzip, .deflate])
        #expect(CompressionNegotiation.acceptEncodingHeaderValue == "identity,gzip,deflate")
    }

    @Test(arguments: [
        (String?.none, CompressionAlgorithm.identity), ("", .identity), ("identity", .identity), ("gzip", .gzip),
        ("deflate", .deflate),
    ])
    func requestEncoding(_ header: String?, _ expected: CompressionAlgorithm) throws {
        #expect(try CompressionNegotiation.requestEncoding(header) == expected)
    }

    @Test(arguments: ["snappy", "br", "GZIP", "gzip,deflate", " gzip", "zstd"])
    func unsupportedRequestEncodingIsUnimplemented(_ header: String) {
        let error = #expect(throws: RPCError.self) { try CompressionNegotiation.requestEncoding(header) }
        #expect(error?.code == .unimplemented)
        #expect(error?.message == "grpc-encoding '\(header)' is not supported; supported: identity,gzip,deflate")
    }

    @Test(arguments: [
        (CompressionAlgorithm?.none, String?.some("gzip"), CompressionAlgorithm.identity),
        (.gzip, nil, .identity),
        (.gzip, "gzip", .gzip),
        (.gzip, "identity, deflate , gzip", .gzip),
        (.gzip, "identity,deflate", .identity),
        (.deflate, "gzip,deflate", .deflate),
        (.deflate, "deflater", .identity),
        (.identity, "gzip", .identity),
        (.gzip, "", .identity),
    ])
    func responseEncoding(_ preferred: CompressionAlgorithm?, _ accept: String?, _ expected: CompressionAlgorithm) {
        #expect(CompressionNegotiation.responseEncoding(preferred: preferred, acceptEncoding: accept) == expected)
    }
}
