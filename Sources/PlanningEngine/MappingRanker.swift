/// Ranks the PDEs of a ``PDECatalog`` for one attribute by lexical similarity that understands
/// column naming (through the catalog's ``TermAnalyzer``) and physical type compatibility.
///
/// The score is a weighted sum of five parts in 0...1, so it doubles as a calibrated confidence:
/// - *coverage*: the idf-weighted share of the attribute's name terms found in the PDE (a term in
///   the column name counts fully, in the table name or description partly);
/// - *precision*: the idf-weighted share of the column name's terms the attribute accounts for
///   (name, description or type words), which separates `LN_CURR_BAL_AMT` from `LN_ORIG_BAL_AMT`;
/// - *support*: the share of the attribute's description terms found in the PDE;
/// - *type fit*: ``ColumnTypeFamily/compatibility(with:)`` of the column with the attribute type;
/// - *table affinity*: the share of the name found in the table name (the entity's home table).
/// Words are also matched through a ``SynonymTable`` at reduced credit.
/// A clear exact match scores about 0.9; a PDE sharing one generic word about 0.2.
public struct MappingRanker: Sendable {
    /// The weights of the score parts; they sum to 1 so the score stays in 0...1.
    public struct Weights: Sendable, Hashable {
        public var coverage: Double
        public var precision: Double
        public var support: Double
        public var typeFit: Double
        public var tableAffinity: Double

        public init(coverage: Double, precision: Double, support: Double, typeFit: Double, tableAffinity: Double) {
            self.coverage = coverage
            self.precision = precision
            self.support = support
            self.typeFit = typeFit
            self.tableAffinity = tableAffinity
        }

        public static var defaults: Weights {
            Weights(coverage: 0.55, precision: 0.2, support: 0.08, typeFit: 0.12, tableAffinity: 0.05)
        }
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
        /// Ids of the term's synonyms present in the catalog.
        let synonyms: [Int]
        let word: String
        let weight: Double
    }

    /// Credit for a synonym relative to the exact word.
    private static let synonymCredit = 0.7

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
                let synonyms = catalog.synonymIds[term.stem] ?? []
                let weight =
                    id.map { catalog.idf[$0] } ?? synonyms.first.map { catalog.idf[$0] } ?? catalog.unknownTermWeight
                terms.append(QueryTerm(id: id, synonyms: synonyms, word: term.word, weight: weight))
            }
            return terms
        }
        let nameTerms = queryTerms(query.name, excluding: [])
        let nameStems = Set(analyzer.stems(query.name))
        let descriptionTerms = queryTerms(query.description, excluding: nameStems)
        let typeIds = Set(analyzer.stems(Self.typeWords[dataType] ?? "").compactMap { catalog.termIds[$0] })
        let nameIds = Set(nameTerms.compactMap(\.id))
        let nameSynonymIds = Set(nameTerms.flatMap(\.synonyms)).subtracting(nameIds)
        let descriptionIds = Set(descriptionTerms.compactMap(\.id))
        let descriptionSynonymIds = Set(descriptionTerms.flatMap(\.synonyms)).subtracting(descriptionIds)
        let nameTotal = nameTerms.reduce(0) { $0 + $1.weight }
        let descriptionTotal = descriptionTerms.reduce(0) { $0 + $1.weight }
        guard nameTotal + descriptionTotal > 0 else { return [] }

        // Candidates: the PDEs sharing at least one term (or synonym) with the attribute.
        var isCandidate = [Bool](repeating: false, count: catalog.count)
        var candidates: [Int] = []
        for id in nameIds.union(descriptionIds).union(nameSynonymIds).union(descriptionSynonymIds) {
            for index in catalog.postings[id] where !isCandidate[index] {
                isCandidate[index] = true
                candidates.append(index)
            }
        }

        var scored: [(index: Int, score: Double)] = []
        scored.reserveCapacity(candidates.count)
        for index in candidates {
            let entry = catalog.entries[index]
            let coverage = nameTotal > 0 ? fieldScore(nameTerms, entry) / nameTotal : 0
            let support = descriptionTotal > 0 ? min(1, fieldScore(descriptionTerms, entry) / descriptionTotal) : 0
            var explained = 0.0
            for id in entry.column {
                if nameIds.contains(id) || typeIds.contains(id) {
                    explained += catalog.idf[id]
                } else if nameSynonymIds.contains(id) {
                    explained += Self.synonymCredit * catalog.idf[id]
                } else if descriptionIds.contains(id) {
                    explained += 0.6 * catalog.idf[id]
                } else if descriptionSynonymIds.contains(id) {
                    explained += 0.4 * catalog.idf[id]
                }
            }
            let precision = entry.columnWeight > 0 ? explained / entry.columnWeight : 0
            // The entity's home table ("Customer ID" in CUST rather than a foreign key elsewhere).
            var inTable = 0.0
            for term in nameTerms {
                if let id = term.id, entry.table.contains(id) {
                    inTable += term.weight
                } else if term.synonyms.contains(where: entry.table.contains) {
                    inTable += Self.synonymCredit * term.weight
                }
            }
            let tableAffinity = nameTotal > 0 ? inTable / nameTotal : 0
            let typeFit = entry.family.compatibility(with: dataType)
            let score =
                weights.coverage * coverage + weights.precision * precision + weights.support * support
                + weights.typeFit * typeFit + weights.tableAffinity * tableAffinity
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

    /// Where a term occurs in an entry and how much that counts: column 1, table 0.5, description 0.4,
    /// each times ``synonymCredit`` when only a synonym occurs.
    private func match(_ term: QueryTerm, _ entry: PDECatalog.Entry) -> (place: String, credit: Double)? {
        func place(_ id: Int) -> (String, Double)? {
            if entry.column.contains(id) { return ("column", 1) }
            if entry.table.contains(id) { return ("table", 0.5) }
            if entry.description.contains(id) { return ("description", 0.4) }
            return nil
        }
        var best: (String, Double)?
        if let id = term.id, let found = place(id) {
            if found.1 == 1 { return found }
            best = found
        }
        for id in term.synonyms {
            if let (where_, credit) = place(id), credit * Self.synonymCredit > (best?.1 ?? 0) {
                best = (where_ + ", synonym", credit * Self.synonymCredit)
            }
        }
        return best
    }

    private func fieldScore(_ terms: [QueryTerm], _ entry: PDECatalog.Entry) -> Double {
        terms.reduce(0) { sum, term in sum + (match(term, entry).map { $0.credit * term.weight } ?? 0) }
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
            terms.compactMap { term in match(term, entry).map { (term.word, $0.place) } }
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
        let fitNote = fit >= 0.8 ? "" : fit > 0 ? " (weak)" : " (mismatch)"
        parts.append("type: \(dataType.rawValue)~\(pde.dataType)" + fitNote)
        // Three decimals, rounded by hand: `rounded()` would pull in libm, which this module does not link.
        let confidence = Double(Int(min(1, max(0, item.score)) * 1000 + 0.5)) / 1000
        return MappingSuggestion(
            pdeId: pde.id,
            confidence: confidence,
            rationale: parts.joined(separator: "; "),
            matchedTerms: nameMatches.map(\.word) + descriptionMatches.map(\.word)
        )
    }
}
