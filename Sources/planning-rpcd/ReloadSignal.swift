import Dispatch
import Logging

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// SIGHUP runs a list of reload actions (TLS certificates; whatever else can change without a restart), each
/// independently: one that fails is logged and the others still run, and the daemon keeps serving either way.
///
/// ```swift
/// let reload = ReloadSignal(logger: logger)
/// reload.add("tls") { try server.reloadTLS() }
/// reload.start()
/// ```
final class ReloadSignal: @unchecked Sendable {
    /// A named reload step, run on a background queue.
    struct Action: Sendable {
        let name: String
        let run: @Sendable () throws -> Void
    }

    private let logger: Logger
    private let queue = DispatchQueue(label: "planning-rpcd.reload")
    // Only touched on `queue` once `start()` has run, and only by `add` before that.
    private var actions: [Action] = []
    private var source: (any DispatchSourceSignal)?

    init(logger: Logger) {
        self.logger = logger
    }

    /// Adds a step; call before ``start()``.
    func add(_ name: String, _ run: @escaping @Sendable () throws -> Void) {
        self.actions.append(Action(name: name, run: run))
    }

    /// Starts listening for SIGHUP (which, without a handler, would end the process).
    func start() {
        signal(SIGHUP, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGHUP, queue: self.queue)
        // The handler holds this object and this object the source: both live as long as the process, on purpose.
        source.setEventHandler { [self] in self.reload() }
        source.resume()
        self.source = source
        self.logger.debug("SIGHUP reloads", metadata: ["actions": "\(self.actions.map(\.name))"])
    }

    private func reload() {
        self.logger.info("SIGHUP: reloading", metadata: ["actions": "\(self.actions.map(\.name))"])
        for action in self.actions {
            do {
                try action.run()
            } catch {
                self.logger.error("reload failed", metadata: ["action": "\(action.name)", "error": "\(error)"])
            }
        }
    }
}
