internal import RPCFraming

/// Base64 for `application/grpc-web-text` bodies.
///
/// A request body is base64 that may arrive in any chunking and may be several padded segments one after the
/// other (clients encode each write on its own); the decoder takes whole 4-character groups as they complete and
/// keeps the rest. A response is encoded one write at a time, each segment padded, as the gRPC-Web spec allows.
struct GRPCWebText: Sendable {
    /// Characters of an incomplete group, at most 3.
    private var pending: [UInt8] = []

    init() {}

    /// Decodes what `text` completes; nil when it is not base64 (a bad character, or padding inside a group).
    mutating func decode(_ text: some Collection<UInt8>) -> [UInt8]? {
        var output: [UInt8] = []
        output.reserveCapacity((self.pending.count + text.count) / 4 * 3)
        for byte in text {
            // Line breaks and spaces some encoders insert are not data.
            if byte == UInt8(ascii: "\r") || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: " ") { continue }
            self.pending.append(byte)
            guard self.pending.count == 4 else { continue }
            guard Self.decodeGroup(self.pending, into: &output) else { return nil }
            self.pending.removeAll(keepingCapacity: true)
        }
        return output
    }

    /// True when the text ended on a group boundary, as a complete body must.
    var isComplete: Bool { self.pending.isEmpty }

    /// One group of 4 characters, the last one or two of which may be `=`.
    private static func decodeGroup(_ group: [UInt8], into output: inout [UInt8]) -> Bool {
        let padding = group[3] == UInt8(ascii: "=") ? (group[2] == UInt8(ascii: "=") ? 2 : 1) : 0
        var value: UInt32 = 0
        for index in 0..<4 {
            let byte = group[index]
            let sextet: UInt8
            if index >= 4 - padding {
                sextet = 0
            } else {
                guard let value = Base64.sextet(of: byte) else { return false }
                sextet = value
            }
            value = value << 6 | UInt32(sextet)
        }
        output.append(UInt8(truncatingIfNeeded: value >> 16))
        if padding < 2 { output.append(UInt8(truncatingIfNeeded: value >> 8)) }
        if padding < 1 { output.append(UInt8(truncatingIfNeeded: value)) }
        return true
    }

    /// Standard base64 with padding.
    static func encode(_ bytes: [UInt8]) -> [UInt8] {
        Base64.encodeBytes(bytes, padded: true)
    }
}
