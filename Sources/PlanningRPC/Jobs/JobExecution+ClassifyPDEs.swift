import Foundation
import PlanningEngine

extension JobExecution {
    /// ClassifyPDEs: the given PDEs, or every PDE mapped (suggested or accepted) to the report's attributes,
    /// one item each: the classification is stored with its event.
    mutating func classifyPDEs() async throws {
        let request = try Planning_V1_ClassifyPDEsRequest(serializedBytes: job.request)
        try await progress(step: "loading PDEs", percent: 1)
        var ids: [String]
        if request.pdeIds.isEmpty {
            ids = try await store.mappedPDEIDs(
                reportID: job.reportID, states: [.suggested, .accepted], visibleTo: .team(job.team))
        } else {
            var seen: Set<String> = []
            ids = request.pdeIds.filter { seen.insert($0).inserted }
        }
        var pdes: [PDERecord] = []
        while !ids.isEmpty {
            let chunk = Array(ids.prefix(500))
            ids.removeFirst(chunk.count)
            pdes += try await store.pdes(ids: chunk)
        }
        try checkpoint()
        itemsTotal = Int64(pdes.count)
        try await progress(step: "classifying PDEs", percent: 5, message: "\(pdes.count) PDEs")
        for (index, pde) in pdes.enumerated() {
            try checkpoint()
            if skipNextItem() { continue }
            let result = try await engine.classify(PDECatalogCache.descriptor(pde), options: engineOptions)
            let record = ClassificationRecord(
                pdeID: pde.id, criticality: Criticality(rawValue: result.criticality.rawValue) ?? .medium,
                securityClass: SecurityClass(rawValue: result.securityClass.rawValue) ?? .internal,
                hasPersonalData: result.containsPersonalData, rationale: result.rationale, jobID: job.id)
            let percent = 5 + 90 * Double(index + 1) / Double(pdes.count)
            try await commitItem(
                [.upsertClassification(record)], step: "classifying PDEs", percent: percent,
                message: "\(pde.system).\(pde.table).\(pde.column)"
            ) { items in
                items.compactMap { item in
                    guard case .classification(let stored) = item else { return nil }
                    return JobEvents.pdeClassified(stored)
                }
            }
            summary.generated += 1
            summary.classified += 1
        }
    }
}
