import Logging

/// The process-wide log handler of the harness: drops everything below `.error`, and records errors as server faults
/// in the ``CallLedger``. The planning services log a server fault (ServiceErrors' "request failed with an internal
/// error") before they answer INTERNAL, which is how the harness tells a fault from the transport's INTERNAL for a
/// client's framing mistake (a message cut short by END_STREAM, a second request message on a unary call), which is
/// gRPC's status for those.
struct FaultLogHandler: LogHandler {
    let label: String
    var metadata: Logger.Metadata = [:]
    var metadataProvider: Logger.MetadataProvider?
    var logLevel: Logger.Level = .error

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { self.metadata[key] }
        set { self.metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let metadata = (event.metadata ?? [:]).map { "\($0.key)=\($0.value)" }.sorted().joined(separator: " ")
        CallLedger.shared.recordFault("\(self.label): \(event.message) \(metadata)")
    }
}
