import Foundation
import Testing

/// The committed generated code must come from the committed protos: `scripts/generate-protos` writes the
/// checksum of the .proto files next to the Swift it generates, and this test recomputes it.
@Suite struct ProtoChecksumTests {
    /// The repository root, found from this file's path (Tests/PlanningRPCTests/ThisFile.swift).
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    @Test func sha256MatchesKnownVectors() {
        #expect(SHA256.hex([]) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        let long = Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)
        #expect(SHA256.hex(long) == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    @Test func generatedCodeMatchesProtos() throws {
        let protos = Self.root.appendingPathComponent("Protos")
        let enumerator = try #require(FileManager.default.enumerator(atPath: protos.path))
        // Sorted by bytes, as `LC_ALL=C sort` in the script.
        let paths = enumerator.compactMap { $0 as? String }.filter { $0.hasSuffix(".proto") }
            .sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
        #expect(paths == ["planning/v1/catalog.proto", "planning/v1/common.proto", "planning/v1/planning.proto"])
        var bytes: [UInt8] = []
        for path in paths {
            bytes += try [UInt8](Data(contentsOf: protos.appendingPathComponent(path)))
        }
        let checksumFile = Self.root.appendingPathComponent("Sources/PlanningRPC/Generated/protos.sha256")
        let committed = try String(contentsOf: checksumFile, encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        if committed != SHA256.hex(bytes) {
            Issue.record("Protos/ changed since the code was generated: run scripts/generate-protos and commit")
        }
    }
}
