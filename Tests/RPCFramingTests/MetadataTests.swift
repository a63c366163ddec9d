import RPCFraming
import Testing

struct MetadataTests {
    @Test(arguments: ["a", "x-user-id", "abc.def_ghi-0129", "grpc-foo", "key-bin", "-", "."])
    func validKeys(_ key: String) {
        #expect(Metadata.isValidKey(key))
    }

    @Test(arguments: ["", "A", "X-User", "a b", "a:b", ":path", "ключ", "a/b", "a\u{0}", "a+b", "é"])
    func invalidKeys(_ key: String) {
        #expect(!Metadata.isValidKey(key))
    }

    @Test func addLowercasesAndKeepsOrder() {
        var metadata = Metadata()
        metadata.add("X-Trace", "one")
        metadata.add("x-trace", "two")
        metadata.add("Data-Bin", binary: [0, 255])
        metadata.add("text-bin", "hi")
        #expect(metadata.count == 4)
        #expect(!metadata.isEmpty)
        #expect(metadata[stringValues: "X-TRACE"] == ["one", "two"])
        #expect(metadata[binaryValues: "data-bin"] == [[0, 255]])
        #expect(metadata[binaryValues: "text-bin"] == [Array("hi".utf8)])
        #expect(metadata[stringValues: "data-bin"] == [])
        let keys = metadata.map(\.key)
        #expect(keys == ["x-trace", "x-trace", "data-bin", "text-bin"])
        #expect(Metadata().isEmpty)
    }

    @Test func valueValidity() {
        #expect(Metadata.isValidValue(" printable ~ ASCII "))
        #expect(Metadata.isValidValue(""))
        #expect(!Metadata.isValidValue("line\nbreak"))
        #expect(!Metadata.isValidValue("tab\t"))
        #expect(!Metadata.isValidValue("é"))
        #expect(!Metadata.isValidValue("\u{7F}"))
    }

    @Test(arguments: [
        ":path", ":authority", "grpc-timeout", "grpc-encoding", "grpc-accept-encoding", "grpc-status", "grpc-message",
        "grpc-anything", "connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade", "te",
        "content-type", "host",
    ])
    func reservedKeys(_ key: String) {
        #expect(Metadata.isReserved(key))
    }

    @Test(arguments: ["user-agent", "grpc-status-details-bin", "authorization", "x-grpc-thing", "grpcx"])
    func keysThatAreNotReserved(_ key: String) {
        #expect(!Metadata.isReserved(key))
    }

    @Test func binaryValuesAreSentAsUnpaddedBase64() {
        var metadata = Metadata()
        for bytes: [UInt8] in [[], [0x66], [0x66, 0x6F], [0x66, 0x6F, 0x6F], [0xFB, 0xFF, 0xBF], [0, 1, 2, 3, 4]] {
            metadata.add("k-bin", binary: bytes)
        }
        #expect(metadata.headerFields().map(\.value) == ["", "Zg", "Zm8", "Zm9v", "+/+/", "AAECAwQ"])
        #expect(metadata.headerFields().allSatisfy { $0.name == "k-bin" })
    }

    @Test(arguments: [
        ("Zg==", [UInt8(0x66)]), ("Zg", [0x66]), ("Zm8=", [0x66, 0x6F]), ("Zm8", [0x66, 0x6F]),
        ("Zm9v", [0x66, 0x6F, 0x6F]),
        ("", []), ("+/+/", [0xFB, 0xFF, 0xBF]), ("AAECAwQ=", [0, 1, 2, 3, 4]), ("AAECAwQ", [0, 1, 2, 3, 4]),
        (" Zg== ", [0x66]),
    ] as [(String, [UInt8])])
    func binaryValuesDecodeWithOrWithoutPadding(_ value: String, _ bytes: [UInt8]) throws {
        let metadata = try Metadata(receivedHeaders: [(name: "k-bin", value: value)])
        #expect(metadata[binaryValues: "k-bin"] == [bytes])
    }

    @Test func commaSeparatedBinaryValuesAreSeparateValues() throws {
        let metadata = try Metadata(receivedHeaders: [(name: "k-bin", value: "Zg==,Zm8, Zm9v")])
        #expect(metadata[binaryValues: "k-bin"] == [[0x66], [0x66, 0x6F], [0x66, 0x6F, 0x6F]])
    }

    @Test(arguments: ["Zg=", "Z", "Zg===", "Z===", "Zm9v!", "Zm-_", "Zg==Zg==", "=", "Zm 9v"])
    func undecodableBinaryValueIsInternal(_ value: String) {
        let error = #expect(throws: RPCError.self) {
            try Metadata(receivedHeaders: [(name: "trace-bin", value: value)])
        }
        #expect(error?.code == .internalError)
    }

    @Test func receivedHeadersSkipReservedAndInvalidKeys() throws {
        let fields: [(name: String, value: String)] = [
            (":method", "POST"), (":path", "/a.B/C"), (":authority", "h"), (":scheme", "http"),
            ("content-type", "application/grpc"), ("te", "trailers"), ("grpc-timeout", "1S"),
            ("grpc-encoding", "gzip"), ("grpc-accept-encoding", "gzip"), ("user-agent", "grpc-python/1.60"),
            ("x-request-id", "r1"), ("bad key", "v"), ("x-request-id", "r2"), ("grpc-status-details-bin", "AQI"),
            ("host", "h"), ("connection", "close"), ("Upper", "u"),
        ]
        let metadata = try Metadata(receivedHeaders: fields)
        let keys = ["user-agent", "x-request-id", "x-request-id", "grpc-status-details-bin", "upper"]
        #expect(metadata.map(\.key) == keys)
        #expect(metadata[stringValues: "user-agent"] == ["grpc-python/1.60"])
        #expect(metadata[stringValues: "x-request-id"] == ["r1", "r2"])
        #expect(metadata[binaryValues: "grpc-status-details-bin"] == [[1, 2]])
    }

    @Test func headerFieldsSkipReservedKeys() {
        var metadata = Metadata()
        metadata.add("grpc-status", "0")
        metadata.add("content-type", "text/plain")
        metadata.add("te", "trailers")
        metadata.add("x-ok", "yes")
        metadata.add("grpc-status-details-bin", binary: [1, 2, 3])
        let rendered = metadata.headerFields().map { "\($0.name)=\($0.value)" }
        #expect(rendered == ["x-ok=yes", "grpc-status-details-bin=AQID"])
    }

    @Test func randomBinaryValuesRoundTrip() throws {
        var random = SplitMix64(seed: 5)
        for _ in 0..<300 {
            var metadata = Metadata()
            let bytes = random.bytes(Int.random(in: 0...64, using: &random))
            metadata.add("blob-bin", binary: bytes)
            let received = try Metadata(receivedHeaders: metadata.headerFields())
            #expect(received == metadata)
        }
    }

    @Test func appendAndRemove() {
        var metadata = Metadata()
        metadata.add("a", "1")
        var other = Metadata()
        other.add("b", "2")
        other.add("a", "3")
        metadata.append(contentsOf: other)
        #expect(metadata[stringValues: "a"] == ["1", "3"])
        metadata.removeAll("A")
        #expect(metadata.map(\.key) == ["b"])
    }
}
