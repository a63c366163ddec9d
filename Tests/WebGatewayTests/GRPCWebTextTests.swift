import Foundation
import Testing

@testable import WebGateway

struct GRPCWebTextTests {
    private static let frames: [UInt8] = [0, 0, 0, 0, 5] + Array("hello".utf8) + [0x80, 0, 0, 0, 2, 0x41, 0x42]

    @Test func encodeMatchesFoundationWithPadding() {
        for length in 0...7 {
            let bytes = Array(Self.frames.prefix(length))
            #expect(GRPCWebText.encode(bytes) == Array(Data(bytes).base64EncodedString().utf8))
        }
    }

    @Test func decodesSegmentsEachPaddedOneAfterTheOther() {
        // Split where the segments need padding (1 and 2 leftover bytes), as a client encoding each write sends.
        let text =
            GRPCWebText.encode(Array(Self.frames[..<4])) + GRPCWebText.encode(Array(Self.frames[4..<9]))
            + GRPCWebText.encode(Array(Self.frames[9...]))
        var decoder = GRPCWebText()
        #expect(decoder.decode(text) == Self.frames)
        #expect(decoder.isComplete)
    }

    @Test(arguments: 0...20)
    func decodesWhateverTheChunking(split: Int) {
        let text = GRPCWebText.encode(Self.frames)
        let cut = min(split, text.count)
        var decoder = GRPCWebText()
        let first = decoder.decode(text[..<cut])
        #expect(decoder.isComplete == (cut % 4 == 0))
        let second = decoder.decode(text[cut...])
        #expect(((first ?? []) + (second ?? [])) == Self.frames)
        #expect(decoder.isComplete)
    }

    @Test(arguments: ["AA*A", "A=AA", "AA=A", "A===", "====", "AAA\u{00e9}"])
    func rejectsWhatIsNotBase64(text: String) {
        var decoder = GRPCWebText()
        #expect(decoder.decode(Array(text.utf8)) == nil)
    }

    @Test func ignoresLineBreaksAndSpaces() {
        var decoder = GRPCWebText()
        #expect(decoder.decode(Array("aGVs\r\nbG8=\n".utf8)) == Array("hello".utf8))
        #expect(decoder.isComplete)
    }
}
