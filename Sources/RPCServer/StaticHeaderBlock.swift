internal import CNghttp2
internal import RPCFraming

/// A header block laid out once for nghttp2 and never freed, for the fields almost every call sends.
///
/// Why: building `[(name, value)]` arrays, copying them into a temporary block and letting nghttp2
/// copy them again cost several allocations per call. These blocks live for the whole process, so
/// they are submitted with `NO_COPY_NAME | NO_COPY_VALUE`: nghttp2 keeps pointers into them until
/// the frame is encoded. The fields are those ``ResponseHead`` builds, so the wire does not change.
struct StaticHeaderBlock: @unchecked Sendable {
    let nameValues: UnsafePointer<nghttp2_nv>
    let count: Int

    init(_ fields: [(name: String, value: String)]) {
        let nameValues = UnsafeMutablePointer<nghttp2_nv>.allocate(capacity: fields.count)
        let flags = UInt8(NGHTTP2_NV_FLAG_NO_COPY_NAME.rawValue | NGHTTP2_NV_FLAG_NO_COPY_VALUE.rawValue)
        for (index, field) in fields.enumerated() {
            let name = Self.immortalBytes(field.name)
            let value = Self.immortalBytes(field.value)
            nameValues[index] = nghttp2_nv(
                name: name.baseAddress,
                value: value.baseAddress,
                namelen: name.count,
                valuelen: value.count,
                flags: flags
            )
        }
        self.nameValues = UnsafePointer(nameValues)
        self.count = fields.count
    }

    /// A copy of the string's UTF-8 that is never deallocated.
    private static func immortalBytes(_ string: String) -> UnsafeMutableBufferPointer<UInt8> {
        let utf8 = Array(string.utf8)
        let bytes = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: max(utf8.count, 1))
        _ = bytes.initialize(from: utf8)
        return UnsafeMutableBufferPointer(rebasing: bytes[0..<utf8.count])
    }

    /// The response HEADERS of a call with no response metadata and an identity response.
    static let identityResponseHeaders = StaticHeaderBlock(
        ResponseHead.headers(encoding: .identity, metadata: Metadata())
    )

    /// The trailers of a call that ends OK with no trailing metadata: `grpc-status: 0`.
    static let okTrailers = StaticHeaderBlock(ResponseHead.trailers(status: .ok, message: "", metadata: Metadata()))
}
