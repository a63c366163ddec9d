/// Writes gRPC's length-prefixed messages: a 1-byte compressed flag, a 4-byte big-endian length, the bytes.
public enum MessageFramer {
    /// The length of the prefix before each message.
    public static let prefixLength = 5

    /// Appends one length-prefixed message (5-byte prefix + `message`) to `buffer`.
    ///
    /// - Precondition: `message` is at most `UInt32.max` bytes, the most the prefix can announce.
    public static func append(_ message: some Collection<UInt8>, compressed: Bool, to buffer: inout [UInt8]) {
        let count = message.count
        precondition(count <= Int(UInt32.max), "a gRPC message is at most 4 GiB")
        buffer.reserveCapacity(buffer.count + prefixLength + count)
        buffer.append(compressed ? 1 : 0)
        buffer.append(UInt8(truncatingIfNeeded: count >> 24))
        buffer.append(UInt8(truncatingIfNeeded: count >> 16))
        buffer.append(UInt8(truncatingIfNeeded: count >> 8))
        buffer.append(UInt8(truncatingIfNeeded: count))
        buffer.append(contentsOf: message)
    }

    /// One length-prefixed message as a new array.
    public static func frame(_ message: some Collection<UInt8>, compressed: Bool) -> [UInt8] {
        var buffer: [UInt8] = []
        append(message, compressed: compressed, to: &buffer)
        return buffer
    }
}
