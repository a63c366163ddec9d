import Foundation
import PlanningEngine

extension JobExecution {
    /// The number of suggestions asked of the engine per attribute.
    static let mappingTopK = 5
    /// Suggestions below this confidence are not stored.
    static let mappingThreshold = 0.35

    /// AutoMapPDEs (`replace == false`): every attribute of the report without an accepted mapping gets its top
    /// suggestions above the threshold as suggested mappings (existing pairs are kept).
    /// RegenerateAllPDEMappings (`replace == true`): every attribute's suggested mappings are replaced by new
    /// ones; accepted and rejected mappings are never touched.
    mutating func mapPDEs(replace: Bool) async throws {
        let store = store
        let reportID = job.reportID
        // The job works for its team: on the attributes and mappings that team sees.
        let visibility = RecordVisibility.team(job.team)
        try await progress(step: "loading attributes", percent: 1)
        var targets = try await Self.allPages {
            try await store.listAttributes(reportID: reportID, visibleTo: visibility, page: $0)
        }
        if !replace {
            let accepted = try await Self.allPages {
                try await store.listMappings(scope: .report(reportID), state: .accepted, visibleTo: visibility, page: $0)
            }
            let mapped = Set(accepted.map(\.attributeID))
            targets.removeAll { mapped.contains($0.id) }
        }
        try checkpoint()
        try await progress(step: "loading PDE catalog", percent: 3)
        let catalog = try await catalogs.catalog()
        itemsTotal = Int64(targets.count)
        let step = replace ? "regenerating mappings" : "mapping attributes"
        try await progress(step: step, percent: 5, message: "\(targets.count) attributes, \(catalog.count) PDEs")

        for (index, attribute) in targets.enumerated() {
            try checkpoint()
            if skipNextItem() { continue }
            let query = AttributeQuery(
                name: attribute.name, description: attribute.description,
                dataType: AttributeDataType(rawValue: attribute.dataType))
            let suggestions = try await engine.suggestMappings(
                for: query, among: catalog, topK: Self.mappingTopK, options: engineOptions)
            let mappings = suggestions.filter { $0.confidence >= Self.mappingThreshold }.map {
                MappingRecord(
                    attributeID: attribute.id, pdeID: $0.pdeId, confidence: $0.confidence, rationale: $0.rationale,
                    jobID: job.id)
            }
            let percent = 5 + 90 * Double(index + 1) / Double(targets.count)
            let note = "\(attribute.name): no PDE above \(Self.mappingThreshold)"
            if replace {
                let written = try await commitItem(
                    [.replaceSuggestedMappings(.attribute(attribute.id), mappings)], step: step, percent: percent,
                    message: attribute.name
                ) { items in
                    guard case .mappingsReplaced(let replacement)? = items.first, !replacement.inserted.isEmpty else {
                        return [JobEvents.progress(note)]
                    }
                    return replacement.inserted.map(JobEvents.mappingSuggested)
                }
                if case .mappingsReplaced(let replacement)? = written.first {
                    summary.generated += Int64(replacement.inserted.count)
                    summary.mapped += Int64(replacement.inserted.count)
                    summary.skipped += Int64(replacement.skipped)
                }
            } else {
                let written = try await commitItem(
                    mappings.map(ItemWrite.insertMapping), step: step, percent: percent, message: attribute.name
                ) { items in
                    let created = items.compactMap { item -> Planning_V1_JobEvent? in
                        guard case .mapping(let mapping, created: true) = item else { return nil }
                        return JobEvents.mappingSuggested(mapping)
                    }
                    return created.isEmpty ? [JobEvents.progress(note)] : created
                }
                summary.generated += Int64(mappings.count)
                for case .mapping(_, let created) in written {
                    if created { summary.mapped += 1 } else { summary.skipped += 1 }
                }
                if mappings.isEmpty { summary.skipped += 1 }
            }
        }
    }
}
