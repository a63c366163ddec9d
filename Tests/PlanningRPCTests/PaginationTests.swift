import Foundation
import PlanningRPC
import Testing

@Suite struct PaginationTests {
    @Test func pageRequestClampsSize() {
        #expect(PageRequest(size: 0).size == 50)
        #expect(PageRequest(size: -3).size == 50)
        #expect(PageRequest(size: 7).size == 7)
        #expect(PageRequest(size: 5000).size == 1000)
    }

    @Test func pageTokensRoundTripAndAreBoundToTheirScope() throws {
        #expect(PageToken.encode(nil, scope: "pdes") == "")
        #expect(try PageToken.decode("", scope: "pdes") == nil)
        let token = PageToken.encode(12_345, scope: "pdes|system=GL")
        #expect(!token.contains("="))
        #expect(try PageToken.decode(token, scope: "pdes|system=GL") == 12_345)
        #expect(throws: StoreError.invalid("page_token does not match the request's filters")) {
            try PageToken.decode(token, scope: "pdes|system=LOANIQ")
        }
        #expect(throws: StoreError.invalid("invalid page_token")) {
            try PageToken.decode("not a token!", scope: "pdes")
        }
        #expect(throws: StoreError.invalid("invalid page_token")) {
            try PageToken.decode("djEuYWJjLi0x", scope: "pdes")  // "v1.abc.-1"
        }
    }

    @Test(arguments: StoreKind.available)
    func exactPageBoundaries(_ kind: StoreKind) async throws {
        try await withStore(kind) { store in
            _ = try await store.upsertPDEs((0..<6).map { PDERecord(system: "S", table: "T", column: "C\($0)") })
            let first = try await store.listPDEs(system: nil, page: PageRequest(size: 3))
            #expect(first.items.map(\.column) == ["C0", "C1", "C2"])
            #expect(first.nextCursor == first.items.last?.rowID)
            let second = try await store.listPDEs(system: nil, page: PageRequest(size: 3, after: first.nextCursor))
            #expect(second.items.map(\.column) == ["C3", "C4", "C5"])
            // Exactly full: no phantom empty third page.
            #expect(second.nextCursor == nil)
        }
    }

    /// Pages through PDEs while another task inserts: every row that existed at the start is seen exactly once,
    /// and nothing is seen twice.
    @Test(arguments: StoreKind.available)
    func ascendingPagesAreStableUnderConcurrentInserts(_ kind: StoreKind) async throws {
        try await withStore(kind) { store in
            let initial = try await store.upsertPDEs(
                (0..<120).map { PDERecord(system: "S", table: "T", column: "OLD\($0)") }
            ).pdes.map(\.id)
            let inserter = Task {
                for batch in 0..<20 {
                    _ = try await store.upsertPDEs(
                        (0..<5).map { PDERecord(system: "S", table: "T", column: "NEW\(batch)-\($0)") })
                    await Task.yield()
                }
            }
            var seen: [PDERecord] = []
            var cursor: Int64?
            repeat {
                let page = try await store.listPDEs(system: "S", page: PageRequest(size: 7, after: cursor))
                seen += page.items
                cursor = page.nextCursor
                await Task.yield()
            } while cursor != nil
            try await inserter.value

            let ids = seen.map(\.id)
            #expect(Set(ids).count == ids.count)
            #expect(Set(initial).isSubset(of: Set(ids)))
            #expect(ids.filter { Set(initial).contains($0) } == initial)
            let rowIDs = seen.map(\.rowID)
            #expect(rowIDs == rowIDs.sorted())
        }
    }

    /// Jobs list newest first; new jobs created while paging never show up on later pages, and every job that
    /// existed at the start is seen exactly once.
    @Test(arguments: StoreKind.available)
    func descendingJobPagesAreStableUnderConcurrentInserts(_ kind: StoreKind) async throws {
        try await withStore(kind) { store in
            var initial: [String] = []
            for index in 0..<60 {
                initial.append(try await store.createJob(JobRecord(kind: .classifyPDEs, owner: "o\(index % 3)")).job.id)
            }
            let inserter = Task {
                for _ in 0..<40 {
                    _ = try await store.createJob(JobRecord(kind: .autoMapPDEs, owner: "o0"))
                    await Task.yield()
                }
            }
            var seen: [JobRecord] = []
            var cursor: Int64?
            repeat {
                let page = try await store.listJobs(filter: JobFilter(), page: PageRequest(size: 9, after: cursor))
                seen += page.items
                cursor = page.nextCursor
                await Task.yield()
            } while cursor != nil
            try await inserter.value

            let ids = seen.map(\.id)
            #expect(Set(ids).count == ids.count)
            #expect(ids.filter { Set(initial).contains($0) } == initial.reversed())
            let rowIDs = seen.map(\.rowID)
            #expect(rowIDs == rowIDs.sorted(by: >))
        }
    }

    /// Rows inserted between page reads (deterministically, after every page) neither repeat nor displace rows,
    /// with a filter on the list.
    @Test(arguments: StoreKind.available)
    func filteredMappingPagesWithInsertsBetweenReads(_ kind: StoreKind) async throws {
        try await withStore(kind) { store in
            let report = try await makeReport(store)
            let attributes = try await (0..<4).asyncMap { index in
                try await store.createAttribute(AttributeRecord(reportID: report.id, name: "A\(index)"))
            }
            let pdes = try await store.upsertPDEs(
                (0..<30).map { PDERecord(system: "S", table: "T", column: "C\($0)") }
            ).pdes
            var initial: [String] = []
            for (index, pde) in pdes.prefix(20).enumerated() {
                let mapping = try await store.createMapping(
                    MappingRecord(attributeID: attributes[index % 2].id, pdeID: pde.id, confidence: 0.5))
                initial.append(mapping.id)
            }
            var seen: [String] = []
            var cursor: Int64?
            var extra = 20
            repeat {
                let page = try await store.listMappings(
                    scope: .report(report.id), state: .suggested, visibleTo: .all, page: PageRequest(size: 6, after: cursor))
                seen += page.items.map(\.id)
                cursor = page.nextCursor
                if extra < 30 {
                    _ = try await store.createMapping(
                        MappingRecord(attributeID: attributes[3].id, pdeID: pdes[extra].id, confidence: 0.1))
                    extra += 1
                }
            } while cursor != nil
            #expect(Set(seen).count == seen.count)
            #expect(seen.prefix(20).elementsEqual(initial))
            // Pages of 6: three inserts land before the fourth (last, short) page, which then holds the 2 initial
            // rows left and those 3; the insert after it is not seen.
            #expect(seen.count == 23)
        }
    }
}

extension Sequence {
    /// `map` with an async transform, in order.
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var results: [T] = []
        for element in self { results.append(try await transform(element)) }
        return results
    }
}
