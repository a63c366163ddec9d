/// Sample inputs for the demo and the tests: a loan-level schedule's instructions and a PDE
/// catalog of three source systems (loan servicing LNS, general ledger GL, customer master CUSTMDM).
///
/// The schedule is written in the style of a loan-level data schedule (like FR Y-14Q H.1); it is
/// illustrative, not the regulator's text.
public enum SampleData {
    /// The sample documents, ready for ``PlanningEngine/generateAttributes(from:options:)``.
    public static var documents: [SourceDocument] {
        [
            SourceDocument(
                id: "doc-h1", title: "Schedule H.1 Corporate Loan Data: Instructions", text: loanScheduleDocument),
            SourceDocument(
                id: "doc-h1-coll", title: "Schedule H.1 Collateral Supplement", text: collateralSupplementDocument),
        ]
    }

    /// The full sample catalog, about 300 PDEs.
    public static let pdeCatalog: [PDEDescriptor] = {
        let handWritten =
            rows(lnsCatalogRows, system: "LNS") + rows(glCatalogRows, system: "GL") + rows(customerCatalogRows, system: "CUSTMDM")
        return handWritten + auditColumns(for: handWritten, firstId: 801)
    }()

    /// Parses "id|table|column|type|description|sample;sample" lines.
    static func rows(_ text: String, system: String) -> [PDEDescriptor] {
        text.split(separator: "\n").compactMap { line in
            let trimmed = line.trimmedString()
            guard !trimmed.isEmpty, !trimmed.hasPrefix("#") else { return nil }
            let cells = trimmed.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmedString() }
            precondition(cells.count == 6, "bad sample catalog row: \(trimmed)")
            return PDEDescriptor(
                id: cells[0],
                system: system,
                table: cells[1],
                column: cells[2],
                dataType: cells[3],
                description: cells[4],
                sampleValues: cells[5].isEmpty ? [] : cells[5].split(separator: ";").map { $0.trimmedString() }
            )
        }
    }

    /// The audit columns every table of the source systems carries: realistic noise for ranking.
    static func auditColumns(for pdes: [PDEDescriptor], firstId: Int) -> [PDEDescriptor] {
        var tables: [(system: String, table: String)] = []
        for pde in pdes where !tables.contains(where: { $0.system == pde.system && $0.table == pde.table }) {
            tables.append((pde.system, pde.table))
        }
        let columns: [(String, String, String, [String])] = [
            ("CRT_TS", "TIMESTAMP", "Row created timestamp", ["2024-03-31 23:10:04"]),
            ("UPDT_TS", "TIMESTAMP", "", ["2024-04-02 06:15:44"]),
            ("UPDT_USER_ID", "VARCHAR(30)", "User or process that last updated the row", ["ETL_LOAD", "JSMITH"]),
            ("BATCH_ID", "BIGINT", "Load batch", ["202403310001"]),
        ]
        var result: [PDEDescriptor] = []
        var next = firstId
        for (system, table) in tables {
            for (column, type, description, samples) in columns {
                result.append(
                    PDEDescriptor(
                        id: "pde-" + String(next).leftPadded(to: 4), system: system, table: table, column: column,
                        dataType: type, description: description, sampleValues: samples))
                next += 1
            }
        }
        return result
    }
}

extension String {
    func leftPadded(to width: Int) -> String {
        String(repeating: "0", count: max(0, width - count)) + self
    }
}
