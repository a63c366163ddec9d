/// An immutable, prebuilt search index over PDEs.
///
/// Every column, table and description is analyzed once here, so ranking an attribute touches only
/// integer term ids. Build one per catalog version and share it freely: it is never mutated.
public final class PDECatalog: Sendable {
    /// One indexed PDE: unique term ids per field, in field order.
    struct Entry: Sendable {
        let column: [Int]
        let table: [Int]
        let description: [Int]
        let family: ColumnTypeFamily
        /// Sum of the idf of the column terms: the denominator of column precision.
        let columnWeight: Double
    }

    /// The PDEs, in the order given.
    public let descriptors: [PDEDescriptor]
    /// The analyzer the index was built with; queries must use it too.
    public let analyzer: TermAnalyzer

    let entries: [Entry]
    let termIds: [String: Int]
    /// Inverse document frequency of each term id, over all fields of all PDEs.
    let idf: [Double]
    /// Term id -> indices of the entries containing it in any field, ascending.
    let postings: [[Int]]
    /// Weight of a query term that no PDE contains.
    let unknownTermWeight: Double
    /// Stem -> term ids of its synonyms that occur in the catalog.
    let synonymIds: [String: [Int]]
    private let indexById: [String: Int]

    /// Indexes `descriptors`; later duplicates of an id are kept in ``descriptors`` but not findable by id.
    public init(
        _ descriptors: [PDEDescriptor],
        analyzer: TermAnalyzer = TermAnalyzer(),
        synonyms: SynonymTable = .default
    ) {
        self.descriptors = descriptors
        self.analyzer = analyzer
        var termIds: [String: Int] = [:]
        var documentFrequency: [Int] = []
        var postings: [[Int]] = []
        func ids(_ text: String) -> [Int] {
            var seen: [Int] = []
            for stem in analyzer.stems(text) {
                let id: Int
                if let existing = termIds[stem] {
                    id = existing
                } else {
                    id = termIds.count
                    termIds[stem] = id
                    documentFrequency.append(0)
                    postings.append([])
                }
                if !seen.contains(id) { seen.append(id) }
            }
            return seen
        }
        var rawEntries: [(column: [Int], table: [Int], description: [Int], family: ColumnTypeFamily)] = []
        rawEntries.reserveCapacity(descriptors.count)
        for (index, pde) in descriptors.enumerated() {
            let column = ids(pde.column)
            let table = ids(pde.table)
            let description = ids(pde.description)
            var all = Set(column)
            all.formUnion(table)
            all.formUnion(description)
            for id in all.sorted() {
                documentFrequency[id] += 1
                postings[id].append(index)
            }
            rawEntries.append((column, table, description, ColumnTypeFamily(declaredType: pde.dataType)))
        }
        let count = Double(max(descriptors.count, 1))
        let idf = documentFrequency.map { df in
            // BM25's idf, floored so that a term in most PDEs still counts a little.
            max(0.05, Self.log(1 + (count - Double(df) + 0.5) / (Double(df) + 0.5)))
        }
        self.termIds = termIds
        self.synonymIds = synonyms.stemMap(analyzer).mapValues { stems in stems.compactMap { termIds[$0] } }
        self.idf = idf
        self.postings = postings
        self.unknownTermWeight = idf.isEmpty ? 1 : 0.5 * idf.reduce(0, +) / Double(idf.count)
        self.entries = rawEntries.map { raw in
            Entry(
                column: raw.column,
                table: raw.table,
                description: raw.description,
                family: raw.family,
                columnWeight: raw.column.reduce(0) { $0 + idf[$1] }
            )
        }
        var indexById: [String: Int] = [:]
        for (index, pde) in descriptors.enumerated() where indexById[pde.id] == nil {
            indexById[pde.id] = index
        }
        self.indexById = indexById
    }

    /// Convenience: builds the analyzer from an abbreviation table.
    public convenience init(_ descriptors: [PDEDescriptor], abbreviations: AbbreviationTable) {
        self.init(descriptors, analyzer: TermAnalyzer(abbreviations: abbreviations))
    }

    public var count: Int { descriptors.count }

    /// The PDE with `id`, if any.
    public func descriptor(id: String) -> PDEDescriptor? {
        indexById[id].map { descriptors[$0] }
    }

    /// Natural logarithm without Foundation: the series of atanh, exact enough for weights.
    static func log(_ x: Double) -> Double {
        precondition(x > 0)
        var exponent = 0.0
        var m = x
        while m > 2 { m /= 2; exponent += 1 }
        while m < 1 { m *= 2; exponent -= 1 }
        let y = (m - 1) / (m + 1)
        let y2 = y * y
        var term = y
        var sum = 0.0
        var k = 1.0
        while k < 60 {
            sum += term / k
            term *= y2
            k += 2
        }
        return 2 * sum + exponent * 0.693_147_180_559_945_3
    }
}
