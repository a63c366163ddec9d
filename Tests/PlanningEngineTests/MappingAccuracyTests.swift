import Testing

@testable import PlanningEngine

/// Ranking quality on the labelled set; the floors sit a little below what the engine measures.
struct MappingAccuracyTests {
    static let catalog = PDECatalog(SampleData.pdeCatalog)

    @Test func topOneAndTopThreeAccuracyOnLabelledSet() {
        let ranker = MappingRanker()
        var topOne = 0
        var topThree = 0
        var misses: [String] = []
        for labelled in LabelledMappings.cases {
            let ranked = ranker.rank(labelled.query, in: Self.catalog, topK: 3).map(\.pdeId)
            if ranked.first == labelled.expected { topOne += 1 }
            if ranked.contains(labelled.expected) {
                topThree += 1
            }
            if ranked.first != labelled.expected {
                let names = ranked.map { id in Self.catalog.descriptor(id: id).map { "\($0.table).\($0.column)" } ?? id }
                misses.append("\(labelled.name): expected \(labelled.expected), got \(names)")
            }
        }
        let count = Double(LabelledMappings.cases.count)
        let top1 = Double(topOne) / count
        let top3 = Double(topThree) / count
        print("mapping accuracy over \(LabelledMappings.cases.count) labelled attributes: top-1 \(top1), top-3 \(top3)")
        for miss in misses { print("  miss: \(miss)") }
        #expect(top1 >= 0.94)
        #expect(top3 >= 0.98)
    }
}
