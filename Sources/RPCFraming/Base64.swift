/// Standard base64 (RFC 4648 §4): for `-bin` metadata values here, and for gRPC-Web text bodies in the web gateway.
///
/// Metadata values are encoded without padding, as grpc-go does; decoding accepts values with or without it
/// (grpc-go: padded when the length is a multiple of 4, unpadded otherwise). Spaces around a value are ignored.
public enum Base64 {
    private static let alphabet: [UInt8] = Array(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8
    )

    private static let decodeTable: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (index, byte) in alphabet.enumerated() {
            table[Int(byte)] = UInt8(index)
        }
        return table
    }()

    /// The 6-bit value of a base64 character, or nil for any other byte (`=` included).
    public static func sextet(of character: UInt8) -> UInt8? {
        let value = decodeTable[Int(character)]
        return value == 0xFF ? nil : value
    }

    /// A metadata value: unpadded.
    static func encode(_ bytes: [UInt8]) -> String {
        String(decoding: encodeBytes(bytes, padded: false), as: UTF8.self)
    }

    /// The base64 characters of `bytes`, with `=` padding to a multiple of 4 when `padded`.
    public static func encodeBytes(_ bytes: [UInt8], padded: Bool) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity((bytes.count + 2) / 3 * 4)
        var index = 0
        while index + 3 <= bytes.count {
            let chunk = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8 | UInt32(bytes[index + 2])
            output.append(alphabet[Int(chunk >> 18 & 0x3F)])
            output.append(alphabet[Int(chunk >> 12 & 0x3F)])
            output.append(alphabet[Int(chunk >> 6 & 0x3F)])
            output.append(alphabet[Int(chunk & 0x3F)])
            index += 3
        }
        let pad = UInt8(ascii: "=")
        switch bytes.count - index {
        case 1:
            let chunk = UInt32(bytes[index]) << 16
            output.append(alphabet[Int(chunk >> 18 & 0x3F)])
            output.append(alphabet[Int(chunk >> 12 & 0x3F)])
            if padded { output += [pad, pad] }
        case 2:
            let chunk = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8
            output.append(alphabet[Int(chunk >> 18 & 0x3F)])
            output.append(alphabet[Int(chunk >> 12 & 0x3F)])
            output.append(alphabet[Int(chunk >> 6 & 0x3F)])
            if padded { output.append(pad) }
        default:
            break
        }
        return output
    }

    static func decode(_ text: some StringProtocol) -> [UInt8]? {
        var input = Array(text.utf8)
        while input.last == 0x20 { input.removeLast() }
        let leading = input.prefix { $0 == 0x20 }.count
        if leading > 0 { input.removeFirst(leading) }
        // Padding is only valid when it completes the last quantum.
        if input.count % 4 == 0 {
            if input.last == UInt8(ascii: "=") { input.removeLast() }
            if input.last == UInt8(ascii: "=") { input.removeLast() }
        }
        // One leftover character cannot encode a byte.
        guard input.count % 4 != 1 else { return nil }
        var output: [UInt8] = []
        output.reserveCapacity(input.count * 3 / 4)
        var accumulator: UInt32 = 0
        var bits = 0
        for byte in input {
            let value = decodeTable[Int(byte)]
            guard value != 0xFF else { return nil }
            accumulator = accumulator << 6 | UInt32(value)
            bits += 6
            if bits >= 8 {
                bits -= 8
                output.append(UInt8(truncatingIfNeeded: accumulator >> UInt32(bits)))
            }
        }
        return output
    }
}
