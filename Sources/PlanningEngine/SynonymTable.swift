/// Groups of words that name the same thing in reporting instructions and in source systems
/// ("obligor" in the regulation, "customer" in the customer master, "borrower" in servicing).
///
/// A synonym match counts less than an exact one (``MappingRanker`` uses 0.7), so the exact word
/// still wins when both are present.
public struct SynonymTable: Sendable, Hashable {
    /// Groups of words; each word is analyzed (stemmed) when the table is used.
    public let groups: [[String]]

    public init(_ groups: [[String]]) {
        self.groups = groups
    }

    /// This table with `extra` groups added.
    public func merging(_ extra: [[String]]) -> SynonymTable {
        SynonymTable(groups + extra)
    }

    public static let `default` = SynonymTable([
        ["obligor", "customer", "borrower", "party", "counterparty"],
        ["facility", "loan"],
        ["outstanding", "current", "unpaid"],
        ["utilized", "drawn"],
        ["ceiling", "cap", "maximum"],
        ["floor", "minimum"],
        ["spread", "margin"],
        ["rating", "grade"],
        ["valuation", "appraisal", "appraised"],
        ["security", "collateral"],
        ["identifier", "identification", "key"],
        ["tax", "taxpayer"],
        // ORIG_ abbreviates both in column names.
        ["origination", "original", "originated"],
        ["variability", "variable"],
        ["postal", "zip"],
        ["sales", "revenue"],
        ["financials", "financial statements"],
    ])

    /// Stem -> the stems of its group, excluding itself.
    func stemMap(_ analyzer: TermAnalyzer) -> [String: [String]] {
        var map: [String: [String]] = [:]
        for group in groups {
            let stems = group.compactMap { analyzer.stems($0).first }
            for stem in stems {
                map[stem, default: []] += stems.filter { $0 != stem && !(map[stem]?.contains($0) ?? false) }
            }
        }
        return map
    }
}
