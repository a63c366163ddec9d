/// A gRPC status code, as carried by the `grpc-status` trailer.
///
/// Only the 17 codes defined by gRPC exist as values; a `grpc-status` value outside them is read as
/// ``unknown`` (see ``init(headerValue:)``), as gRPC's clients do.
public struct StatusCode: Hashable, Sendable, CustomStringConvertible {
    /// The numeric code, 0 through 16.
    public let rawValue: Int

    /// The code with this number, or nil when it is not one of gRPC's 17 codes.
    public init?(rawValue: Int) {
        guard Self.names.indices.contains(rawValue) else { return nil }
        self.rawValue = rawValue
    }

    private init(uncheckedRawValue: Int) {
        self.rawValue = uncheckedRawValue
    }

    /// Reads a received `grpc-status` value.
    ///
    /// A value that is not a plain decimal number in 0...16 yields ``unknown``, as gRPC's clients do: the call
    /// failed in a way the peer could not express.
    public init(headerValue: some StringProtocol) {
        var value = 0
        var digits = 0
        for byte in headerValue.utf8 {
            // Three digits are enough for 0...16; more (even leading zeros) are not a valid status.
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9"), digits < 3 else {
                self = .unknown
                return
            }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
            digits += 1
        }
        guard digits > 0, let code = StatusCode(rawValue: value) else {
            self = .unknown
            return
        }
        self = code
    }

    public static let ok = StatusCode(uncheckedRawValue: 0)
    public static let cancelled = StatusCode(uncheckedRawValue: 1)
    public static let unknown = StatusCode(uncheckedRawValue: 2)
    public static let invalidArgument = StatusCode(uncheckedRawValue: 3)
    public static let deadlineExceeded = StatusCode(uncheckedRawValue: 4)
    public static let notFound = StatusCode(uncheckedRawValue: 5)
    public static let alreadyExists = StatusCode(uncheckedRawValue: 6)
    public static let permissionDenied = StatusCode(uncheckedRawValue: 7)
    public static let resourceExhausted = StatusCode(uncheckedRawValue: 8)
    public static let failedPrecondition = StatusCode(uncheckedRawValue: 9)
    public static let aborted = StatusCode(uncheckedRawValue: 10)
    public static let outOfRange = StatusCode(uncheckedRawValue: 11)
    public static let unimplemented = StatusCode(uncheckedRawValue: 12)
    public static let internalError = StatusCode(uncheckedRawValue: 13)
    public static let unavailable = StatusCode(uncheckedRawValue: 14)
    public static let dataLoss = StatusCode(uncheckedRawValue: 15)
    public static let unauthenticated = StatusCode(uncheckedRawValue: 16)

    /// All 17 codes in numeric order.
    public static let allCases: [StatusCode] = names.indices.map { StatusCode(uncheckedRawValue: $0) }

    private static let names = [
        "OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND", "ALREADY_EXISTS",
        "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE",
        "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED",
    ]

    /// The canonical name, e.g. `RESOURCE_EXHAUSTED`.
    public var name: String { Self.names[rawValue] }

    /// The canonical name, e.g. `RESOURCE_EXHAUSTED`.
    public var description: String { name }

    /// The value to send in a `grpc-status` trailer.
    public var headerValue: String { String(rawValue) }
}
