internal import CNghttp2

/// The request header fields that every call of a channel sends (`:method`, `:scheme`, `:authority`,
/// `content-type`, `te`, `user-agent`, `grpc-accept-encoding`), laid out for nghttp2 once.
///
/// Building the `nghttp2_nv` array of these seven fields for each call was a visible part of the bench's
/// profile; with this block a call lays out only its own fields (`:path`, `grpc-timeout`, metadata).
final class StaticHeaderBlock: @unchecked Sendable {
    // `@unchecked Sendable`: the bytes and the array are written in `init` only, then just read.
    private let bytes: UnsafeMutableBufferPointer<UInt8>
    private let nameValues: [nghttp2_nv]
    /// How many of the fields are pseudo-headers; they lead, and a call's pseudo-headers go right after them,
    /// since HTTP/2 wants every pseudo-header before the regular fields.
    private let pseudoCount: Int

    init(_ fields: [(name: String, value: String)]) {
        let total = fields.reduce(0) { $0 + $1.name.utf8.count + $1.value.utf8.count }
        self.bytes = .allocate(capacity: max(total, 1))
        var offset = 0
        var nameValues: [nghttp2_nv] = []
        for field in fields {
            let name = Self.copy(field.name, to: self.bytes, at: &offset)
            let value = Self.copy(field.value, to: self.bytes, at: &offset)
            nameValues.append(
                nghttp2_nv(
                    name: name.pointer,
                    value: value.pointer,
                    namelen: name.count,
                    valuelen: value.count,
                    flags: UInt8(NGHTTP2_NV_FLAG_NONE.rawValue)
                )
            )
        }
        self.nameValues = nameValues
        self.pseudoCount = fields.prefix { $0.name.hasPrefix(":") }.count
    }

    deinit {
        self.bytes.deallocate()
    }

    /// Calls `body` with the static fields and `fields`, pseudo-headers first (those of `fields` must lead it).
    func withNameValues<Result>(
        appending fields: [(name: String, value: String)],
        _ body: (UnsafePointer<nghttp2_nv>, Int) -> Result
    ) -> Result {
        HeaderBlock.withNameValues(fields) { extra, extraCount in
            let count = self.nameValues.count + extraCount
            return withUnsafeTemporaryAllocation(of: nghttp2_nv.self, capacity: count) { all in
                let extraPseudo = fields.prefix { $0.name.utf8.first == UInt8(ascii: ":") }.count
                var target = all.baseAddress!
                self.nameValues.withUnsafeBufferPointer { statics in
                    target.initialize(from: statics.baseAddress!, count: self.pseudoCount)
                    target += self.pseudoCount
                    target.initialize(from: extra, count: extraPseudo)
                    target += extraPseudo
                    let regular = statics.count - self.pseudoCount
                    target.initialize(from: statics.baseAddress! + self.pseudoCount, count: regular)
                    target += statics.count - self.pseudoCount
                }
                target.initialize(from: extra + extraPseudo, count: extraCount - extraPseudo)
                return body(UnsafePointer(all.baseAddress!), count)
            }
        }
    }

    private static func copy(
        _ string: String,
        to buffer: UnsafeMutableBufferPointer<UInt8>,
        at offset: inout Int
    ) -> (pointer: UnsafeMutablePointer<UInt8>, count: Int) {
        let pointer = buffer.baseAddress! + offset
        let count = string.utf8.count
        _ = UnsafeMutableBufferPointer(rebasing: buffer[offset..<offset + count]).initialize(from: string.utf8)
        offset += count
        return (pointer, count)
    }
}
