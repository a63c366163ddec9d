import RPCFraming
import Testing

struct MessageDeframerTests {
    @Test func framerWritesTheFiveBytePrefix() {
        var buffer: [UInt8] = [9]
        MessageFramer.append([1, 2, 3], compressed: false, to: &buffer)
        MessageFramer.append([UInt8](repeating: 0xAB, count: 0x0102_0304 & 0xFFFF), compressed: true, to: &buffer)
        #expect(Array(buffer.prefix(9)) == [9, 0, 0, 0, 0, 3, 1, 2, 3])
        #expect(Array(buffer[9..<14]) == [1, 0, 0, 0x03, 0x04])
        #expect(MessageFramer.prefixLength == 5)
        #expect(MessageFramer.frame([], compressed: false) == [0, 0, 0, 0, 0])
    }

    /// Messages of assorted sizes, including empty ones and ones larger than any chunk.
    static func messages(_ random: inout SplitMix64) -> [[UInt8]] {
        var messages: [[UInt8]] = [[], [1], []]
        for _ in 0..<60 {
            let size = Bool.random(using: &random) ? Int.random(in: 0...40, using: &random)
                : Int.random(in: 0...70_000, using: &random)
            messages.append(random.bytes(size))
        }
        return messages
    }

    static func drain(_ deframer: inout MessageDeframer) throws -> [[UInt8]] {
        var out: [[UInt8]] = []
        while let message = try deframer.next() {
            out.append(message)
        }
        return out
    }

    @Test(arguments: [UInt64(1), 2, 3, 4, 5])
    func roundTripAtRandomChunkBoundaries(seed: UInt64) throws {
        var random = SplitMix64(seed: seed)
        let messages = Self.messages(&random)
        var stream: [UInt8] = []
        for message in messages {
            MessageFramer.append(message, compressed: false, to: &stream)
        }
        var deframer = MessageDeframer()
        var received: [[UInt8]] = []
        var offset = 0
        while offset < stream.count {
            let maxChunk = [1, 7, 100, 16_384, 200_000][Int.random(in: 0..<5, using: &random)]
            let end = min(stream.count, offset + Int.random(in: 1...maxChunk, using: &random))
            stream[offset..<end].withUnsafeBytes { deframer.append($0) }
            offset = end
            // Read at random moments, so that several messages may be queued.
            if Bool.random(using: &random) {
                received += try Self.drain(&deframer)
            }
        }
        received += try Self.drain(&deframer)
        #expect(received == messages)
        #expect(!deframer.hasPartialMessage)
        try deframer.finish()
    }

    @Test func oneByteAtATimeAndAllAtOnce() throws {
        var random = SplitMix64(seed: 99)
        let messages = (0..<20).map { _ in random.bytes(Int.random(in: 0...300, using: &random)) }
        var stream: [UInt8] = []
        for message in messages {
            MessageFramer.append(message, compressed: false, to: &stream)
        }
        var byteByByte = MessageDeframer()
        var received: [[UInt8]] = []
        for byte in stream {
            byteByByte.append([byte])
            received += try Self.drain(&byteByByte)
        }
        #expect(received == messages)
        var allAtOnce = MessageDeframer()
        allAtOnce.append(stream)
        #expect(try Self.drain(&allAtOnce) == messages)
        // A non-contiguous collection works too.
        var fromSlice = MessageDeframer()
        fromSlice.append(stream.lazy.map { $0 })
        #expect(try Self.drain(&fromSlice) == messages)
    }

    @Test func messageOfExactlyTheDefaultMaximumIsAccepted() throws {
        let max = 4 * 1024 * 1024
        var deframer = MessageDeframer()
        #expect(deframer.maxMessageSize == max)
        let message = [UInt8](repeating: 0x5A, count: max)
        deframer.append(MessageFramer.frame(message, compressed: false))
        #expect(try deframer.next() == message)
    }

    @Test func oneByteOverTheDefaultMaximumIsRefusedAfterThePrefixAlone() {
        var deframer = MessageDeframer()
        deframer.append([0, 0x00, 0x40, 0x00, 0x01])  // announces 4 MiB + 1
        let error = #expect(throws: RPCError.self) { try deframer.next() }
        #expect(error?.code == .resourceExhausted)
        #expect(error?.message == "received message larger than max (4194305 vs. 4194304)")
    }

    @Test func customLimitAtAndPastTheBoundary() throws {
        var deframer = MessageDeframer(maxMessageSize: 10)
        deframer.append(MessageFramer.frame([UInt8](repeating: 1, count: 10), compressed: false))
        #expect(try deframer.next()?.count == 10)
        deframer.append([0, 0, 0, 0, 11])
        #expect(throws: RPCError(code: .resourceExhausted, message: "received message larger than max (11 vs. 10)")) {
            try deframer.next()
        }
    }

    @Test func hugeAnnouncedLengthIsRefusedBeforeAnyBody() {
        var deframer = MessageDeframer()
        deframer.append([0, 0xFF, 0xFF, 0xFF, 0xFF])
        let error = #expect(throws: RPCError.self) { try deframer.next() }
        #expect(error?.code == .resourceExhausted)
    }

    @Test func messagesBeforeAnErrorAreDeliveredThenTheErrorSticks() throws {
        var deframer = MessageDeframer(maxMessageSize: 3)
        var stream = MessageFramer.frame([1], compressed: false) + MessageFramer.frame([2, 2], compressed: false)
        stream += [0, 0, 0, 0, 4, 9, 9, 9, 9]
        stream += MessageFramer.frame([3], compressed: false)
        deframer.append(stream)
        #expect(try deframer.next() == [1])
        #expect(try deframer.next() == [2, 2])
        for _ in 0..<2 {
            let error = #expect(throws: RPCError.self) { try deframer.next() }
            #expect(error?.code == .resourceExhausted)
        }
        deframer.append(MessageFramer.frame([4], compressed: false))
        #expect(throws: RPCError.self) { try deframer.next() }
        #expect(throws: RPCError.self) { try deframer.finish() }
    }

    @Test func compressedFlagWithoutEncodingIsInternal() {
        var deframer = MessageDeframer()
        deframer.append([1, 0, 0, 0, 3])
        let expected = RPCError(code: .internalError, message: "compressed flag set with identity or empty encoding")
        #expect(throws: expected) {
            try deframer.next()
        }
    }

    @Test(arguments: [UInt8(2), 3, 0x80, 0xFF])
    func unknownFlagIsInternal(_ flag: UInt8) {
        var deframer = MessageDeframer(encoding: .gzip)
        deframer.append([flag, 0, 0, 0, 0])
        let error = #expect(throws: RPCError.self) { try deframer.next() }
        #expect(error?.code == .internalError)
    }

    @Test(arguments: [1, 2, 4, 5, 6, 9])
    func streamEndingInsideAMessageIsInternal(_ cut: Int) throws {
        let frame = MessageFramer.frame([1, 2, 3, 4, 5], compressed: false)
        var deframer = MessageDeframer()
        deframer.append(frame.prefix(cut))
        #expect(try deframer.next() == nil)
        #expect(deframer.hasPartialMessage)
        let error = #expect(throws: RPCError.self) { try deframer.finish() }
        #expect(error?.code == .internalError)
        deframer.append(frame.dropFirst(cut))
        #expect(try deframer.next() == [1, 2, 3, 4, 5])
        #expect(!deframer.hasPartialMessage)
        try deframer.finish()
    }

    @Test func emptyStreamFinishesCleanly() throws {
        let deframer = MessageDeframer()
        #expect(!deframer.hasPartialMessage)
        try deframer.finish()
    }

    @Test(arguments: [CompressionAlgorithm.gzip, .deflate])
    func compressedMessagesAtRandomChunkBoundaries(_ algorithm: CompressionAlgorithm) throws {
        var random = SplitMix64(seed: 11)
        let compressor = MessageCompressor(algorithm: algorithm)
        var messages: [[UInt8]] = []
        var stream: [UInt8] = []
        for index in 0..<30 {
            let message = Array(String(repeating: "row \(index);", count: Int.random(in: 0...500, using: &random)).utf8)
            messages.append(message)
            // Per message the sender may choose not to compress (flag 0), which is always allowed.
            if index % 3 == 0 {
                MessageFramer.append(message, compressed: false, to: &stream)
            } else {
                MessageFramer.append(try compressor.compress(message), compressed: true, to: &stream)
            }
        }
        var deframer = MessageDeframer(encoding: algorithm)
        var received: [[UInt8]] = []
        var offset = 0
        while offset < stream.count {
            let end = min(stream.count, offset + Int.random(in: 1...500, using: &random))
            deframer.append(stream[offset..<end])
            offset = end
            received += try Self.drain(&deframer)
        }
        #expect(received == messages)
        try deframer.finish()
    }

    @Test func decompressedSizeCountsAgainstTheLimit() throws {
        let compressor = MessageCompressor(algorithm: .gzip)
        let atLimit = try compressor.compress([UInt8](repeating: 0, count: 1000))
        var deframer = MessageDeframer(maxMessageSize: 1000, encoding: .gzip)
        deframer.append(MessageFramer.frame(atLimit, compressed: true))
        #expect(try deframer.next()?.count == 1000)
        let pastLimit = try compressor.compress([UInt8](repeating: 0, count: 1001))
        deframer.append(MessageFramer.frame(pastLimit, compressed: true))
        let error = #expect(throws: RPCError.self) { try deframer.next() }
        #expect(error?.code == .resourceExhausted)
    }

    @Test func decompressionBombThroughTheDeframer() throws {
        let zeros = [UInt8](repeating: 0, count: 1 << 20)
        let bomb = ZlibHelpers.deflate(zeros, repeatCount: 100, windowBits: 31, level: 9)
        var deframer = MessageDeframer(encoding: .gzip)
        deframer.append(MessageFramer.frame(bomb, compressed: true))
        let error = #expect(throws: RPCError.self) { try deframer.next() }
        #expect(error?.code == .resourceExhausted)
    }

    @Test func corruptCompressedMessageIsInternal() {
        var deframer = MessageDeframer(encoding: .deflate)
        deframer.append(MessageFramer.frame([1, 2, 3, 4], compressed: true))
        let error = #expect(throws: RPCError.self) { try deframer.next() }
        #expect(error?.code == .internalError)
    }
}
