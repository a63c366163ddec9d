public import RPCFraming

/// One finished (or, between ``Tracer/startSpan(name:kind:parent:)`` and ``Tracer/end(_:)``, running) span: the
/// small value the call path hands to the exporter's queue. Nothing here is encoded until the exporter sends it.
public struct Span: Sendable {
    /// OTLP's `SpanKind`, as its JSON mapping numbers it.
    public enum Kind: Int, Sendable {
        case `internal` = 1
        case server = 2
    }

    /// OTLP's `Status`: a description goes only with ``error(_:)``, as the specification asks.
    public enum Status: Sendable, Equatable {
        case unset
        case ok
        case error(String)

        var code: Int {
            switch self {
            case .unset: 0
            case .ok: 1
            case .error: 2
            }
        }
    }

    /// `package.Service/Method` for a call, `job <kind>` for a job run.
    public var name: String
    public var kind: Kind
    /// 32 lower-case hex digits.
    public var traceID: String
    /// This span's id; never zero.
    public var spanID: UInt64
    /// The parent's span id (16 lower-case hex digits), nil for a root span.
    public var parentSpanID: String?
    /// The W3C trace flags carried on to this span's own context.
    public var flags: UInt8
    public var traceState: String
    public var startUnixNano: UInt64
    public var endUnixNano: UInt64 = 0
    public var status: Status = .unset
    /// The gRPC status a call span ended with: the encoder adds `rpc.system`, `rpc.service`, `rpc.method` (from
    /// ``name``) and `rpc.grpc.status_code`, so that a call pays for no attribute array.
    public var grpcStatusCode: Int?
    public var attributes: [SpanAttribute] = []

    public init(
        name: String, kind: Kind, traceID: String, spanID: UInt64, parentSpanID: String?, flags: UInt8 = 1,
        traceState: String = "", startUnixNano: UInt64
    ) {
        self.name = name
        self.kind = kind
        self.traceID = traceID
        self.spanID = spanID
        self.parentSpanID = parentSpanID
        self.flags = flags
        self.traceState = traceState
        self.startUnixNano = startUnixNano
    }

    /// This span's W3C context: what the logs of its work carry and what its children name as their parent.
    public var context: TraceContext {
        TraceContext(traceID: self.traceID, spanID: Self.hex(self.spanID), flags: self.flags, traceState: self.traceState)
    }

    /// Whether the parent asked for the trace to be recorded (W3C flag bit 0).
    public var isSampled: Bool { self.flags & 1 == 1 }

    /// 16 lower-case hex digits.
    public static func hex(_ id: UInt64) -> String {
        let digits = Array("0123456789abcdef".utf8)
        return String(unsafeUninitializedCapacity: 16) { buffer in
            for index in 0..<16 {
                buffer[index] = digits[Int((id >> (60 - 4 * UInt64(index))) & 0xf)]
            }
            return 16
        }
    }

    /// The OTLP status of a server span that ended with `code`, as OpenTelemetry's gRPC conventions say: the codes
    /// that mean the server failed are errors; those that describe the caller's request leave the status unset.
    public static func serverStatus(_ code: StatusCode, message: String) -> Status {
        switch code {
        case .ok: .ok
        case .unknown, .deadlineExceeded, .unimplemented, .internalError, .unavailable, .dataLoss:
            .error(message.isEmpty ? code.name : "\(code.name): \(message)")
        default: .unset
        }
    }
}
