extension Metadata {
    /// Builds application metadata from received header fields.
    ///
    /// Pseudo-headers and reserved keys are skipped, and so are names that are not valid metadata keys (HTTP/2
    /// allows a few more characters than gRPC does; such a header is not metadata). `-bin` values are base64,
    /// with or without padding; a value holding several comma-separated base64 strings (as proxies may join
    /// repeated headers) yields one binary value each. ASCII values are taken as received.
    ///
    /// - Throws: INTERNAL for a `-bin` value that is not base64, the status grpc-go answers with.
    public init(receivedHeaders fields: some Sequence<(name: String, value: String)>) throws(RPCError) {
        self.init()
        for (name, value) in fields {
            let key = Self.lowercased(name)
            // Validity first: for a valid (ASCII) key the byte comparisons below are exact.
            guard Self.isValidKey(key), !Self.isReservedValidKey(key) else { continue }
            if Self.isBinaryValidKey(key) {
                for part in value.split(separator: ",", omittingEmptySubsequences: false) {
                    guard let bytes = Base64.decode(part) else {
                        throw RPCError(
                            code: .internalError,
                            message: "malformed binary metadata '\(value)' in header '\(key)'"
                        )
                    }
                    appendUnchecked(key: key, value: .binary(bytes))
                }
            } else {
                appendUnchecked(key: key, value: .string(value))
            }
        }
    }

    /// The header fields to send: reserved keys are skipped, `-bin` values base64-encoded without padding (as
    /// grpc-go sends them).
    public func headerFields() -> [(name: String, value: String)] {
        var fields: [(name: String, value: String)] = []
        fields.reserveCapacity(count)
        appendHeaderFields(to: &fields)
        return fields
    }

    /// Appends the fields ``headerFields()`` returns to `fields`.
    public func appendHeaderFields(to fields: inout [(name: String, value: String)]) {
        for (key, value) in self where !Self.isReserved(key) {
            switch value {
            case .string(let string):
                fields.append((name: key, value: string))
            case .binary(let bytes):
                fields.append((name: key, value: Base64.encode(bytes)))
            }
        }
    }
}
