// libFuzzer target for metadata (`-bin` base64), grpc-message percent-encoding and grpc-timeout.
//
// Compiled into the RPCFraming module itself (see scripts/fuzz), so no import is needed and internals (Base64) are
// reachable.
//
// Input layout: byte 0 picks the text each property reads (bit 0: the rest split into '\n'-separated fields of
// NUL-separated name and value, as in RequestHeadFuzzer; otherwise the whole rest is one string); the first 8 bytes
// of the rest are also read as an Int64 timeout in nanoseconds.
//
// Properties checked:
//   - Base64: whatever decodes re-encodes to a value that decodes to the same bytes; encoding has no padding;
//   - Metadata(receivedHeaders:): accepted keys are valid and not reserved, and headerFields() received again gives
//     the same metadata (round trip through the wire form);
//   - PercentEncoding: decode never fails; encode gives printable ASCII only; decode(encode(s)) == s for any valid
//     UTF-8 string s;
//   - GRPCTimeout: parsing arbitrary text never crashes and is never negative; headerValue is 2-9 bytes (1-8 digits
//     and a unit) and parse(format(x)) >= x (never a shorter deadline than ours), and within one unit of x;
//   - ResponseHead.receivedStatus on arbitrary fields never crashes.

private func fields(_ bytes: ArraySlice<UInt8>) -> [(name: String, value: String)] {
    bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map { line in
        guard let nul = line.firstIndex(of: 0) else {
            return (name: String(decoding: line, as: UTF8.self), value: "")
        }
        return (
            name: String(decoding: line[line.startIndex..<nul], as: UTF8.self),
            value: String(decoding: line[(nul + 1)...].filter { $0 != 0 && $0 != UInt8(ascii: "\r") }, as: UTF8.self)
        )
    }
}

private func checkBase64(_ text: String) {
    guard let decoded = Base64.decode(text) else { return }
    let encoded = Base64.encode(decoded)
    fuzzCheck(!encoded.utf8.contains(UInt8(ascii: "=")), "base64 encoding is padded: \(encoded)")
    fuzzCheck(encoded.utf8.count == (decoded.count * 4 + 2) / 3, "base64 length \(encoded.utf8.count) for \(decoded.count)")
    fuzzCheck(Base64.decode(encoded) == decoded, "base64 round trip failed for \(decoded)")
}

private func checkMetadata(_ fields: [(name: String, value: String)]) {
    let metadata: Metadata
    do {
        metadata = try Metadata(receivedHeaders: fields)
    } catch {
        fuzzCheck(error.code == .internalError, "unexpected status \(error.code) for bad metadata")
        return
    }
    for (key, _) in metadata {
        fuzzCheck(Metadata.isValidKey(key), "invalid key '\(key)' accepted")
        fuzzCheck(!Metadata.isReserved(key), "reserved key '\(key)' accepted")
    }
    let wire = metadata.headerFields()
    fuzzCheck(wire.count == metadata.count, "headerFields dropped or added entries")
    let again: Metadata
    do {
        again = try Metadata(receivedHeaders: wire)
    } catch {
        fuzzCheck(false, "metadata we send is refused when received: \(error)")
        return
    }
    fuzzCheck(again == metadata, "metadata round trip differs: \(Array(metadata)) vs \(Array(again))")
}

private func checkPercentEncoding(_ text: String) {
    _ = PercentEncoding.decode(text)
    let encoded = PercentEncoding.encode(text)
    fuzzCheck(encoded.utf8.allSatisfy { $0 >= 0x20 && $0 <= 0x7E }, "percent-encoding left a byte unescaped")
    let decoded = PercentEncoding.decode(encoded)
    fuzzCheck(
        Array(decoded.utf8) == Array(text.utf8),
        "decode(encode(s)) != s: \(Array(text.utf8)) -> \(encoded) -> \(Array(decoded.utf8))"
    )
}

private func checkTimeout(text: String, nanoseconds: Int64) {
    if let parsed = GRPCTimeout(headerValue: text) {
        fuzzCheck(parsed.nanoseconds >= 0, "negative timeout parsed from '\(text)'")
    }
    let timeout = GRPCTimeout(nanoseconds: nanoseconds)
    let header = timeout.headerValue
    let count = header.utf8.count
    fuzzCheck(count >= 2 && count <= 9, "grpc-timeout '\(header)' has \(count) bytes")
    guard let parsed = GRPCTimeout(headerValue: header) else {
        fuzzCheck(false, "grpc-timeout '\(header)' we send does not parse (from \(timeout.nanoseconds) ns)")
        return
    }
    fuzzCheck(
        parsed.nanoseconds >= timeout.nanoseconds,
        "parse(format(\(timeout.nanoseconds))) = \(parsed.nanoseconds) via '\(header)': shorter deadline"
    )
    // Rounding up costs at most one unit of the chosen letter (unless saturated at Int64.max).
    let unit: Int64 =
        switch header.utf8.last {
        case UInt8(ascii: "n"): 1
        case UInt8(ascii: "u"): 1_000
        case UInt8(ascii: "m"): 1_000_000
        case UInt8(ascii: "S"): 1_000_000_000
        case UInt8(ascii: "M"): 60_000_000_000
        default: 3_600_000_000_000
        }
    fuzzCheck(
        parsed.nanoseconds == Int64.max || parsed.nanoseconds - timeout.nanoseconds < unit,
        "parse(format(\(timeout.nanoseconds))) = \(parsed.nanoseconds) via '\(header)': more than one unit longer"
    )
}

func fuzzMetadata(_ data: UnsafeRawBufferPointer) {
    guard let selector = data.first else { return }
    let rest = Array(data.dropFirst())[...]
    let text = String(decoding: rest, as: UTF8.self)
    var nanoseconds: Int64 = 0
    for byte in rest.prefix(8) {
        nanoseconds = nanoseconds << 8 | Int64(byte)
    }

    let split = fields(rest)
    if selector & 0x01 != 0 {
        for (_, value) in split {
            checkBase64(value)
            checkPercentEncoding(value)
        }
        checkMetadata(split)
    } else {
        checkBase64(text)
        checkPercentEncoding(text)
        checkMetadata([(name: "x-fuzz-bin", value: text), (name: "x-fuzz", value: text)])
    }
    checkTimeout(text: text, nanoseconds: nanoseconds)
    if let (name, value) = split.first {
        _ = ResponseHead.receivedStatus(split)
        _ = StatusCode(headerValue: value)
        _ = GRPCTimeout(headerValue: Substring(name))
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func metadataFuzzerEntry(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    fuzzMetadata(UnsafeRawBufferPointer(start: data, count: size))
    return 0
}

/// `precondition` that keeps its message in -O builds (where precondition prints none).
private func fuzzCheck(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition {
        fatalError(message())
    }
}
