internal import Metrics
internal import RPCFraming

/// The swift-metrics instruments of one method, made once at registration so a call costs no lookup.
struct MethodMetrics: Sendable {
    let started: Counter
    /// Indexed by status code.
    let handled: [Counter]
    let latency: Timer
    /// Response messages written (a unary call's one, each of a stream's).
    let sent: Counter

    init(path: String) {
        self.started = Counter(label: "grpc_server_started_total", dimensions: [("grpc_method", path)])
        self.handled = (0...16).map { raw in
            Counter(
                label: "grpc_server_handled_total",
                dimensions: [("grpc_method", path), ("grpc_code", StatusCode(rawValue: raw)!.name)]
            )
        }
        self.latency = Timer(label: "grpc_server_handling_seconds", dimensions: [("grpc_method", path)])
        self.sent = Counter(label: "grpc_server_msg_sent_total", dimensions: [("grpc_method", path)])
    }

    func record(_ code: StatusCode, nanoseconds: Int64) {
        self.handled[code.rawValue].increment()
        self.latency.recordNanoseconds(nanoseconds)
    }
}
