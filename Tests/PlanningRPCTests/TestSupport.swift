import Foundation
import PlanningRPC
import Synchronization

/// A clock that tests move by hand.
final class TestClock: Sendable {
    private let current: Mutex<Date>

    init(_ start: Date = Date(timeIntervalSince1970: 1_800_000_000)) { current = Mutex(start) }

    var now: Date { current.withLock { $0 } }

    func advance(by seconds: TimeInterval) { current.withLock { $0 += seconds } }
}

/// Runs `body` with a store on a new database in a temporary directory, removed afterwards.
func withTemporaryStore<T>(
    clock: TestClock? = nil, _ body: (SQLiteStore, URL) async throws -> T
) async throws -> T {
    let directory = FileManager.default.temporaryDirectory
        .appendingPathComponent("planning-store-tests-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: directory) }
    let store: SQLiteStore
    if let clock {
        store = try SQLiteStore(directory: directory, now: { clock.now })
    } else {
        store = try SQLiteStore(directory: directory)
    }
    return try await body(store, directory)
}

/// A cycle with one report, the usual parent of what a test creates.
func makeReport(_ store: any PlanningStore, cycle: String = "2026 Q4", report: String = "FR Y-14Q Schedule H.1")
    async throws -> ReportRecord
{
    let created = try await store.createCycle(CycleRecord(name: cycle))
    return try await store.createReport(ReportRecord(cycleID: created.id, name: report))
}

/// An event whose payload is a progress message.
func progressEvent(_ message: String = "") -> Planning_V1_JobEvent {
    var event = Planning_V1_JobEvent()
    var progress = Planning_V1_Progress()
    progress.message = message
    event.progress = progress
    return event
}

/// Reads every page of a list.
func allPages<Item>(size: Int, _ read: (PageRequest) async throws -> Page<Item>) async throws -> [Item] {
    var items: [Item] = []
    var cursor: Int64?
    repeat {
        let page = try await read(PageRequest(size: size, after: cursor))
        items += page.items
        cursor = page.nextCursor
    } while cursor != nil
    return items
}
