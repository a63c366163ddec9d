/// The classification of one PDE.
public struct PDEClassification: Sendable, Hashable, Codable {
    public var criticality: Criticality
    public var securityClass: SecurityClass
    public var containsPersonalData: Bool
    /// The evidence: which rules fired on which names, words or sample values.
    public var rationale: String
    /// Identifier of the rule that decided the security class, e.g. "personal.tax-id".
    public var rule: String

    public init(
        criticality: Criticality,
        securityClass: SecurityClass,
        containsPersonalData: Bool,
        rationale: String,
        rule: String
    ) {
        self.criticality = criticality
        self.securityClass = securityClass
        self.containsPersonalData = containsPersonalData
        self.rationale = rationale
        self.rule = rule
    }
}
