import Synchronization

/// What the test handlers report back to the test: started and cancelled calls, writes, concurrency.
final class Probe: Sendable {
    private struct State {
        var started = 0
        var cancelled = 0
        var writes = 0
        var active = 0
        var maxActive = 0
    }

    private let state = Mutex(State())

    var started: Int { self.state.withLock { $0.started } }
    var cancelled: Int { self.state.withLock { $0.cancelled } }
    var writes: Int { self.state.withLock { $0.writes } }
    var maxActive: Int { self.state.withLock { $0.maxActive } }

    func callStarted() { self.state.withLock { $0.started += 1 } }
    func callCancelled() { self.state.withLock { $0.cancelled += 1 } }
    func wrote() { self.state.withLock { $0.writes += 1 } }

    func enter() {
        self.state.withLock { state in
            state.active += 1
            state.maxActive = max(state.maxActive, state.active)
        }
    }

    func leave() { self.state.withLock { $0.active -= 1 } }
}
