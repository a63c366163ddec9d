/// Appends JSON text to a byte array: raw fragments, and strings escaped as RFC 8259 requires.
struct JSONWriter {
    var bytes: [UInt8] = []

    mutating func raw(_ text: String) {
        self.bytes.append(contentsOf: text.utf8)
    }

    /// A quoted JSON string: `"` and `\` escaped, control characters as `\uXXXX` (or their short forms), and
    /// everything else, non-ASCII included, as its UTF-8 bytes.
    mutating func string(_ value: String) {
        let hex = Array("0123456789abcdef".utf8)
        self.bytes.append(UInt8(ascii: "\""))
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\""): self.bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): self.bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case UInt8(ascii: "\n"): self.bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case UInt8(ascii: "\r"): self.bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case UInt8(ascii: "\t"): self.bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0..<0x20:
                self.bytes.append(contentsOf: Array(#"\u00"#.utf8))
                self.bytes.append(hex[Int(byte >> 4)])
                self.bytes.append(hex[Int(byte & 0xf)])
            default: self.bytes.append(byte)
            }
        }
        self.bytes.append(UInt8(ascii: "\""))
    }
}
