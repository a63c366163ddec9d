/// A `grpc-timeout` value: the time the client allows the call to take.
///
/// The wire form is 1 to 8 ASCII digits followed by one unit letter: `H` hours, `M` minutes, `S` seconds,
/// `m` milliseconds, `u` microseconds, `n` nanoseconds. No sign, no space, nothing else.
public struct GRPCTimeout: Hashable, Sendable {
    /// The timeout in nanoseconds, never negative; saturates at `Int64.max` (about 292 years).
    public let nanoseconds: Int64

    /// The largest number the 8 digits of the wire form can hold.
    static let maxValue: Int64 = 99_999_999

    /// Creates a timeout; a negative value is read as zero (the deadline has passed).
    public init(nanoseconds: Int64) {
        self.nanoseconds = max(0, nanoseconds)
    }

    /// Parses a received `grpc-timeout` header value, or returns nil when it is malformed.
    public init?(headerValue: some StringProtocol) {
        let utf8 = Array(headerValue.utf8)
        let count = utf8.count
        // At least one digit and the unit; at most 8 digits.
        guard count >= 2, count <= 9, let unitByte = utf8.last else { return nil }
        let nanosecondsPerUnit: Int64
        switch unitByte {
        case UInt8(ascii: "H"): nanosecondsPerUnit = 3_600_000_000_000
        case UInt8(ascii: "M"): nanosecondsPerUnit = 60_000_000_000
        case UInt8(ascii: "S"): nanosecondsPerUnit = 1_000_000_000
        case UInt8(ascii: "m"): nanosecondsPerUnit = 1_000_000
        case UInt8(ascii: "u"): nanosecondsPerUnit = 1_000
        case UInt8(ascii: "n"): nanosecondsPerUnit = 1
        default: return nil
        }
        var value: Int64 = 0
        for byte in utf8.dropLast() {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int64(byte - UInt8(ascii: "0"))
        }
        // 99999999 hours do not fit in Int64 nanoseconds (about 292 years do): saturate, as grpc-go does.
        let (product, overflow) = value.multipliedReportingOverflow(by: nanosecondsPerUnit)
        self.nanoseconds = overflow ? Int64.max : product
    }

    /// The header value to send: the finest unit whose count fits in 8 digits, rounded up so the peer never
    /// sees a shorter deadline than ours (grpc-go's `encodeTimeout`). Values beyond 99999999 hours saturate.
    public var headerValue: String {
        guard nanoseconds > 0 else { return "0n" }
        let units: [(Int64, String)] = [
            (1, "n"), (1_000, "u"), (1_000_000, "m"), (1_000_000_000, "S"), (60_000_000_000, "M"),
            (3_600_000_000_000, "H"),
        ]
        for (perUnit, letter) in units {
            let (quotient, remainder) = nanoseconds.quotientAndRemainder(dividingBy: perUnit)
            let count = remainder > 0 ? quotient + 1 : quotient
            if count <= Self.maxValue {
                return String(count) + letter
            }
        }
        return String(Self.maxValue) + "H"
    }
}
