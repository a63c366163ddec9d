/// A W3C Trace Context (https://www.w3.org/TR/trace-context/) from the `traceparent` and `tracestate` request
/// metadata, parsed strictly: a value the specification calls invalid gives no context at all, so that a bad
/// header never produces a wrong trace id in the logs or on a job.
public struct TraceContext: Sendable, Hashable {
    /// The trace id: 32 lower-case hex digits, not all zero.
    public let traceID: String
    /// The caller's span id (the header's parent-id): 16 lower-case hex digits, not all zero.
    public let spanID: String
    /// The trace flags; bit 0 is "sampled".
    public let flags: UInt8
    /// The vendor state (`tracestate`), carried as received; empty when there was none or it was too long.
    public let traceState: String

    /// The longest `tracestate` kept: the specification lets a receiver drop it rather than parse a huge one.
    public static let maxTraceStateLength = 512

    /// The header's length for version 00: `00-` 32 `-` 16 `-` 2.
    static let version00Length = 55

    /// A context from parts already known to be valid (ids this process made): `traceID` 32 and `spanID` 16
    /// lower-case hex digits, not all zero.
    public init(traceID: String, spanID: String, flags: UInt8, traceState: String = "") {
        self.traceID = traceID
        self.spanID = spanID
        self.flags = flags
        self.traceState = traceState
    }

    /// Parses a `traceparent` value; nil when it is invalid. A version above 00 is read as 00 (the first four
    /// fields), as the specification asks, provided what follows them starts with a dash; version ff is invalid.
    public init?(traceparent: String, tracestate: String = "") {
        let bytes = Array(traceparent.utf8)
        guard bytes.count >= Self.version00Length else { return nil }
        guard let version = Self.hexByte(bytes[0], bytes[1]), version != 0xff, bytes[2] == UInt8(ascii: "-"),
            bytes[35] == UInt8(ascii: "-"), bytes[52] == UInt8(ascii: "-")
        else { return nil }
        if version == 0 {
            guard bytes.count == Self.version00Length else { return nil }
        } else if bytes.count > Self.version00Length, bytes[Self.version00Length] != UInt8(ascii: "-") {
            return nil
        }
        let traceID = bytes[3..<35]
        let spanID = bytes[36..<52]
        guard Self.isHex(traceID), Self.isHex(spanID), traceID.contains(where: { $0 != UInt8(ascii: "0") }),
            spanID.contains(where: { $0 != UInt8(ascii: "0") }), let flags = Self.hexByte(bytes[53], bytes[54])
        else { return nil }
        self.traceID = String(decoding: traceID, as: UTF8.self)
        self.spanID = String(decoding: spanID, as: UTF8.self)
        self.flags = flags
        self.traceState = tracestate.utf8.count <= Self.maxTraceStateLength ? tracestate : ""
    }

    /// The context of a call's metadata: one `traceparent` (two or more are invalid, as the specification says),
    /// and the `tracestate` values joined by commas.
    public init?(metadata: Metadata) {
        let parents = metadata[stringValues: "traceparent"]
        guard parents.count == 1 else { return nil }
        let state = metadata[stringValues: "tracestate"].joined(separator: ",")
        self.init(traceparent: parents[0], tracestate: state)
    }

    /// Whether the caller sampled the trace.
    public var isSampled: Bool { self.flags & 1 == 1 }

    /// The `traceparent` value (version 00) of this context.
    public var traceparent: String {
        let hex = Array("0123456789abcdef".utf8)
        let flags = String(decoding: [hex[Int(self.flags >> 4)], hex[Int(self.flags & 0xf)]], as: UTF8.self)
        return "00-\(self.traceID)-\(self.spanID)-\(flags)"
    }

    /// Lower-case hex only: the specification rejects upper case.
    private static func isHex(_ bytes: ArraySlice<UInt8>) -> Bool {
        bytes.allSatisfy { Self.nibble($0) != nil }
    }

    private static func hexByte(_ high: UInt8, _ low: UInt8) -> UInt8? {
        guard let high = Self.nibble(high), let low = Self.nibble(low) else { return nil }
        return high << 4 | low
    }

    private static func nibble(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        default: nil
        }
    }
}
