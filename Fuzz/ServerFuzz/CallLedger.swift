import CoreMetrics
import Synchronization

/// Counts the calls the router started and the statuses they ended with, through swift-metrics (the transport's
/// own `grpc_server_started_total` / `grpc_server_handled_total` counters), so a harness knows when every call
/// has ended and with what status without parsing the server's HPACK output.
final class CallLedger: MetricsFactory, Sendable {
    struct Totals: Equatable {
        var started = 0
        var handled = 0
        /// Calls ended with a status a well-formed server never sends for a client's mistake, by method and code.
        var unexpected: [String] = []
    }

    static let shared = CallLedger()

    /// UNKNOWN means a handler threw something that is not an RPCError, DATA_LOSS that the server lost data: every bad
    /// request must get a precise status instead (README, "Every bad request gets a precise status"). INTERNAL is
    /// also the transport's answer to a client's framing mistake, so a fault behind INTERNAL is caught through the
    /// log instead (``FaultLogHandler``).
    static let unexpectedCodes: Set<String> = ["unknown", "data_loss"]

    private let totals = Mutex(Totals())

    var snapshot: Totals { self.totals.withLock { $0 } }

    /// A server fault someone logged at error level.
    func recordFault(_ description: String) {
        self.totals.withLock { $0.unexpected.append(description) }
    }

    func takeUnexpected() -> [String] {
        self.totals.withLock { totals in
            defer { totals.unexpected = [] }
            return totals.unexpected
        }
    }

    private final class Count: CounterHandler, Sendable {
        let ledger: CallLedger
        let started: Bool
        let unexpected: String?

        init(ledger: CallLedger, started: Bool, unexpected: String?) {
            self.ledger = ledger
            self.started = started
            self.unexpected = unexpected
        }

        func increment(by amount: Int64) {
            self.ledger.totals.withLock { totals in
                if self.started {
                    totals.started += Int(amount)
                } else {
                    totals.handled += Int(amount)
                    if let unexpected = self.unexpected {
                        totals.unexpected.append(unexpected)
                    }
                }
            }
        }

        func reset() {}
    }

    func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler {
        let method = dimensions.first { $0.0 == "grpc_method" }?.1 ?? "?"
        switch label {
        case "grpc_server_started_total":
            return Count(ledger: self, started: true, unexpected: nil)
        case "grpc_server_handled_total":
            let code = dimensions.first { $0.0 == "grpc_code" }?.1 ?? "?"
            let unexpected = Self.unexpectedCodes.contains(code.lowercased()) ? "\(method) ended with \(code)" : nil
            return Count(ledger: self, started: false, unexpected: unexpected)
        default:
            return NOOPMetricsHandler.instance
        }
    }

    func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler {
        NOOPMetricsHandler.instance
    }

    func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler {
        NOOPMetricsHandler.instance
    }

    func destroyCounter(_ handler: any CounterHandler) {}
    func destroyRecorder(_ handler: any RecorderHandler) {}
    func destroyTimer(_ handler: any TimerHandler) {}
}
