import Foundation
import PlanningEngine
import PlanningRPC
import Testing

@Suite struct PDECatalogCacheTests {
    @Test func rebuildsOnlyWhenThePDEsChange() async throws {
        try await withTemporaryStore { store, _ in
            let pdes = try await insertPDEs(store, count: SampleData.pdeCatalog.count)
            let cache = PDECatalogCache(store: store, engine: BuiltInEngine())
            let clock = ContinuousClock()
            let coldStart = clock.now
            let first = try await cache.catalog()
            let cold = clock.now - coldStart
            #expect(first.count == pdes.count)
            let warmStart = clock.now
            for _ in 0..<50 { #expect(try await cache.catalog() === first) }
            let warm = (clock.now - warmStart) / 50
            print("[measure] PDE catalog of \(pdes.count): built in \(cold), version-checked cached call \(warm)")

            var changed = pdes[0]
            changed.description = "a new description"
            _ = try await store.upsertPDEs([changed])
            let second = try await cache.catalog()
            #expect(second !== first)
            #expect(second.descriptor(id: changed.id)?.description == "a new description")
            #expect(try await cache.catalog() === second)

            _ = try await store.upsertPDEs([PDERecord(system: "NEW", table: "T", column: "C")])
            let third = try await cache.catalog()
            #expect(third.count == pdes.count + 1)

            cache.invalidate()
            #expect(try await cache.catalog() !== third)
        }
    }
}
