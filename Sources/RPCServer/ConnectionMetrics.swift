internal import Metrics

/// The connection-level counters. Made at first use, which is after the daemon has bootstrapped its metrics
/// backend (a counter made before that would stay on the no-op backend).
enum ConnectionMetrics {
    /// Connections accepted (the open ones are a gauge read at scrape time).
    static let accepted = Counter(label: "grpc_server_connections_accepted_total")

    private static let drain = Counter(label: "grpc_server_goaways_sent_total", dimensions: [("reason", "drain")])
    private static let calm = Counter(
        label: "grpc_server_goaways_sent_total", dimensions: [("reason", "enhance_your_calm")])
    private static let protocolError = Counter(
        label: "grpc_server_goaways_sent_total", dimensions: [("reason", "protocol_error")])

    /// Counts a GOAWAY the server decided to send: `drain` (shutdown, idle, age; the notice and the final frame
    /// count once), `enhance_your_calm` (ping or reset abuse) or `protocol_error`.
    static func goaway(reason: String) {
        switch reason {
        case "drain": Self.drain.increment()
        case "enhance_your_calm": Self.calm.increment()
        default: Self.protocolError.increment()
        }
    }
}
