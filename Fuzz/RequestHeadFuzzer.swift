// libFuzzer target for RequestHeadParser / RequestHeadValidator (and the metadata, timeout and content-type parsing
// they reach).
//
// Compiled into the RPCFraming module itself (see scripts/fuzz), so no import is needed and internals are reachable.
//
// Input layout:
//   byte 0: which fixed, valid fields to mix in (bit 0 :method POST, 1 :scheme, 2 :path, 3 content-type,
//           4 te, 5 :authority, 7 grpc-encoding gzip); bit 6 puts them after the fuzzed fields instead of before
//   rest:   fields separated by '\n'; in each, the first NUL separates the name from the value. CR and further NULs
//           are dropped from values, as nghttp2 refuses them before any callback sees them.
//
// Properties checked:
//   - no crash;
//   - RequestHeadValidator.validate (Strings) and RequestHeadParser fed the raw bytes agree whenever the input is
//     valid UTF-8 (for invalid UTF-8 only the parser's own run is checked);
//   - a head that passes is consistent: path == "/" + service + "/" + method, both non-empty, no '/' in method;
//     its metadata keys are valid and none is reserved;
//   - every response built from the outcome (trailers-only rejection, or the HEADERS for an accepted head echoing
//     its content-subtype) is something an HTTP/2 peer accepts: no byte 0x00-0x08, 0x0A-0x1F or 0x7F in any value.

private let fixedFields: [(bit: UInt8, name: String, value: String)] = [
    (0x01, ":method", "POST"),
    (0x02, ":scheme", "http"),
    (0x04, ":path", "/planning.v1.Planning/SuggestPDEMappings"),
    (0x08, "content-type", "application/grpc"),
    (0x10, "te", "trailers"),
    (0x20, ":authority", "localhost:50051"),
    (0x80, "grpc-encoding", "gzip"),
]

private func fieldValueIsValid(_ value: String) -> Bool {
    value.utf8.allSatisfy { byte in byte == 0x09 || (byte >= 0x20 && byte != 0x7F) }
}

private func checkResponse(_ fields: [(name: String, value: String)], _ what: String) {
    for (name, value) in fields {
        fuzzCheck(fieldValueIsValid(name) && !name.isEmpty, "\(what): invalid header name \(Array(name.utf8))")
        fuzzCheck(fieldValueIsValid(value), "\(what): invalid value for '\(name)': \(Array(value.utf8))")
    }
}

private func check(_ result: Result<RequestHead, RequestHeadRejection>) {
    switch result {
    case .success(let head):
        fuzzCheck(!head.service.isEmpty && !head.method.isEmpty, "empty service or method")
        fuzzCheck(head.path == "/" + head.service + "/" + head.method, "path does not split into its parts")
        fuzzCheck(!head.method.utf8.contains(UInt8(ascii: "/")), "method holds a slash")
        for (key, _) in head.metadata {
            fuzzCheck(Metadata.isValidKey(key), "invalid metadata key '\(key)' accepted")
            fuzzCheck(!Metadata.isReserved(key), "reserved metadata key '\(key)' accepted")
        }
        if let timeout = head.timeout {
            fuzzCheck(timeout.nanoseconds >= 0, "negative timeout")
        }
        checkResponse(
            ResponseHead.headers(encoding: head.encoding, metadata: Metadata(), contentSubtype: head.contentSubtype),
            "response headers"
        )
        checkResponse(ResponseHead.trailers(status: .ok, message: "", metadata: Metadata()), "trailers")
    case .failure(let rejection):
        checkResponse(rejection.responseFields, "rejection")
    }
}

/// Compares two outcomes by what goes on the wire.
private func sameOutcome(
    _ a: Result<RequestHead, RequestHeadRejection>,
    _ b: Result<RequestHead, RequestHeadRejection>
) -> Bool {
    switch (a, b) {
    case (.success(let x), .success(let y)):
        return x.path == y.path && x.service == y.service && x.method == y.method && x.authority == y.authority
            && x.timeout == y.timeout && x.encoding == y.encoding && x.acceptEncoding == y.acceptEncoding
            && x.contentSubtype == y.contentSubtype && x.metadata == y.metadata
    case (.failure(let x), .failure(let y)):
        return x == y
    default:
        return false
    }
}

func fuzzRequestHead(_ data: UnsafeRawBufferPointer) {
    guard let selector = data.first else { return }
    var raw: [(name: [UInt8], value: [UInt8])] = []
    for line in data.dropFirst().split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
        let name: ArraySlice<UInt8>
        let value: [UInt8]
        if let nul = line.firstIndex(of: 0) {
            name = ArraySlice(line[line.startIndex..<nul])
            value = line[(nul + 1)...].filter { $0 != 0 && $0 != UInt8(ascii: "\r") }
        } else {
            name = ArraySlice(line)
            value = []
        }
        raw.append((name: Array(name), value: value))
    }
    var fixed: [(name: [UInt8], value: [UInt8])] = []
    for field in fixedFields where selector & field.bit != 0 {
        fixed.append((name: Array(field.name.utf8), value: Array(field.value.utf8)))
    }
    let fields = selector & 0x40 != 0 ? raw + fixed : fixed + raw

    // The transport's path: bytes straight from HPACK.
    var parser = RequestHeadParser()
    for field in fields {
        field.name.withUnsafeBytes { name in
            field.value.withUnsafeBytes { value in parser.add(name: name, value: value) }
        }
    }
    let parsed = parser.finish()
    check(parsed)

    // The String path.
    let strings = fields.map { (name: String(decoding: $0.name, as: UTF8.self), value: String(decoding: $0.value, as: UTF8.self)) }
    let validated = RequestHeadValidator.validate(strings)
    check(validated)
    let isUTF8 = fields.allSatisfy { field in
        String(validating: field.name, as: UTF8.self) != nil && String(validating: field.value, as: UTF8.self) != nil
    }
    if isUTF8 {
        fuzzCheck(sameOutcome(parsed, validated), "parser and validator disagree: \(parsed) vs \(validated)")
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func requestHeadFuzzerEntry(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    fuzzRequestHead(UnsafeRawBufferPointer(start: data, count: size))
    return 0
}

/// `precondition` that keeps its message in -O builds (where precondition prints none).
private func fuzzCheck(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition {
        fatalError(message())
    }
}
