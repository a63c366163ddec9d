/// Turns names and prose into comparable terms: split, expand abbreviations, drop stop words, stem.
///
/// The same analyzer must process both sides of a comparison; ``PDECatalog`` keeps the one it was
/// built with for its queries.
public struct TermAnalyzer: Sendable {
    /// One analyzed term: the stem used for matching and the word it came from, for rationales.
    public struct Term: Sendable, Hashable {
        public var stem: String
        public var word: String
    }

    public let abbreviations: AbbreviationTable

    /// Words that carry no meaning for matching: grammar, and the boilerplate of instructions.
    static let stopWords: Set<String> = [
        "a", "an", "the", "of", "to", "for", "in", "on", "and", "or", "by", "with", "at", "as", "is", "are",
        "be", "this", "that", "these", "those", "from", "its", "it", "s", "per", "which", "any", "all", "each",
        "if", "not", "no", "other", "than", "such", "into", "was", "were", "has", "have", "been", "will",
        "shall", "should", "must", "may", "can", "report", "reported", "reporting", "institution",
        "field", "provide", "enter", "use", "used", "e", "g", "i", "etc", "where", "when", "whether", "also",
        "including", "include", "includes", "under", "based", "upon", "over", "there", "their", "only",
    ]

    public init(abbreviations: AbbreviationTable = .default) {
        self.abbreviations = abbreviations
    }

    /// The terms of `text`, in order, duplicates kept.
    public func terms(_ text: String) -> [Term] {
        var result: [Term] = []
        for piece in Tokenizer.words(text) {
            if Self.stopWords.contains(piece) { continue }
            for word in abbreviations.expand(piece) {
                if Self.stopWords.contains(word) { continue }
                // Single letters are noise ("Y-9C" -> "y", "c"); digits are kept ("9").
                if word.count == 1, !word.allSatisfy(\.isNumber) { continue }
                result.append(Term(stem: LightStemmer.stem(word), word: word))
            }
        }
        return result
    }

    /// The stems of `text`, in order, duplicates kept.
    public func stems(_ text: String) -> [String] {
        terms(text).map(\.stem)
    }

    /// A key under which names that differ only in case, punctuation, abbreviation or inflection collide.
    public func normalizedName(_ name: String) -> String {
        stems(name).joined(separator: " ")
    }
}
