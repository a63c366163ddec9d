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

    /// Each folder of Protos/ and the generated code it has; every folder must be here.
    static let generated = [
        "grpc": "Sources/RPCServices/Generated/protos.sha256",
        "planning": "Sources/PlanningRPC/Generated/protos.sha256",
    ]

    /// Folders of Protos/ implemented by hand instead (two tiny messages, not worth building protoc-gen-swift):
    /// google/rpc Status and QuotaFailure in Sources/RPCProtobuf; the interop suite decodes what they encode with
    /// googleapis-common-protos.
    static let handWritten = ["google"]

    @Test func everyProtoFolderIsGenerated() throws {
        let protos = Self.root.appendingPathComponent("Protos")
        let folders = try FileManager.default.contentsOfDirectory(atPath: protos.path).filter { !$0.hasPrefix(".") }
        #expect(Set(folders) == Set(Self.generated.keys).union(Self.handWritten))
    }

    @Test(arguments: [
        (
            "planning",
            ["planning/v1/catalog.proto", "planning/v1/common.proto", "planning/v1/planning.proto"]
        ),
        (
            "grpc",
            [
                "grpc/health/v1/health.proto", "grpc/reflection/v1/reflection.proto",
                "grpc/reflection/v1alpha/reflection.proto",
            ]
        ),
    ])
    func generatedCodeMatchesProtos(folder: String, expected: [String]) throws {
        let protos = Self.root.appendingPathComponent("Protos")
        let folderPath = protos.appendingPathComponent(folder).path
        let enumerator = try #require(FileManager.default.enumerator(atPath: folderPath))
        // Sorted by bytes, as `LC_ALL=C sort` in the script; relative to Protos/, as the script names them.
        let paths = enumerator.compactMap { $0 as? String }.filter { $0.hasSuffix(".proto") }.map { folder + "/" + $0 }
            .sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
        #expect(paths == expected)
        var bytes: [UInt8] = []
        for path in paths {
            bytes += try [UInt8](Data(contentsOf: protos.appendingPathComponent(path)))
        }
        let checksumFile = Self.root.appendingPathComponent(try #require(Self.generated[folder]))
        let committed = try String(contentsOf: checksumFile, encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        if committed != SHA256.hex(bytes) {
            Issue.record(
                "Protos/\(folder) changed since the code was generated: run scripts/generate-protos and commit"
            )
        }
    }
}
