internal import CNghttp2

/// Header fields laid out for nghttp2: one byte buffer with every name and value, and the
/// `nghttp2_nv` array pointing into it.
///
/// The server module has the same helper; it is not shared because C pointers stay inside each
/// transport module and RPCFraming knows nothing of nghttp2. nghttp2 copies submitted fields (no
/// NO_COPY flag), so the block only has to live for the duration of the submit call.
enum HeaderBlock {
    static func withNameValues<Result>(
        _ fields: [(name: String, value: String)],
        _ body: (UnsafePointer<nghttp2_nv>, Int) -> Result
    ) -> Result {
        var total = 0
        for field in fields {
            total += field.name.utf8.count + field.value.utf8.count
        }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: max(total, 1)) { bytes in
            withUnsafeTemporaryAllocation(of: nghttp2_nv.self, capacity: max(fields.count, 1)) { nvs in
                var offset = 0
                for (index, field) in fields.enumerated() {
                    let namePointer = bytes.baseAddress! + offset
                    let nameCount = Self.copy(field.name, to: bytes, at: &offset)
                    let valuePointer = bytes.baseAddress! + offset
                    let valueCount = Self.copy(field.value, to: bytes, at: &offset)
                    nvs[index] = nghttp2_nv(
                        name: namePointer,
                        value: valuePointer,
                        namelen: nameCount,
                        valuelen: valueCount,
                        flags: UInt8(NGHTTP2_NV_FLAG_NONE.rawValue)
                    )
                }
                return body(UnsafePointer(nvs.baseAddress!), fields.count)
            }
        }
    }

    private static func copy(
        _ string: String,
        to buffer: UnsafeMutableBufferPointer<UInt8>,
        at offset: inout Int
    ) -> Int {
        var string = string
        return string.withUTF8 { utf8 in
            let target = UnsafeMutableBufferPointer(rebasing: buffer[offset..<(offset + utf8.count)])
            _ = target.initialize(from: utf8)
            offset += utf8.count
            return utf8.count
        }
    }
}
