import RPCFraming
import Testing

struct PercentEncodingTests {
    @Test(arguments: [
        ("", ""),
        ("Hello", "Hello"),
        ("my favorite character is \u{0}", "my favorite character is %00"),
        ("my favorite character is %", "my favorite character is %25"),
        ("\u{65e5}\u{672c}", "%E6%97%A5%E6%9C%AC"),
        ("a\nb\tc\r", "a%0Ab%09c%0D"),
        (" ~", " ~"),
        ("\u{7F}", "%7F"),
        ("ü", "%C3%BC"),
        ("😀", "%F0%9F%98%80"),
        ("100% done", "100%25 done"),
    ])
    func encodingTable(_ message: String, _ encoded: String) {
        #expect(PercentEncoding.encode(message) == encoded)
        #expect(PercentEncoding.decode(encoded) == message)
    }

    @Test func everyPrintableAsciiByteExceptPercentIsKept() {
        for byte in UInt8(0x20)...UInt8(0x7E) {
            let text = String(decoding: [byte], as: UTF8.self)
            #expect(PercentEncoding.encode(text) == (byte == 0x25 ? "%25" : text))
        }
        for byte in UInt8(0)..<UInt8(0x20) {
            let text = String(decoding: [byte], as: UTF8.self)
            let hex = String(byte, radix: 16, uppercase: true)
            #expect(PercentEncoding.encode(text) == "%" + (hex.count == 1 ? "0" + hex : hex))
        }
    }

    @Test func decodingAcceptsLowercaseHex() {
        #expect(PercentEncoding.decode("%c3%bc") == "ü")
    }

    @Test(arguments: [
        ("%", "%"), ("%G1", "%G1"), ("%4", "%4"), ("abc%", "abc%"), ("abc%4", "abc%4"), ("%%41", "%A"),
        ("%4G", "%4G"), ("%+1", "%+1"), ("% 1", "% 1"),
    ])
    func invalidEscapesAreKeptAsTheyAre(_ value: String, _ decoded: String) {
        #expect(PercentEncoding.decode(value) == decoded)
    }

    @Test func invalidUTF8BecomesReplacementCharacters() {
        #expect(PercentEncoding.decode("a%FFb") == "a\u{FFFD}b")
        #expect(PercentEncoding.decode("%C3") == "\u{FFFD}")
        #expect(PercentEncoding.decode("%E6%97") == "\u{FFFD}")
    }

    @Test func randomUnicodeRoundTrips() {
        var random = SplitMix64(seed: 42)
        for _ in 0..<500 {
            let length = Int.random(in: 0...20, using: &random)
            var scalars = String.UnicodeScalarView()
            for _ in 0..<length {
                let ranges: [ClosedRange<UInt32>] = [0...0x7F, 0x80...0x7FF, 0x800...0xD7FF, 0xE000...0x10FFFF]
                let range = ranges[Int.random(in: 0..<ranges.count, using: &random)]
                scalars.append(Unicode.Scalar(UInt32.random(in: range, using: &random))!)
            }
            let message = String(scalars)
            let encoded = PercentEncoding.encode(message)
            #expect(encoded.utf8.allSatisfy { $0 >= 0x20 && $0 <= 0x7E })
            #expect(PercentEncoding.decode(encoded) == message)
        }
    }
}
