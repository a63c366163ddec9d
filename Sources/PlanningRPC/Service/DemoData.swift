internal import Foundation
public import Logging
internal import PlanningEngine

/// The demo catalog `make run` starts with, so a newcomer can call every RPC at once: a cycle, a report
/// with the sample loan-level schedule's instruction documents, and some 300 PDEs from three systems.
///
/// Loading is idempotent: the cycle and report are found by name when they exist (their documents were
/// added with them), and PDEs are upserted by system, table and column.
public enum DemoData {
    public static let cycleName = "2026 Q4"
    public static let reportName = "FR Y-14Q Schedule H.1 Corporate Loan Data"

    /// Loads the demo data; returns the demo report's id.
    @discardableResult
    public static func load(into store: any PlanningStore, logger: Logger) async throws -> String {
        let cycle = try await Self.findOrCreateCycle(store)
        let (report, created) = try await Self.findOrCreateReport(store, cycleID: cycle.id)
        if created {
            for document in SampleData.documents {
                _ = try await store.addDocument(
                    DocumentRecord(reportID: report.id, title: document.title, text: document.text)
                )
            }
        }
        let pdes = SampleData.pdeCatalog.map { pde in
            PDERecord(
                system: pde.system,
                table: pde.table,
                column: pde.column,
                dataType: pde.dataType,
                description: pde.description,
                sampleValues: pde.sampleValues
            )
        }
        let imported = try await store.upsertPDEs(pdes)
        logger.info(
            "demo data ready",
            metadata: [
                "cycle": "\(cycle.id)", "report": "\(report.id)", "documents": "\(SampleData.documents.count)",
                "pdes": "\(imported.pdes.count)",
            ]
        )
        return report.id
    }

    private static func findOrCreateCycle(_ store: any PlanningStore) async throws -> CycleRecord {
        var after: Int64?
        repeat {
            let page = try await store.listCycles(page: PageRequest(size: PageRequest.maximumSize, after: after))
            if let cycle = page.items.first(where: { $0.name == Self.cycleName }) {
                return cycle
            }
            after = page.nextCursor
        } while after != nil
        return try await store.createCycle(
            CycleRecord(name: Self.cycleName, description: "Demo test cycle loaded by planning-rpcd --demo-data")
        )
    }

    private static func findOrCreateReport(
        _ store: any PlanningStore,
        cycleID: String
    ) async throws -> (ReportRecord, created: Bool) {
        var after: Int64?
        repeat {
            let page = try await store.listReports(
                cycleID: cycleID,
                page: PageRequest(size: PageRequest.maximumSize, after: after)
            )
            if let report = page.items.first(where: { $0.name == Self.reportName }) {
                return (report, false)
            }
            after = page.nextCursor
        } while after != nil
        let report = try await store.createReport(
            ReportRecord(
                cycleID: cycleID,
                name: Self.reportName,
                description: "Loan-level data for corporate loans held for investment (demo)"
            )
        )
        return (report, true)
    }
}
