import Foundation
import PlanningRPC
import Testing

/// Attributes, mappings and classifications belong to a team (issue 8, authorization), in both stores: a team sees
/// its own and the shared ones, another team's are `notFound` exactly as an unknown id, natural keys are per team,
/// and a job's records take the job's team whatever the record says.
@Suite struct RecordTeamTests {
    static let blue = RecordVisibility.team("blue")
    static let red = RecordVisibility.team("red")

    @Test(arguments: StoreKind.available)
    func attributesAreSeenByTheirTeamOnly(_ kind: StoreKind) async throws {
        try await withStore(kind) { store in
            let report = try await makeReport(store)
            let blue = try await store.createAttribute(AttributeRecord(reportID: report.id, name: "Amount", team: "blue"))
            #expect(blue.team == "blue")
            // The same name is another team's own attribute, not a duplicate.
            let red = try await store.createAttribute(AttributeRecord(reportID: report.id, name: "Amount", team: "red"))
            await #expect(throws: StoreError.alreadyExists("report \(report.id) has an attribute named 'Amount'")) {
                try await store.createAttribute(AttributeRecord(reportID: report.id, name: "Amount", team: "blue"))
            }
            let shared = try await store.createAttribute(AttributeRecord(reportID: report.id, name: "Date", team: ""))
            // A shared name is taken for every team.
            await #expect(throws: StoreError.alreadyExists("report \(report.id) has an attribute named 'Date'")) {
                try await store.createAttribute(AttributeRecord(reportID: report.id, name: "Date", team: "red"))
            }

            #expect(try await store.attribute(id: blue.id, visibleTo: Self.blue) == blue)
            #expect(try await store.attribute(id: shared.id, visibleTo: Self.red) == shared)
            // Another team's attribute is not found, with the message of an id that does not exist.
            await #expect(throws: StoreError.notFound(what: "attribute", id: blue.id)) {
                try await store.attribute(id: blue.id, visibleTo: Self.red)
            }
            let blueList = try await store.listAttributes(reportID: report.id, visibleTo: Self.blue, page: PageRequest())
            #expect(blueList.items == [blue, shared])
            let redList = try await store.listAttributes(reportID: report.id, visibleTo: Self.red, page: PageRequest())
            #expect(redList.items == [red, shared])
            let all = try await store.listAttributes(reportID: report.id, visibleTo: .all, page: PageRequest())
            #expect(all.items == [blue, red, shared])
            // Pages are of the visible records: one at a time, blue's two and no more.
            let first = try await store.listAttributes(reportID: report.id, visibleTo: Self.blue, page: PageRequest(size: 1))
            let second = try await store.listAttributes(
                reportID: report.id, visibleTo: Self.blue, page: PageRequest(size: 1, after: first.nextCursor))
            #expect(first.items == [blue] && second.items == [shared] && second.nextCursor == nil)
        }
    }

    @Test(arguments: StoreKind.available)
    func mappingsAreSeenAndChangedByTheirTeamOnly(_ kind: StoreKind) async throws {
        try await withStore(kind) { store in
            let report = try await makeReport(store)
            let pdes = try await store.upsertPDEs([
                PDERecord(system: "S", table: "T", column: "A"), PDERecord(system: "S", table: "T", column: "B"),
            ]).pdes
            let blueAttribute = try await store.createAttribute(
                AttributeRecord(reportID: report.id, name: "Amount", team: "blue"))
            let shared = try await store.createAttribute(AttributeRecord(reportID: report.id, name: "Date", team: ""))

            // A team cannot map another team's attribute: to it, the attribute does not exist.
            await #expect(throws: StoreError.notFound(what: "attribute", id: blueAttribute.id)) {
                try await store.createMapping(
                    MappingRecord(attributeID: blueAttribute.id, pdeID: pdes[0].id, confidence: 0.9, team: "red"))
            }
            let blueMapping = try await store.createMapping(
                MappingRecord(attributeID: blueAttribute.id, pdeID: pdes[0].id, confidence: 0.9, team: "blue"))
            // Both teams may map the same pair of a shared attribute, each for itself.
            let blueShared = try await store.createMapping(
                MappingRecord(attributeID: shared.id, pdeID: pdes[1].id, confidence: 0.8, team: "blue"))
            let redShared = try await store.createMapping(
                MappingRecord(attributeID: shared.id, pdeID: pdes[1].id, confidence: 0.7, team: "red"))
            await #expect(throws: StoreError.alreadyExists("attribute \(shared.id) is already mapped to PDE \(pdes[1].id)")) {
                try await store.createMapping(
                    MappingRecord(attributeID: shared.id, pdeID: pdes[1].id, confidence: 0.7, team: "red"))
            }
            #expect(blueShared.id != redShared.id && redShared.team == "red")

            let redView = try await store.listMappings(
                scope: .report(report.id), state: nil, visibleTo: Self.red, page: PageRequest())
            #expect(redView.items.map(\.id) == [redShared.id])
            let blueView = try await store.listMappings(
                scope: .report(report.id), state: nil, visibleTo: Self.blue, page: PageRequest())
            #expect(blueView.items.map(\.id) == [blueMapping.id, blueShared.id])
            #expect(
                try await store.listMappings(scope: .report(report.id), state: nil, visibleTo: .all, page: PageRequest())
                    .items.count == 3)
            await #expect(throws: StoreError.notFound(what: "attribute", id: blueAttribute.id)) {
                try await store.listMappings(
                    scope: .attribute(blueAttribute.id), state: nil, visibleTo: Self.red, page: PageRequest())
            }
            #expect(
                try await store.mappedPDEIDs(reportID: report.id, states: [.suggested], visibleTo: Self.red) == [pdes[1].id])
            #expect(
                try await store.mappedPDEIDs(reportID: report.id, states: [.suggested], visibleTo: Self.blue)
                    == [pdes[0].id, pdes[1].id])

            // Reading or accepting another team's mapping is not found, and changes nothing.
            await #expect(throws: StoreError.notFound(what: "mapping", id: blueMapping.id)) {
                try await store.mapping(id: blueMapping.id, visibleTo: Self.red)
            }
            await #expect(throws: StoreError.notFound(what: "mapping", id: blueMapping.id)) {
                try await store.updateMappingState(id: blueMapping.id, state: .accepted, rationale: "x", visibleTo: Self.red)
            }
            #expect(try await store.mapping(id: blueMapping.id, visibleTo: Self.blue).state == .suggested)
            let accepted = try await store.updateMappingState(
                id: blueMapping.id, state: .accepted, rationale: nil, visibleTo: Self.blue)
            #expect(accepted.state == .accepted && accepted.team == "blue")

            // Replacing red's suggestions of the report leaves blue's alone.
            let replacement = try await store.replaceSuggestedMappings(
                scope: .report(report.id), team: "red",
                with: [MappingRecord(attributeID: shared.id, pdeID: pdes[0].id, confidence: 0.6)])
            #expect(replacement.removed == 1)
            #expect(replacement.inserted.map(\.team) == ["red"])
            let blueAfter = try await store.listMappings(
                scope: .report(report.id), state: nil, visibleTo: Self.blue, page: PageRequest())
            #expect(blueAfter.items.map(\.id) == [blueMapping.id, blueShared.id])
        }
    }

    @Test(arguments: StoreKind.available)
    func eachTeamClassifiesAPDEForItself(_ kind: StoreKind) async throws {
        try await withStore(kind) { store in
            let pde = try await store.upsertPDEs([PDERecord(system: "S", table: "T", column: "SSN")]).pdes[0]
            let blue = try await store.upsertClassification(
                ClassificationRecord(
                    pdeID: pde.id, criticality: .high, securityClass: .restricted, hasPersonalData: true,
                    team: "blue"))
            let red = try await store.upsertClassification(
                ClassificationRecord(
                    pdeID: pde.id, criticality: .low, securityClass: .internal, hasPersonalData: false, team: "red"))
            #expect(blue.id != red.id)
            // A team's second classification replaces its own, not the other team's.
            let blueAgain = try await store.upsertClassification(
                ClassificationRecord(
                    pdeID: pde.id, criticality: .medium, securityClass: .confidential, hasPersonalData: true,
                    team: "blue"))
            #expect(blueAgain.id == blue.id)
            #expect(try await store.classification(pdeID: pde.id, visibleTo: Self.red) == red)
            #expect(try await store.classification(pdeID: pde.id, visibleTo: Self.blue)?.criticality == .medium)
            #expect(try await store.classification(pdeID: pde.id, visibleTo: .team("green")) == nil)
            let redList = try await store.listClassifications(pdeID: nil, visibleTo: Self.red, page: PageRequest())
            #expect(redList.items == [red])
            let all = try await store.listClassifications(pdeID: pde.id, visibleTo: .all, page: PageRequest())
            #expect(all.items.map(\.id) == [blue.id, red.id])
        }
    }

    @Test(arguments: StoreKind.available)
    func aJobsRecordsTakeTheJobsTeam(_ kind: StoreKind) async throws {
        try await withStore(kind) { store in
            let report = try await makeReport(store)
            let pde = try await store.upsertPDEs([PDERecord(system: "S", table: "T", column: "A")]).pdes[0]
            let job = try await store.createJob(
                JobRecord(kind: .generateAttributes, owner: "alice", team: "blue", reportID: report.id)
            ).job
            // The record says red; the job is blue's, so the records are blue's.
            let (items, _) = try await store.commitItem(
                jobID: job.id,
                writes: [
                    .insertAttribute(AttributeRecord(reportID: report.id, name: "Amount", team: "red")),
                    .upsertClassification(
                        ClassificationRecord(
                            pdeID: pde.id, criticality: .low, securityClass: .public, hasPersonalData: false,
                            team: "red")),
                ],
                update: .none,
                build: { _ in [progressEvent()] })
            guard case .attribute(let attribute, created: true) = items[0],
                case .classification(let classification) = items[1]
            else {
                Issue.record("unexpected items \(items)")
                return
            }
            #expect(attribute.team == "blue" && attribute.jobID == job.id)
            #expect(classification.team == "blue")
            let mapped = try await store.commitItem(
                jobID: job.id,
                writes: [.insertMapping(MappingRecord(attributeID: attribute.id, pdeID: pde.id, confidence: 0.5))],
                update: .none,
                build: { _ in [progressEvent()] }
            ).items
            guard case .mapping(let mapping, created: true) = mapped[0] else {
                Issue.record("unexpected items \(mapped)")
                return
            }
            #expect(mapping.team == "blue")
            #expect(try await store.listAttributes(reportID: report.id, visibleTo: Self.red, page: PageRequest()).items.isEmpty)
        }
    }
}
