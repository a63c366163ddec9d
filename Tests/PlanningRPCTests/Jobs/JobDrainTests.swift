import Foundation
import PlanningEngine
import RPCFraming
import SwiftProtobuf
import Synchronization
import Testing

import PlanningRPC

/// Shutdown ends every watch with a `server_draining` event naming the last sequence it delivered, never an
/// error, and the job stays queued to resume after it.
@Suite struct JobDrainTests {
    @Test func shutdownEndsLiveWatchesWithTheLastSequenceDelivered() async throws {
        try await withTemporaryStore { store, _ in
            let pdes = try await insertPDEs(store, count: 5)
            let gate = Gate()
            let (jobID, records, watchResult) = try await withJobManager(
                store: store, engine: GatedEngine(gate: gate)
            ) { manager in
                let created = try await manager.submit(try classifySubmission(pdes))
                let got = Mutex<[JobEventRecord]>([])
                let reader = Task {
                    try await manager.watch(jobID: created.job.id, after: 0) { record in
                        got.withLock { $0.append(record) }
                    }
                }
                gate.release(2)
                try await waitUntil("two items") {
                    got.withLock { $0.filter { $0.payloadKind == .pdeClassified }.count == 2 }
                }
                await manager.shutdown()
                let result = await reader.result
                return (created.job.id, got.withLock { $0 }, result)
            }
            try watchResult.get()  // the watch ends without an error
            let last = try #require(records.last)
            #expect(last.payloadKind == .serverDraining)
            let delivered = records.dropLast().filter { $0.payloadKind != .heartbeat }
            let event = try last.event()
            #expect(event.serverDraining.resumeAfterSequence == delivered.last?.sequence)
            #expect(event.sequence == delivered.last?.sequence)
            #expect(event.jobID == jobID)
            #expect(event.state == .running || event.state == .queued)
            #expect(try await store.job(id: jobID).state == .queued)
            // Never stored: the log ends with what was delivered, or with the re-queue's progress event.
            let log = try await eventLog(store, jobID)
            #expect(!log.contains { $0.payloadKind == .serverDraining })
            // Every stored event up to the last delivered one reached the watcher, in order, except progress events
            // that a later progress event replaced before the watcher took them (coalescing, by design; seen under
            // AddressSanitizer's slowdown).
            let upToLast = log.prefix { $0.sequence <= (delivered.last?.sequence ?? 0) }
            #expect(
                upToLast.filter { $0.payloadKind != .progress }.map(\.sequence)
                    == delivered.filter { $0.payloadKind != .progress }.map(\.sequence))
            #expect(Set(delivered.map(\.sequence)).isSubset(of: Set(upToLast.map(\.sequence))))
            #expect(zip(delivered, delivered.dropFirst()).allSatisfy { $0.sequence < $1.sequence })
        }
    }

    @Test func aWatchThatStartsDuringShutdownGetsTheDrainingEventAtOnce() async throws {
        try await withTemporaryStore { store, _ in
            let pdes = try await insertPDEs(store, count: 2)
            let manager = JobManager(
                store: store, engine: GatedEngine(), configuration: testConfiguration(maxRunning: 1),
                logger: .init(label: "drain-test"))
            // Never started: the job stays queued in the store, not live in this manager.
            let created = try await store.createJob(
                JobRecord(kind: .classifyPDEs, owner: "alice", request: try classifySubmission(pdes).request))
            await manager.shutdown()
            let records = try await collect(manager, created.job.id)
            #expect(records.map(\.payloadKind) == [.serverDraining])
            #expect(try records[0].event().serverDraining.resumeAfterSequence == 0)
        }
    }

    @Test func theStoreRefusesToStoreADrainingEvent() async throws {
        try await withTemporaryStore { store, _ in
            let created = try await store.createJob(JobRecord(kind: .classifyPDEs, owner: "alice"))
            await #expect(throws: StoreError.self) {
                _ = try await store.appendEvent(jobID: created.job.id) { _ in
                    var event = Planning_V1_JobEvent()
                    event.serverDraining = Planning_V1_ServerDraining()
                    return event
                }
            }
        }
    }

    @Test func traceContextIsStoredAndRead() async throws {
        try await withTemporaryStore { store, _ in
            var record = JobRecord(kind: .classifyPDEs, owner: "alice")
            record.trace = TraceContext(
                traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", tracestate: "rojo=1")
            let created = try await store.createJob(record)
            let read = try await store.job(id: created.job.id)
            #expect(read.trace == record.trace)
            #expect(read.proto.traceparent == "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
            #expect(read.proto.tracestate == "rojo=1")
            let plain = try await store.createJob(JobRecord(kind: .classifyPDEs, owner: "alice"))
            #expect(try await store.job(id: plain.job.id).trace == nil)
            #expect(try await store.job(id: plain.job.id).proto.traceparent == "")
        }
    }
}
