import Foundation
import PlanningEngine
import Synchronization

/// A gate that test engines wait at: each `release` lets one waiter (or a later arrival) through.
final class Gate: Sendable {
    private struct State {
        var permits = 0
        var open = false
        var waiters: [UInt64: CheckedContinuation<Void, any Error>] = [:]
        var next: UInt64 = 0
        var arrivals = 0
    }

    private let state = Mutex(State())

    init(open: Bool = false) { state.withLock { $0.open = open } }

    /// How many callers reached the gate so far.
    var arrivals: Int { state.withLock { $0.arrivals } }

    /// Lets `count` more callers through.
    func release(_ count: Int = 1) {
        var resumed: [CheckedContinuation<Void, any Error>] = []
        state.withLock { state in
            state.permits += count
            while state.permits > 0, let key = state.waiters.keys.min() {
                resumed.append(state.waiters.removeValue(forKey: key)!)
                state.permits -= 1
            }
        }
        for waiter in resumed { waiter.resume() }
    }

    /// Lets every caller through from now on.
    func open() {
        let resumed = state.withLock { state in
            state.open = true
            defer { state.waiters.removeAll() }
            return Array(state.waiters.values)
        }
        for waiter in resumed { waiter.resume() }
    }

    /// Waits for a permit; throws CancellationError when the task is cancelled.
    func pass() async throws {
        let id = state.withLock { state in
            state.arrivals += 1
            defer { state.next += 1 }
            return state.next
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let go: Bool? = state.withLock { state in
                    if Task.isCancelled { return nil }
                    if state.open { return true }
                    if state.permits > 0 {
                        state.permits -= 1
                        return true
                    }
                    state.waiters[id] = continuation
                    return false
                }
                switch go {
                case true?: continuation.resume()
                case nil: continuation.resume(throwing: CancellationError())
                case false?: break
                }
            }
        } onCancel: {
            state.withLock { $0.waiters.removeValue(forKey: id) }?.resume(throwing: CancellationError())
        }
    }
}

/// The built-in engine with every classification held at a gate, counting the PDEs it classified.
final class GatedEngine: PlanningEngine {
    let gate: Gate
    let builtIn = BuiltInEngine()
    /// The PDE ids classified, in order.
    let classified = Mutex<[String]>([])

    init(gate: Gate = Gate(open: true)) { self.gate = gate }

    func generateAttributes(from documents: [SourceDocument], options: EngineCallOptions)
        -> AsyncThrowingStream<AttributeGenerationEvent, any Error>
    {
        builtIn.generateAttributes(from: documents, options: options)
    }

    func suggestMappings(
        for attribute: AttributeQuery, among catalog: PDECatalog, topK: Int, options: EngineCallOptions
    )
        async throws -> [MappingSuggestion]
    {
        try await gate.pass()
        return try await builtIn.suggestMappings(for: attribute, among: catalog, topK: topK, options: options)
    }

    func classify(_ pde: PDEDescriptor, options: EngineCallOptions) async throws -> PDEClassification {
        try await gate.pass()
        let result = try await builtIn.classify(pde, options: options)
        classified.withLock { $0.append(pde.id) }
        return result
    }
}
