// libFuzzer target for MessageDeframer (and, through it, MessageDecompressor / ZStream).
//
// Compiled into the RPCFraming module itself (see scripts/fuzz), so no import is needed and internals are reachable.
//
// Input layout:
//   byte 0: chunking scheme (low 3 bits) and when to drain (bit 3: drain after every chunk)
//   byte 1: maxMessageSize choice (low 3 bits), encoding identity/gzip/deflate (bits 4-5)
//   byte 2: chunk-size seed
//   rest:   the received stream
//
// Properties checked:
//   - no crash, no allocation beyond the limits (libFuzzer's -malloc_limit_mb / -rss_limit_mb);
//   - every message returned is at most maxMessageSize bytes;
//   - the result (messages, then error or not) does not depend on the chunking: the chunked run must equal a
//     run that appends the whole stream at once;
//   - for identity, every message is exactly the bytes the prefix framed.

private let maxSizes = [0, 1, 5, 100, 1024, 16 * 1024, 64 * 1024, 1024 * 1024]
private let encodings: [CompressionAlgorithm] = [.identity, .gzip, .deflate, .gzip]

private struct Outcome: Equatable {
    var messages: [[UInt8]] = []
    var error: RPCError?
    var finishError: RPCError?
}

private func drain(_ deframer: inout MessageDeframer, into outcome: inout Outcome) {
    guard outcome.error == nil else { return }
    do {
        while let message = try deframer.next() {
            fuzzCheck(
                message.count <= deframer.maxMessageSize,
                "message of \(message.count) bytes passed maxMessageSize \(deframer.maxMessageSize)"
            )
            outcome.messages.append(message)
        }
    } catch {
        outcome.error = error
    }
}

private func finish(_ deframer: inout MessageDeframer, into outcome: inout Outcome) {
    drain(&deframer, into: &outcome)
    do {
        try deframer.finish()
    } catch {
        outcome.finishError = error
    }
}

func fuzzDeframer(_ data: UnsafeRawBufferPointer) {
    guard data.count >= 3 else { return }
    let scheme = data[0]
    let maxSize = maxSizes[Int(data[1] & 0x07)]
    let encoding = encodings[Int(data[1] >> 4 & 0x03)]
    var seed = UInt64(data[2]) | 1
    let stream = UnsafeRawBufferPointer(rebasing: data[3...])

    // Reference: the whole stream in one append.
    var reference = Outcome()
    do {
        var deframer = MessageDeframer(maxMessageSize: maxSize, encoding: encoding)
        deframer.append(stream)
        finish(&deframer, into: &reference)
    }

    // Chunked.
    var chunked = Outcome()
    var deframer = MessageDeframer(maxMessageSize: maxSize, encoding: encoding)
    let drainEachChunk = scheme & 0x08 != 0
    var offset = 0
    while offset < stream.count {
        let size: Int
        switch scheme & 0x07 {
        case 0: size = 1
        case 1: size = 2
        case 2: size = 5
        case 3: size = 7
        case 4: size = Int(data[2]) + 1
        default:
            // xorshift: pseudo-random chunk sizes from 1 to 64 (or larger at times).
            seed ^= seed << 13
            seed ^= seed >> 7
            seed ^= seed << 17
            size = seed & 0x30 == 0 ? Int(seed % 4096) + 1 : Int(seed % 64) + 1
        }
        let end = min(stream.count, offset + size)
        deframer.append(UnsafeRawBufferPointer(rebasing: stream[offset..<end]))
        offset = end
        if drainEachChunk {
            drain(&deframer, into: &chunked)
        }
    }
    _ = deframer.hasPartialMessage
    finish(&deframer, into: &chunked)
    // The generic Collection entry point must agree too.
    do {
        var generic = Outcome()
        var deframer = MessageDeframer(maxMessageSize: maxSize, encoding: encoding)
        deframer.append(Array(stream).lazy.map { $0 })
        finish(&deframer, into: &generic)
        fuzzCheck(generic == reference, "Collection append differs from the raw-buffer append")
    }

    fuzzCheck(
        chunked == reference,
        "chunked result differs: \(chunked.messages.count) vs \(reference.messages.count) messages, "
            + "\(String(describing: chunked.error)) vs \(String(describing: reference.error)), "
            + "\(String(describing: chunked.finishError)) vs \(String(describing: reference.finishError))"
    )

    if encoding == .identity {
        // Re-walk the framing by hand: each returned message is the framed body.
        var index = 0
        var expected: [[UInt8]] = []
        while index + 5 <= stream.count {
            let flag = stream[index]
            let length = Int(stream[index + 1]) << 24 | Int(stream[index + 2]) << 16
                | Int(stream[index + 3]) << 8 | Int(stream[index + 4])
            guard flag == 0, length <= maxSize, index + 5 + length <= stream.count else { break }
            expected.append(Array(stream[(index + 5)..<(index + 5 + length)]))
            index += 5 + length
        }
        fuzzCheck(reference.messages == expected, "identity messages are not the framed bodies")
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func deframerFuzzerEntry(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    fuzzDeframer(UnsafeRawBufferPointer(start: data, count: size))
    return 0
}

/// `precondition` that keeps its message in -O builds (where precondition prints none).
private func fuzzCheck(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition {
        fatalError(message())
    }
}
