import Foundation
import PlanningEngine

extension JobExecution {
    /// GenerateAttributes: loading documents, generating with the model (progress per document and section),
    /// then, after each document, its attributes one item each (stored when `auto_create`), done.
    mutating func generateAttributes() async throws {
        let request = try Planning_V1_GenerateAttributesRequest(serializedBytes: job.request)
        let autoCreate = request.autoCreate
        try await progress(step: "loading documents", percent: 1)
        let store = store
        let reportID = job.reportID
        let documents = try await Self.allPages {
            try await store.listDocuments(reportID: reportID, includeText: true, page: $0)
        }
        try checkpoint()
        let sources = documents.map { SourceDocument(id: $0.id, title: $0.title, text: $0.text) }
        let titles = Dictionary(documents.map { ($0.id, $0.title) }, uniquingKeysWith: { first, _ in first })
        try await progress(step: "generating attributes", percent: 5, message: "\(sources.count) documents")

        let count = Double(max(1, sources.count))
        var documentIndex = 0
        var pending: [GeneratedAttribute] = []
        var total: Int64 = 0
        for try await event in engine.generateAttributes(from: sources, options: engineOptions) {
            try checkpoint()
            switch event {
            case .documentStarted(let documentID, let index, let of):
                documentIndex = index
                let title = titles[documentID] ?? documentID
                try await progress(
                    step: "generating attributes", percent: 5 + 90 * Double(index) / count,
                    message: "document \(index + 1) of \(of): \(title)")
            case .sectionStarted(_, let section):
                try await progress(
                    step: "generating attributes", percent: 5 + 90 * Double(documentIndex) / count,
                    message: "section \(section)")
            case .attribute(let attribute):
                pending.append(attribute)
            case .duplicate:
                summary.skipped += 1
            case .documentFinished:
                total += Int64(pending.count)
                itemsTotal = max(itemsTotal, total)
                for (offset, attribute) in pending.enumerated() {
                    try checkpoint()
                    if skipNextItem() { continue }
                    let percent = 5 + 90 * (Double(documentIndex) + Double(offset + 1) / Double(pending.count)) / count
                    try await commit(attribute, autoCreate: autoCreate, percent: percent)
                }
                pending = []
            }
        }
        itemsTotal = total
    }

    private mutating func commit(_ attribute: GeneratedAttribute, autoCreate: Bool, percent: Double) async throws {
        let record = AttributeRecord(
            reportID: job.reportID, name: attribute.name, description: Self.description(of: attribute),
            dataType: attribute.dataType.rawValue, isCriticalDataElement: attribute.isCriticalDataElement,
            sourceDocumentID: attribute.documentId, sourceSection: attribute.section ?? "", jobID: job.id)
        summary.generated += 1
        guard autoCreate else {
            let message = record.proto
            try await commitItem([], step: "generating attributes", percent: percent, message: record.name) { _ in
                [JobEvents.attributeGenerated(message, created: false)]
            }
            return
        }
        let written = try await commitItem(
            [.insertAttribute(record)], step: "writing attributes", percent: percent, message: record.name
        ) { items in
            items.compactMap { item in
                guard case .attribute(let stored, let created) = item else { return nil }
                return JobEvents.attributeGenerated(stored.proto, created: created)
            }
        }
        if case .attribute(_, let created)? = written.first {
            if created { summary.created += 1 } else { summary.skipped += 1 }
        }
    }

    /// The description with the allowable values, which the attribute record has no field of its own for.
    static func description(of attribute: GeneratedAttribute) -> String {
        guard !attribute.allowableValues.isEmpty else { return attribute.description }
        return attribute.description + " Allowable values: " + attribute.allowableValues.joined(separator: "; ") + "."
    }
}
