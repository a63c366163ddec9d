/// A message compression algorithm, named as in `grpc-encoding`.
public enum CompressionAlgorithm: String, Hashable, Sendable, CaseIterable {
    /// No compression.
    case identity
    /// gzip (RFC 1952): zlib with windowBits 31.
    case gzip
    /// `deflate` as gRPC uses it: the zlib format (RFC 1950), windowBits 15.
    case deflate

    /// The windowBits to give zlib for this algorithm; nil for identity.
    var zlibWindowBits: Int32? {
        switch self {
        case .identity: nil
        case .gzip: 31
        case .deflate: 15
        }
    }
}
