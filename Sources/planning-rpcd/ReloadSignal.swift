import Dispatch
import Foundation
import Logging
import Synchronization

/// What SIGHUP reloads: a small list of named actions (the principal file, TLS certificates, ...), run in the order
/// they were added. One that fails is logged and leaves what it reloads as it was; the others still run.
final class ReloadSignal: Sendable {
    private struct Action {
        let name: String
        let run: @Sendable () throws -> Void
    }

    private let actions = Mutex<[Action]>([])
    /// Touched only by `init` and `install()` (once, at start); Dispatch sources are thread-safe themselves.
    private nonisolated(unsafe) let source: any DispatchSourceSignal
    private let logger: Logger

    init(logger: Logger) {
        self.logger = logger
        self.source = DispatchSource.makeSignalSource(signal: SIGHUP, queue: DispatchQueue(label: "reload-signal"))
    }

    /// Adds an action run on every SIGHUP.
    func add(_ name: String, _ run: @escaping @Sendable () throws -> Void) {
        self.actions.withLock { $0.append(Action(name: name, run: run)) }
    }

    /// Runs every action now, as SIGHUP does.
    func reloadAll() {
        for action in self.actions.withLock({ $0 }) {
            do {
                try action.run()
                self.logger.info("reloaded", metadata: ["action": "\(action.name)"])
            } catch {
                self.logger.error(
                    "reload failed; keeping the previous configuration",
                    metadata: ["action": "\(action.name)", "error": "\(error)"]
                )
            }
        }
    }

    /// Starts handling SIGHUP (instead of the default, which ends the process).
    func install() {
        signal(SIGHUP, SIG_IGN)
        self.source.setEventHandler { [self] in self.reloadAll() }
        self.source.resume()
    }
}
