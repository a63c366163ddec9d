import Foundation
import PlanningRPC
import Testing

@Suite struct CatalogStoreTests {
    @Test(arguments: StoreKind.available)
    func cyclesAndReports(_ kind: StoreKind) async throws {
        let clock = TestClock()
        try await withStore(kind, clock: clock) { store in
            let cycle = try await store.createCycle(CycleRecord(name: "  2026 Q4 ", description: "fourth quarter"))
            #expect(cycle.id.hasPrefix("cyc_"))
            #expect(cycle.id.count == 20)
            #expect(cycle.name == "2026 Q4")
            #expect(cycle.createTime == clock.now)
            #expect(cycle.rowID > 0)
            #expect(try await store.cycle(id: cycle.id) == cycle)

            await #expect(throws: StoreError.alreadyExists("a cycle named '2026 Q4' exists")) {
                try await store.createCycle(CycleRecord(name: "2026 Q4"))
            }
            await #expect(throws: StoreError.invalid("cycle name must not be empty")) {
                try await store.createCycle(CycleRecord(name: " "))
            }
            await #expect(throws: StoreError.notFound(what: "cycle", id: "cyc_missing")) {
                try await store.cycle(id: "cyc_missing")
            }

            let other = try await store.createCycle(CycleRecord(name: "2027 Q1"))
            let cycles = try await store.listCycles(page: PageRequest())
            #expect(cycles.items.map(\.id) == [cycle.id, other.id])
            #expect(cycles.nextCursor == nil)

            let report = try await store.createReport(ReportRecord(cycleID: cycle.id, name: "FR Y-14Q H.1"))
            #expect(report.id.hasPrefix("rep_"))
            #expect(try await store.report(id: report.id) == report)
            // The same name is fine in another cycle, not in the same one.
            _ = try await store.createReport(ReportRecord(cycleID: other.id, name: "FR Y-14Q H.1"))
            await #expect(throws: StoreError.alreadyExists("cycle \(cycle.id) has a report named 'FR Y-14Q H.1'")) {
                try await store.createReport(ReportRecord(cycleID: cycle.id, name: "FR Y-14Q H.1"))
            }
            await #expect(throws: StoreError.notFound(what: "cycle", id: "cyc_nope")) {
                try await store.createReport(ReportRecord(cycleID: "cyc_nope", name: "x"))
            }
            let second = try await store.createReport(ReportRecord(cycleID: cycle.id, name: "FR Y-14Q H.2"))
            let reports = try await store.listReports(cycleID: cycle.id, page: PageRequest())
            #expect(reports.items == [report, second])
            await #expect(throws: StoreError.notFound(what: "cycle", id: "cyc_nope")) {
                try await store.listReports(cycleID: "cyc_nope", page: PageRequest())
            }
        }
    }

    @Test(arguments: StoreKind.available)
    func documentsWithAndWithoutText(_ kind: StoreKind) async throws {
        try await withStore(kind) { store in
            let report = try await makeReport(store)
            let text = String(repeating: "Report the committed exposure. ", count: 1000) + "é"
            let document = try await store.addDocument(
                DocumentRecord(reportID: report.id, title: "Instructions", text: text))
            #expect(document.id.hasPrefix("doc_"))
            #expect(document.textSize == 31_002)
            #expect(try await store.document(id: document.id) == document)

            let withText = try await store.listDocuments(reportID: report.id, includeText: true, page: PageRequest())
            #expect(withText.items == [document])
            let withoutText = try await store.listDocuments(
                reportID: report.id, includeText: false, page: PageRequest())
            #expect(withoutText.items.count == 1)
            #expect(withoutText.items.first?.text == "")
            #expect(withoutText.items.first?.textSize == 31_002)
            #expect(withoutText.items.first?.title == "Instructions")
            await #expect(throws: StoreError.notFound(what: "report", id: "rep_x")) {
                try await store.addDocument(DocumentRecord(reportID: "rep_x", title: "t", text: ""))
            }
        }
    }

    @Test(arguments: StoreKind.available)
    func attributes(_ kind: StoreKind) async throws {
        try await withStore(kind) { store in
            let report = try await makeReport(store)
            let attribute = try await store.createAttribute(
                AttributeRecord(
                    reportID: report.id, name: "Committed Exposure", description: "Total commitment",
                    dataType: "decimal", isCriticalDataElement: true, sourceDocumentID: "doc_1",
                    sourceSection: "Field 12", jobID: "job_abc"))
            #expect(attribute.id.hasPrefix("att_"))
            #expect(attribute.jobID == "job_abc")
            #expect(try await store.attribute(id: attribute.id, visibleTo: .all) == attribute)
            await #expect(
                throws: StoreError.alreadyExists("report \(report.id) has an attribute named 'Committed Exposure'")
            ) {
                try await store.createAttribute(AttributeRecord(reportID: report.id, name: "Committed Exposure"))
            }
            let second = try await store.createAttribute(AttributeRecord(reportID: report.id, name: "Maturity Date"))
            let page = try await store.listAttributes(reportID: report.id, visibleTo: .all, page: PageRequest(size: 1))
            #expect(page.items == [attribute])
            let next = try await store.listAttributes(
                reportID: report.id, visibleTo: .all, page: PageRequest(size: 1, after: page.nextCursor))
            #expect(next.items == [second])
            #expect(next.nextCursor == nil)
        }
    }

    @Test(arguments: StoreKind.available)
    func pdeImportUpsertsByNaturalKey(_ kind: StoreKind) async throws {
        let clock = TestClock()
        try await withStore(kind, clock: clock) { store in
            let first = try await store.upsertPDEs([
                PDERecord(
                    system: "LOANIQ", table: "FACILITY", column: "COMMIT_AMT", dataType: "DECIMAL(18,2)",
                    description: "Commitment", sampleValues: ["1000.00", "25,000.50"]),
                PDERecord(system: "LOANIQ", table: "FACILITY", column: "MATURITY_DT", dataType: "DATE"),
                PDERecord(system: "GL", table: "BALANCES", column: "AMOUNT"),
            ])
            #expect(first.created == 3)
            #expect(first.updated == 0)
            #expect(first.pdes.map(\.column) == ["COMMIT_AMT", "MATURITY_DT", "AMOUNT"])
            #expect(try await store.pde(id: first.pdes[0].id) == first.pdes[0])
            #expect(first.pdes[0].sampleValues == ["1000.00", "25,000.50"])

            clock.advance(by: 60)
            let second = try await store.upsertPDEs([
                PDERecord(
                    system: "LOANIQ", table: "FACILITY", column: "COMMIT_AMT", dataType: "DECIMAL(20,2)",
                    description: "Committed amount"),
                PDERecord(system: "RISK", table: "RATING", column: "PD"),
            ])
            #expect(second.created == 1)
            #expect(second.updated == 1)
            let updated = try await store.pde(id: first.pdes[0].id)
            #expect(updated.id == first.pdes[0].id)
            #expect(updated.rowID == first.pdes[0].rowID)
            #expect(updated.dataType == "DECIMAL(20,2)")
            #expect(updated.description == "Committed amount")
            #expect(updated.sampleValues == [])
            #expect(updated.createTime == first.pdes[0].createTime)
            #expect(updated.updateTime == first.pdes[0].createTime.addingTimeInterval(60))

            let loanIQ = try await store.listPDEs(system: "LOANIQ", page: PageRequest())
            #expect(loanIQ.items.map(\.column) == ["COMMIT_AMT", "MATURITY_DT"])
            let all = try await store.listPDEs(system: nil, page: PageRequest())
            #expect(all.items.map(\.column) == ["COMMIT_AMT", "MATURITY_DT", "AMOUNT", "PD"])
            let byIDs = try await store.pdes(ids: [second.pdes[1].id, "pde_missing", first.pdes[2].id])
            #expect(byIDs.map(\.column) == ["PD", "AMOUNT"])
            await #expect(throws: StoreError.invalid("a PDE needs a system, a table and a column (got 'X'.''.'C')")) {
                try await store.upsertPDEs([PDERecord(system: "X", table: "", column: "C")])
            }
        }
    }

    @Test(arguments: StoreKind.available)
    func mappingsListUpdateAndReplace(_ kind: StoreKind) async throws {
        try await withStore(kind) { store in
            let report = try await makeReport(store)
            let exposure = try await store.createAttribute(AttributeRecord(reportID: report.id, name: "Exposure"))
            let maturity = try await store.createAttribute(AttributeRecord(reportID: report.id, name: "Maturity"))
            let pdes = try await store.upsertPDEs([
                PDERecord(system: "S", table: "T", column: "A"), PDERecord(system: "S", table: "T", column: "B"),
                PDERecord(system: "S", table: "T", column: "C"),
            ]).pdes

            let m1 = try await store.createMapping(
                MappingRecord(
                    attributeID: exposure.id, pdeID: pdes[0].id, confidence: 0.9, rationale: "name",
                    jobID: "job_1"))
            #expect(m1.id.hasPrefix("map_"))
            #expect(m1.reportID == report.id)
            #expect(m1.state == .suggested)
            #expect(m1.pde == pdes[0])
            let m2 = try await store.createMapping(
                MappingRecord(attributeID: exposure.id, pdeID: pdes[1].id, confidence: 0.5))
            let m3 = try await store.createMapping(
                MappingRecord(attributeID: maturity.id, pdeID: pdes[2].id, confidence: 0.7))
            await #expect(
                throws: StoreError.alreadyExists("attribute \(exposure.id) is already mapped to PDE \(pdes[0].id)")
            ) {
                try await store.createMapping(
                    MappingRecord(attributeID: exposure.id, pdeID: pdes[0].id, confidence: 0.1))
            }
            await #expect(throws: StoreError.invalid("mapping confidence must be within 0...1, got 1.5")) {
                try await store.createMapping(
                    MappingRecord(attributeID: exposure.id, pdeID: pdes[2].id, confidence: 1.5))
            }
            await #expect(throws: StoreError.notFound(what: "PDE", id: "pde_x")) {
                try await store.createMapping(MappingRecord(attributeID: exposure.id, pdeID: "pde_x", confidence: 0.1))
            }

            let accepted = try await store.updateMappingState(id: m2.id, state: .accepted, rationale: "reviewed", visibleTo: .all)
            #expect(accepted.state == .accepted)
            #expect(accepted.rationale == "reviewed")
            let rejected = try await store.updateMappingState(id: m3.id, state: .rejected, rationale: nil, visibleTo: .all)
            #expect(rejected.rationale == "")
            #expect(try await store.mapping(id: m2.id, visibleTo: .all) == accepted)

            let byReport = try await store.listMappings(scope: .report(report.id), state: nil, visibleTo: .all, page: PageRequest())
            #expect(byReport.items.map(\.id) == [m1.id, m2.id, m3.id])
            #expect(byReport.items.map { $0.pde?.column } == ["A", "B", "C"])
            let acceptedOnly = try await store.listMappings(
                scope: .report(report.id), state: .accepted, visibleTo: .all, page: PageRequest())
            #expect(acceptedOnly.items.map(\.id) == [m2.id])
            let byAttribute = try await store.listMappings(
                scope: .attribute(exposure.id), state: .suggested, visibleTo: .all, page: PageRequest())
            #expect(byAttribute.items.map(\.id) == [m1.id])
            #expect(
                try await store.mappedPDEIDs(reportID: report.id, states: [.suggested, .accepted], visibleTo: .all)
                    == [pdes[0].id, pdes[1].id])

            // A regeneration replaces only suggested mappings; accepted and rejected pairs are skipped.
            let replacement = try await store.replaceSuggestedMappings(
                scope: .report(report.id),
                team: "", with: [
                    MappingRecord(attributeID: exposure.id, pdeID: pdes[1].id, confidence: 0.8),
                    MappingRecord(attributeID: exposure.id, pdeID: pdes[2].id, confidence: 0.6, jobID: "job_2"),
                    MappingRecord(attributeID: maturity.id, pdeID: pdes[2].id, confidence: 0.6),
                    MappingRecord(attributeID: maturity.id, pdeID: pdes[0].id, confidence: 0.4),
                ])
            #expect(replacement.removed == 1)
            #expect(replacement.skipped == 2)
            #expect(replacement.inserted.map(\.pdeID) == [pdes[2].id, pdes[0].id])
            #expect(replacement.inserted.map(\.jobID) == ["job_2", ""])
            let after = try await store.listMappings(scope: .report(report.id), state: nil, visibleTo: .all, page: PageRequest())
            #expect(after.items.map(\.state) == [.accepted, .rejected, .suggested, .suggested])
            await #expect(throws: StoreError.notFound(what: "mapping", id: m1.id)) {
                try await store.mapping(id: m1.id, visibleTo: .all)
            }

            // A mapping outside the scope rolls the whole replacement back.
            let other = try await makeReport(store, cycle: "2027 Q1")
            let foreign = try await store.createAttribute(AttributeRecord(reportID: other.id, name: "Foreign"))
            await #expect(
                throws: StoreError.invalid("mapping of attribute \(foreign.id) is outside the replaced scope")
            ) {
                try await store.replaceSuggestedMappings(
                    scope: .attribute(maturity.id),
                    team: "", with: [MappingRecord(attributeID: foreign.id, pdeID: pdes[0].id, confidence: 0.3)])
            }
            let unchanged = try await store.listMappings(scope: .report(report.id), state: nil, visibleTo: .all, page: PageRequest())
            #expect(unchanged.items == after.items)
        }
    }

    @Test(arguments: StoreKind.available)
    func classificationsUpsertPerPDE(_ kind: StoreKind) async throws {
        let clock = TestClock()
        try await withStore(kind, clock: clock) { store in
            let pdes = try await store.upsertPDEs([
                PDERecord(system: "S", table: "T", column: "SSN"), PDERecord(system: "S", table: "T", column: "AMT"),
            ]).pdes
            #expect(try await store.classification(pdeID: pdes[0].id, visibleTo: .all) == nil)
            let first = try await store.upsertClassification(
                ClassificationRecord(
                    pdeID: pdes[0].id, criticality: .medium, securityClass: .confidential,
                    hasPersonalData: true, rationale: "identifier", jobID: "job_1"))
            #expect(first.id.hasPrefix("cls_"))
            clock.advance(by: 5)
            let second = try await store.upsertClassification(
                ClassificationRecord(
                    pdeID: pdes[1].id, criticality: .high, securityClass: .internal,
                    hasPersonalData: false))
            let replaced = try await store.upsertClassification(
                ClassificationRecord(
                    pdeID: pdes[0].id, criticality: .high, securityClass: .restricted,
                    hasPersonalData: true, rationale: "SSN", jobID: "job_2"))
            #expect(replaced.id == first.id)
            #expect(replaced.rowID == first.rowID)
            #expect(replaced.createTime == first.createTime)
            #expect(replaced.updateTime == first.createTime.addingTimeInterval(5))
            #expect(replaced.securityClass == .restricted)
            #expect(try await store.classification(pdeID: pdes[0].id, visibleTo: .all) == replaced)
            let all = try await store.listClassifications(pdeID: nil, visibleTo: .all, page: PageRequest())
            #expect(all.items == [replaced, second])
            let one = try await store.listClassifications(pdeID: pdes[1].id, visibleTo: .all, page: PageRequest())
            #expect(one.items == [second])
            await #expect(throws: StoreError.notFound(what: "PDE", id: "pde_x")) {
                try await store.upsertClassification(
                    ClassificationRecord(
                        pdeID: "pde_x", criticality: .low, securityClass: .public,
                        hasPersonalData: false))
            }
        }
    }
}
