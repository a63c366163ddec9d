import Foundation
import Logging
import PlanningEngine
import PlanningRPC
import SwiftProtobuf
import Synchronization

/// A manager configuration for tests: small limits, quick heartbeats unless asked otherwise.
func testConfiguration(
    maxRunning: Int = 4, maxQueued: Int = 1000, heartbeat: Duration = .seconds(10), buffer: Int = 32
) -> JobManager.Configuration {
    var configuration = JobManager.Configuration()
    configuration.maxRunningJobs = maxRunning
    configuration.maxQueuedJobs = maxQueued
    configuration.heartbeatInterval = heartbeat
    configuration.watcherBufferCapacity = buffer
    return configuration
}

/// Runs `body` with a started job manager over `store`, shut down afterwards.
func withJobManager<T>(
    store: any JobStore & PlanningStore, engine: any PlanningEngine,
    configuration: JobManager.Configuration = testConfiguration(),
    start: Bool = true, _ body: (JobManager) async throws -> T
) async throws -> T {
    var logger = Logger(label: "jobs-test")
    logger.logLevel = ProcessInfo.processInfo.environment["JOBS_TEST_DEBUG"] == nil ? .error : .trace
    let manager = JobManager(store: store, engine: engine, configuration: configuration, logger: logger)
    if start { try await manager.start() }
    do {
        let result = try await body(manager)
        await manager.shutdown()
        return result
    } catch {
        await manager.shutdown()
        throw error
    }
}

/// Stores the first `count` PDEs of the sample catalog and returns them.
func insertPDEs(_ store: any PlanningStore, count: Int) async throws -> [PDERecord] {
    let records = SampleData.pdeCatalog.prefix(count).map {
        PDERecord(
            system: $0.system, table: $0.table, column: $0.column, dataType: $0.dataType,
            description: $0.description, sampleValues: $0.sampleValues)
    }
    _ = try await store.upsertPDEs(Array(records))
    return try await allPages(size: 1000) { try await store.listPDEs(system: nil, page: $0) }
}

/// A ClassifyPDEs submission for the given PDEs.
func classifySubmission(
    _ pdes: [PDERecord], owner: String = "alice", requestID: String = "", deadline: Date? = nil
) throws -> JobSubmission {
    var request = Planning_V1_ClassifyPDEsRequest()
    request.pdeIds = pdes.map(\.id)
    request.requestID = requestID
    return JobSubmission(
        kind: .classifyPDEs, owner: owner, requestID: requestID, request: try request.serializedBytes(),
        deadline: deadline)
}

/// Every event a watch delivers, until it ends.
func collect(_ manager: JobManager, _ jobID: String, after: Int64 = 0) async throws -> [JobEventRecord] {
    let events = Mutex<[JobEventRecord]>([])
    try await manager.watch(jobID: jobID, after: after) { record in events.withLock { $0.append(record) } }
    return events.withLock { $0 }
}

/// Polls `condition` until it holds, or fails after `timeout`.
func waitUntil(
    timeout: Duration = .seconds(20), _ what: String = "condition", _ condition: () async throws -> Bool
) async throws {
    let end = ContinuousClock.now + timeout
    while try await !condition() {
        if ContinuousClock.now > end { throw TimeoutError(what: what) }
        try await Task.sleep(for: .milliseconds(5))
    }
}

struct TimeoutError: Error, CustomStringConvertible {
    let what: String
    var description: String { "timed out waiting for \(what)" }
}

/// The decoded events.
func decoded(_ records: [JobEventRecord]) throws -> [Planning_V1_JobEvent] {
    try records.map { try $0.event() }
}

/// Checks the delivery contract on what one watcher got: strictly increasing sequences, percent never going
/// back, every non-progress event of the log present, and the terminal event last. Returns a description of
/// the first violation, or nil.
func contractViolation(_ got: [JobEventRecord], log: [JobEventRecord], after: Int64 = 0) throws -> String? {
    var last = after
    var percent = -1.0
    for record in got {
        if record.payloadKind == .heartbeat { continue }
        if record.sequence <= last { return "sequence \(record.sequence) after \(last)" }
        last = record.sequence
        let event = try record.event()
        if event.percent < percent { return "percent went back from \(percent) to \(event.percent)" }
        percent = event.percent
    }
    let delivered = Set(got.map(\.sequence))
    for record in log where record.sequence > after && !record.payloadKind.isCoalescable {
        if !delivered.contains(record.sequence) { return "missing \(record.payloadKind) \(record.sequence)" }
    }
    guard got.last?.payloadKind.isTerminal == true else { return "no terminal event last" }
    return nil
}

/// The whole stored log of a job.
func eventLog(_ store: any JobStore, _ jobID: String) async throws -> [JobEventRecord] {
    try await store.events(jobID: jobID, afterSequence: 0, limit: 1_000_000)
}

/// Resident memory of this process in bytes, from /proc.
func residentBytes() -> Int {
    guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
    let fields = text.split(separator: " ")
    return (Int(fields.dropFirst().first ?? "0") ?? 0) * Int(sysconf(Int32(_SC_PAGESIZE)))
}

/// Whether this process runs under ThreadSanitizer, whose runtime defines `__tsan_init`. Under it every heap byte has
/// shadow memory and the allocator keeps metadata per block, so RSS per object is not the production figure.
let runsUnderThreadSanitizer: Bool = dlsym(nil, "__tsan_init") != nil
