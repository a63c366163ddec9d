/// Which attributes are critical data elements (CDEs).
///
/// An attribute is a CDE when its name contains one of ``keywords`` (matched as whole analyzed terms,
/// so "obligor id" matches "Internal Obligor Identifier" and "charge-off" matches "Charge-offs"), or
/// when its description says it is required (``requirementPhrases``, unless negated: "not required").
public struct CDERules: Sendable, Hashable {
    public var keywords: [String]
    public var requirementPhrases: [String]

    public init(keywords: [String], requirementPhrases: [String] = ["required", "mandatory"]) {
        self.keywords = keywords
        self.requirementPhrases = requirementPhrases
    }

    /// Keywords for loan-level schedules: balances, rates, dates that drive loss, and obligor identity.
    public static let `default` = CDERules(keywords: [
        "balance", "rate", "maturity", "default", "charge-off", "obligor id", "committed exposure",
        "utilized exposure", "risk rating", "past due", "non-accrual", "probability of default",
    ])

    /// The keyword or phrase that makes the attribute critical, or `nil` when it is not.
    public func evidence(name: String, description: String, analyzer: TermAnalyzer) -> String? {
        let nameStems = analyzer.stems(name)
        for keyword in keywords {
            let keywordStems = analyzer.stems(keyword)
            if !keywordStems.isEmpty, Self.containsRun(keywordStems, in: nameStems) {
                return "keyword '\(keyword)'"
            }
        }
        let text = " " + description.lowercased().collapsingWhitespace() + " "
        for phrase in requirementPhrases {
            let needle = phrase.lowercased()
            for range in text.ranges(of: needle) {
                let before = text[..<range.lowerBound]
                let after = text[range.upperBound...]
                // Whole words only, and not negated ("not required", "is not mandatory").
                guard before.last.map({ !$0.isLetter }) ?? true, after.first.map({ !$0.isLetter }) ?? true
                else { continue }
                let preceding = before.split(separator: " ").suffix(2).map { $0.lowercased() }
                if preceding.contains("not") || preceding.contains("never") || preceding.contains("optional") {
                    continue
                }
                return "wording '\(phrase)'"
            }
        }
        return nil
    }

    public func isCritical(name: String, description: String, analyzer: TermAnalyzer) -> Bool {
        evidence(name: name, description: description, analyzer: analyzer) != nil
    }

    /// Whether `run` occurs contiguously in `stems`.
    static func containsRun(_ run: [String], in stems: [String]) -> Bool {
        guard run.count <= stems.count else { return false }
        for start in 0...(stems.count - run.count) where Array(stems[start..<(start + run.count)]) == run {
            return true
        }
        return false
    }
}
