/// Ranks the PDEs of a ``PDECatalog`` for one attribute by lexical similarity that understands
/// column naming (through the catalog's ``TermAnalyzer``) and physical type compatibility.
///
/// The score is a weighted sum of four parts in 0...1, so it doubles as a calibrated confidence:
/// - *coverage*: the idf-weighted share of the attribute's name terms found in the PDE (a term in
///   the column name counts fully, in the table name or description partly);
/// - *precision*: the idf-weighted share of the column name's terms the attribute accounts for
///   (name, description or type words), which separates `LN_CURR_BAL_AMT` from `LN_ORIG_BAL_AMT`;
/// - *support*: the share of the attribute's description terms found in the PDE;
/// - *type fit*: ``ColumnTypeFamily/compatibility(with:)`` of the column with the attribute type.
/// A clear exact match scores about 0.9; a PDE sharing one generic word about 0.2.
public struct MappingRanker: Sendable {
    /// The weights of the score parts; they sum to 1 so the score stays in 0...1.
    public struct Weights: Sendable, Hashable {
        public var coverage: Double
        public var precision: Double
        public var support: Double
        public var typeFit: Double

        public init(coverage: Double, precision: Double, support: Double, typeFit: Double) {
            self.coverage = coverage
            self.precision = precision
            self.support = support
            self.typeFit = typeFit
        }

        public static var defaults: Weights { Weights(coverage: 0.55, precision: 0.2, support: 0.1, typeFit: 0.15) }
    }

    public var weights: Weights

    public init(weights: Weights = .defaults) {
        self.weights = weights
    }

    /// Words a column of each type tends to carry in its name ("..._AMT", "..._DT").
    private static let typeWords: [AttributeDataType: String] = [
        .amount: "amount balance value", .date: "date", .percent: "rate percent ratio",
        .identifier: "identifier number", .code: "code type", .flag: "flag indicator", .number: "count number",
        .text: "name description text",
    ]

    private struct QueryTerm {
        let id: Int?
        let word: String
        let weight: Double
    }

    /// Up to `topK` suggestions, best first; ties are broken by PDE id so the order is deterministic.
    public func rank(_ query: AttributeQuery, in catalog: PDECatalog, topK: Int) -> [MappingSuggestion] {
        guard topK > 0, catalog.count > 0 else { return [] }
        let analyzer = catalog.analyzer
        let dataType =
            query.dataType
            ?? DataTypeInference.infer(name: query.name, description: query.description, allowableValues: [])

        func queryTerms(_ text: String, excluding: Set<String>) -> [QueryTerm] {
            var seen = excluding
            var terms: [QueryTerm] = []
            for term in analyzer.terms(text) where seen.insert(term.stem).inserted {
                let id = catalog.termIds[term.stem]
                terms.append(QueryTerm(id: id, word: term.word, weight: id.map { catalog.idf[$0] } ?? catalog.unknownTermWeight))
            }
            return terms
        }
        let nameTerms = queryTerms(query.name, excluding: [])
        let nameStems = Set(analyzer.stems(query.name))
        let descriptionTerms = queryTerms(query.description, excluding: nameStems)
        let typeIds = Set(analyzer.stems(Self.typeWords[dataType] ?? "").compactMap { catalog.termIds[$0] })
        let nameIds = Set(nameTerms.compactMap(\.id))
        let descriptionIds = Set(descriptionTerms.compactMap(\.id))
        let nameTotal = nameTerms.reduce(0) { $0 + $1.weight }
        let descriptionTotal = descriptionTerms.reduce(0) { $0 + $1.weight }
        guard nameTotal + descriptionTotal > 0 else { return [] }

        // Candidates: the PDEs sharing at least one term with the attribute.
        var isCandidate = [Bool](repeating: false, count: catalog.count)
        var candidates: [Int] = []
        for id in nameIds.union(descriptionIds) {
            for index in catalog.postings[id] where !isCandidate[index] {
                isCandidate[index] = true
                candidates.append(index)
            }
        }

        var scored: [(index: Int, score: Double)] = []
        scored.reserveCapacity(candidates.count)
        for index in candidates {
            let entry = catalog.entries[index]
            let coverage = nameTotal > 0 ? fieldScore(nameTerms, entry, table: 0.5, description: 0.4) / nameTotal : 0
            let support =
                descriptionTotal > 0
                ? min(1, fieldScore(descriptionTerms, entry, table: 0.5, description: 0.4) / descriptionTotal) : 0
            var explained = 0.0
            for id in entry.column {
                if nameIds.contains(id) || typeIds.contains(id) {
                    explained += catalog.idf[id]
                } else if descriptionIds.contains(id) {
                    explained += 0.6 * catalog.idf[id]
                }
            }
            let precision = entry.columnWeight > 0 ? explained / entry.columnWeight : 0
            let typeFit = entry.family.compatibility(with: dataType)
            let score =
                weights.coverage * coverage + weights.precision * precision + weights.support * support
                + weights.typeFit * typeFit
            scored.append((index, score))
        }
        scored.sort { lhs, rhs in
            lhs.score != rhs.score
                ? lhs.score > rhs.score : catalog.descriptors[lhs.index].id < catalog.descriptors[rhs.index].id
        }
        return scored.prefix(topK).map { item in
            suggestion(
                for: item, in: catalog, dataType: dataType, nameTerms: nameTerms, descriptionTerms: descriptionTerms)
        }
    }

    /// Sum of the weights of `terms` found in the entry, a column hit counting fully.
    private func fieldScore(_ terms: [QueryTerm], _ entry: PDECatalog.Entry, table: Double, description: Double)
        -> Double
    {
        var score = 0.0
        for term in terms {
            guard let id = term.id else { continue }
            if entry.column.contains(id) {
                score += term.weight
            } else if entry.table.contains(id) {
                score += table * term.weight
            } else if entry.description.contains(id) {
                score += description * term.weight
            }
        }
        return score
    }

    private func suggestion(
        for item: (index: Int, score: Double),
        in catalog: PDECatalog,
        dataType: AttributeDataType,
        nameTerms: [QueryTerm],
        descriptionTerms: [QueryTerm]
    ) -> MappingSuggestion {
        let entry = catalog.entries[item.index]
        let pde = catalog.descriptors[item.index]
        func matched(_ terms: [QueryTerm]) -> [(word: String, place: String)] {
            terms.compactMap { term in
                guard let id = term.id else { return nil }
                if entry.column.contains(id) { return (term.word, "column") }
                if entry.table.contains(id) { return (term.word, "table") }
                if entry.description.contains(id) { return (term.word, "description") }
                return nil
            }
        }
        let nameMatches = matched(nameTerms)
        let descriptionMatches = matched(descriptionTerms)
        let unmatched = nameTerms.filter { term in !nameMatches.contains { $0.word == term.word } }.map(\.word)
        var parts: [String] = []
        if !nameMatches.isEmpty {
            parts.append("name terms: " + nameMatches.map { "\($0.word) (\($0.place))" }.joined(separator: ", "))
        }
        if !descriptionMatches.isEmpty {
            parts.append("description terms: " + descriptionMatches.map(\.word).joined(separator: ", "))
        }
        if !unmatched.isEmpty {
            parts.append("unmatched: " + unmatched.joined(separator: ", "))
        }
        let fit = entry.family.compatibility(with: dataType)
        parts.append("type: \(dataType.rawValue)~\(pde.dataType)" + (fit >= 0.8 ? "" : fit > 0 ? " (weak)" : " (mismatch)"))
        let confidence = (min(1, max(0, item.score)) * 1000).rounded() / 1000
        return MappingSuggestion(
            pdeId: pde.id,
            confidence: confidence,
            rationale: parts.joined(separator: "; "),
            matchedTerms: nameMatches.map(\.word) + descriptionMatches.map(\.word)
        )
    }
}
