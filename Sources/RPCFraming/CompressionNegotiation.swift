/// `grpc-encoding` / `grpc-accept-encoding` negotiation.
public enum CompressionNegotiation {
    /// The algorithms this implementation supports, in order of preference for the accept list.
    public static let supported: [CompressionAlgorithm] = [.identity, .gzip, .deflate]

    /// The `grpc-accept-encoding` value we send: `identity,gzip,deflate`.
    public static var acceptEncodingHeaderValue: String { acceptEncodingList }

    /// Built once: every response carries it.
    private static let acceptEncodingList = supported.map(\.rawValue).joined(separator: ",")

    /// The encoding of a request's messages from its `grpc-encoding` header.
    ///
    /// A missing or empty header means identity. An encoding we do not support is UNIMPLEMENTED, as the spec
    /// says; the response must then carry our `grpc-accept-encoding` (``ResponseHead`` always includes it).
    public static func requestEncoding(_ header: String?) throws(RPCError) -> CompressionAlgorithm {
        guard let header, !header.isEmpty else { return .identity }
        guard let algorithm = CompressionAlgorithm(rawValue: header) else {
            throw RPCError(
                code: .unimplemented,
                message: "grpc-encoding '\(header)' is not supported; supported: \(acceptEncodingHeaderValue)"
            )
        }
        return algorithm
    }

    /// Picks a response encoding: `preferred` if the client's `grpc-accept-encoding` lists it, else identity.
    ///
    /// The accept list is comma-separated; spaces around names are ignored.
    public static func responseEncoding(preferred: CompressionAlgorithm?, acceptEncoding: String?)
        -> CompressionAlgorithm
    {
        guard let preferred, preferred != .identity, let acceptEncoding else { return .identity }
        let accepted = acceptEncoding.split(separator: ",").contains { trimmed($0) == preferred.rawValue }
        return accepted ? preferred : .identity
    }

    private static func trimmed(_ value: Substring) -> Substring {
        var value = value
        while value.first == " " || value.first == "\t" { value.removeFirst() }
        while value.last == " " || value.last == "\t" { value.removeLast() }
        return value
    }
}
