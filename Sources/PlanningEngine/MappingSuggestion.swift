/// One ranked candidate PDE for an attribute.
public struct MappingSuggestion: Sendable, Hashable, Codable {
    public var pdeId: String
    /// Calibrated to 0...1: about 0.9 for a clear exact match, about 0.2 for a weak one.
    public var confidence: Double
    /// Which terms matched where, and the type compatibility, e.g.
    /// "name terms: outstanding, balance; type: amount~DECIMAL(18,2)".
    public var rationale: String
    /// The query terms found in the PDE, in query order.
    public var matchedTerms: [String]

    public init(pdeId: String, confidence: Double, rationale: String, matchedTerms: [String]) {
        self.pdeId = pdeId
        self.confidence = confidence
        self.rationale = rationale
        self.matchedTerms = matchedTerms
    }
}
