/// gRPC custom metadata: an ordered list of key-value pairs, keys lowercase, possibly repeated.
///
/// Keys consist of `0-9 a-z _ - .` and are never empty. A key ending in `-bin` carries binary values, sent
/// base64-encoded; every other key carries printable ASCII (0x20...0x7E).
///
/// Reserved keys (see ``isReserved(_:)``) belong to the transport: they are skipped when metadata is built from
/// received headers and when metadata is turned into header fields, so application code never sees or sets them.
public struct Metadata: Hashable, Sendable, Sequence {
    /// One metadata value.
    public enum Value: Hashable, Sendable {
        /// The value of an ASCII key.
        case string(String)
        /// The (decoded) value of a `-bin` key.
        case binary([UInt8])
    }

    struct Entry: Hashable, Sendable {
        var key: String
        var value: Value
    }

    private var entries: [Entry]

    /// Empty metadata.
    public init() {
        entries = []
    }

    /// Adds a value. The key is lowercased and must then be valid (a programming error otherwise).
    ///
    /// For a `-bin` key the string's UTF-8 bytes become the binary value. For any other key the value must be
    /// printable ASCII (0x20...0x7E): anything else could split or corrupt the header block, so it is a
    /// programming error too.
    public mutating func add(_ key: String, _ value: String) {
        let key = Self.lowercased(key)
        precondition(Self.isValidKey(key), "invalid gRPC metadata key '\(key)'")
        if Self.isBinaryKey(key) {
            entries.append(Entry(key: key, value: .binary(Array(value.utf8))))
        } else {
            precondition(Self.isValidValue(value), "metadata value for '\(key)' is not printable ASCII")
            entries.append(Entry(key: key, value: .string(value)))
        }
    }

    /// Adds a binary value. The key is lowercased and must be valid and end in `-bin`.
    public mutating func add(_ key: String, binary value: [UInt8]) {
        let key = Self.lowercased(key)
        precondition(Self.isValidKey(key), "invalid gRPC metadata key '\(key)'")
        precondition(Self.isBinaryKey(key), "binary metadata key '\(key)' must end in -bin")
        entries.append(Entry(key: key, value: .binary(value)))
    }

    /// Appends an entry whose key the caller has already validated (received headers).
    mutating func appendUnchecked(key: String, value: Value) {
        entries.append(Entry(key: key, value: value))
    }

    /// Removes every value of `key`.
    public mutating func removeAll(_ key: String) {
        let key = Self.lowercased(key)
        entries.removeAll { $0.key == key }
    }

    /// Appends every entry of `other`.
    public mutating func append(contentsOf other: Metadata) {
        entries.append(contentsOf: other.entries)
    }

    /// The string values of `key` (case-insensitive), in order.
    public subscript(stringValues key: String) -> [String] {
        let key = Self.lowercased(key)
        return entries.compactMap { entry in
            guard entry.key == key, case .string(let value) = entry.value else { return nil }
            return value
        }
    }

    /// The binary values of `key` (case-insensitive), in order.
    public subscript(binaryValues key: String) -> [[UInt8]] {
        let key = Self.lowercased(key)
        return entries.compactMap { entry in
            guard entry.key == key, case .binary(let value) = entry.value else { return nil }
            return value
        }
    }

    /// True when there are no entries.
    public var isEmpty: Bool { entries.isEmpty }

    /// The number of entries (a key with two values counts twice).
    public var count: Int { entries.count }

    public func makeIterator() -> some IteratorProtocol<(key: String, value: Value)> {
        entries.lazy.map { (key: $0.key, value: $0.value) }.makeIterator()
    }

    // MARK: - Key and value rules

    /// `key.lowercased()`, without a new String when there is nothing to lower (the usual case: keys
    /// arrive lowercase from HTTP/2 and are written lowercase in code). Non-ASCII goes the slow way.
    static func lowercased(_ key: String) -> String {
        // Over the contiguous bytes: iterating String.UTF8View directly was 3% of a unary call.
        let needsWork =
            key.utf8.withContiguousStorageIfAvailable { bytes in
                for byte in bytes where (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z")) || byte >= 0x80 {
                    return true
                }
                return false
            } ?? true
        return needsWork ? key.lowercased() : key
    }

    /// True when `key` is a well-formed metadata key: non-empty, only `0-9 a-z _ - .`.
    public static func isValidKey(_ key: String) -> Bool {
        !key.isEmpty
            && key.utf8.allSatisfy { byte in
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                    UInt8(ascii: "_"), UInt8(ascii: "-"), UInt8(ascii: "."):
                    true
                default:
                    false
                }
            }
    }

    /// True when `value` may be sent as the value of an ASCII key: printable ASCII only (0x20...0x7E).
    public static func isValidValue(_ value: String) -> Bool {
        value.utf8.allSatisfy { $0 >= 0x20 && $0 <= 0x7E }
    }

    /// True when `key` carries binary values (ends in `-bin`).
    public static func isBinaryKey(_ key: String) -> Bool {
        key.hasSuffix("-bin")
    }

    /// True for keys the transport owns, which never reach or come from application code.
    ///
    /// They are: pseudo-headers (`:path`, ...); every `grpc-` key except `grpc-status-details-bin` (which the
    /// application may set in trailers to carry rich error details, and which a client reads as binary
    /// metadata); HTTP/1 connection-specific headers that HTTP/2 forbids (`connection`, `keep-alive`,
    /// `proxy-connection`, `transfer-encoding`, `upgrade`) and `te`; `content-type`; `host` (the transport
    /// reads the authority). `user-agent` is not reserved: like gRPC's servers we hand it to the application.
    public static func isReserved(_ key: String) -> Bool {
        if key.hasPrefix(":") { return true }
        if key.hasPrefix("grpc-") { return key != "grpc-status-details-bin" }
        return reservedHeaders.contains(key)
    }

    /// ``isReserved(_:)`` for a key that ``isValidKey(_:)`` accepted, compared as bytes.
    ///
    /// Why: String's `hasPrefix` and a `Set<String>` lookup (Unicode-aware comparison, hashing)
    /// were ~5% of a unary call's server CPU for one received header. A valid key is ASCII, so
    /// byte equality is String equality here; it cannot start with `:`.
    static func isReservedValidKey(_ key: String) -> Bool {
        key.utf8.withContiguousStorageIfAvailable { bytes in
            if Self.hasPrefix(bytes, "grpc-") {
                return !Self.equals(bytes, "grpc-status-details-bin")
            }
            return Self.equals(bytes, "te") || Self.equals(bytes, "host") || Self.equals(bytes, "upgrade")
                || Self.equals(bytes, "connection") || Self.equals(bytes, "keep-alive")
                || Self.equals(bytes, "content-type") || Self.equals(bytes, "proxy-connection")
                || Self.equals(bytes, "transfer-encoding")
        } ?? isReserved(key)
    }

    /// ``isBinaryKey(_:)`` for a key that ``isValidKey(_:)`` accepted, compared as bytes.
    static func isBinaryValidKey(_ key: String) -> Bool {
        key.utf8.withContiguousStorageIfAvailable { bytes in
            bytes.count >= 4 && Self.equals(UnsafeBufferPointer(rebasing: bytes[(bytes.count - 4)...]), "-bin")
        } ?? isBinaryKey(key)
    }

    private static func hasPrefix(_ bytes: UnsafeBufferPointer<UInt8>, _ literal: StaticString) -> Bool {
        let count = literal.utf8CodeUnitCount
        guard bytes.count >= count else { return false }
        return Self.equals(UnsafeBufferPointer(rebasing: bytes[..<count]), literal)
    }

    private static func equals(_ bytes: UnsafeBufferPointer<UInt8>, _ literal: StaticString) -> Bool {
        let count = literal.utf8CodeUnitCount
        guard bytes.count == count else { return false }
        let start = literal.utf8Start
        for index in 0..<count where bytes[index] != start[index] {
            return false
        }
        return true
    }

    private static let reservedHeaders: Set<String> = [
        "connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade", "te", "content-type", "host",
    ]
}
