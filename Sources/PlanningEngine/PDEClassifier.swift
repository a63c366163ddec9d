/// Rule-based classification of PDEs from their names, descriptions and sample values.
///
/// Every rule that fires contributes a finding (security class, personal data, evidence). The
/// security class is the highest found; ``PDEClassification/rule`` names the first rule that reached
/// it, so rule order expresses precedence among equals. Criticality comes from the ``CDERules``
/// keywords on the column name, then from the kind of data (amounts, dates, personal data: medium).
public struct PDEClassifier: Sendable {
    public var cdeRules: CDERules
    public let analyzer: TermAnalyzer

    /// Stems of every phrase the rules look for, analyzed once rather than per PDE.
    private let phraseStems: [String: [String]]
    /// Last words of columns that describe a value rather than hold it ("..._TYP_CD", "..._DT").
    private let descriptorStems: Set<String>

    public init(cdeRules: CDERules = .default, analyzer: TermAnalyzer = TermAnalyzer()) {
        self.cdeRules = cdeRules
        self.analyzer = analyzer
        var stems: [String: [String]] = [:]
        for phrase in Self.phrases { stems[phrase] = analyzer.stems(phrase) }
        self.phraseStems = stems
        self.descriptorStems = Set(analyzer.stems("code type indicator flag date"))
    }

    private static let phrases = [
        "social security", "taxpayer identification", "tax identifier", "tax id", "birth", "passport",
        "driver license", "driver licence", "email", "phone", "mobile", "fax", "postal code", "address", "street",
        "first name", "last name", "middle name", "legal name", "customer name", "obligor name", "borrower name",
        "guarantor name", "short name", "doing business as", "full name", "contact name", "city", "county",
        "country", "state", "place", "account number", "credit score", "gender", "citizenship",
        "politically exposed person", "marital", "customer identifier", "obligor identifier", "guarantor identifier",
        "party identifier", "amount", "balance", "value", "exposure", "revenue", "charge off", "recovery", "rate",
        "percent", "spread", "ratio", "yield", "currency", "naics", "standard industrial classification", "iso",
        "legal entity identifier", "timestamp", "created", "updated", "batch", "user identifier", "source system",
    ]

    struct Finding {
        var rule: String
        var securityClass: SecurityClass
        var personal: Bool
        var evidence: String
    }

    public func classify(_ pde: PDEDescriptor) -> PDEClassification {
        let column = analyzer.stems(pde.column)
        let description = analyzer.stems(pde.description)
        let table = analyzer.stems(pde.table + " " + pde.system)
        let family = ColumnTypeFamily(declaredType: pde.dataType)
        func mentions(_ phrases: String...) -> String? {
            for phrase in phrases {
                let run = phraseStems[phrase] ?? analyzer.stems(phrase)
                if CDERules.containsRun(run, in: column) || CDERules.containsRun(run, in: description) { return phrase }
            }
            return nil
        }
        let samples = pde.sampleValues.map { $0.trimmed() }.filter { !$0.isEmpty }
        func sample(matching pattern: SamplePattern) -> String? {
            samples.first { pattern.matches($0) }.map(pattern.masked)
        }
        let isLedger = table.contains("ledger") || table.contains("journal") || pde.system.uppercased() == "GL"
        // A code, flag or date *about* an address or a tax id ("ADDR_TYP_CD", "TAX_ID_TYP_CD") is not the
        // address or the tax id itself; only the value columns get the personal identifier rules.
        let describesValue = column.last.map { !descriptorStems.contains($0) } ?? true
        let nameStem = analyzer.stems("name")[0]
        let isPartyTable = ["customer", "party", "contact", "borrower", "guarantor"].contains { word in
            table.contains(analyzer.stems(word)[0])
        }

        var findings: [Finding] = []
        func add(_ rule: String, _ securityClass: SecurityClass, personal: Bool, _ evidence: String) {
            findings.append(Finding(rule: rule, securityClass: securityClass, personal: personal, evidence: evidence))
        }
        if let example = sample(matching: .ssn) {
            add("personal.ssn", .restricted, personal: true, "SSN-shaped sample values (\(example))")
        }
        if describesValue,
            let phrase = mentions("social security", "taxpayer identification", "tax identifier", "tax id")
        {
            add("personal.tax-id", .restricted, personal: true, "name or description mentions '\(phrase)'")
        } else if let example = sample(matching: .ein) {
            add("personal.tax-id", .restricted, personal: true, "EIN-shaped sample values (\(example))")
        }
        if let phrase = mentions("birth", "passport", "driver license", "driver licence") {
            add("personal.identity-document", .restricted, personal: true, "mentions '\(phrase)'")
        }
        if describesValue, let phrase = mentions("email") {
            add("personal.contact", .confidential, personal: true, "mentions '\(phrase)'")
        } else if let example = sample(matching: .email) {
            add("personal.contact", .confidential, personal: true, "e-mail sample values (\(example))")
        }
        if describesValue, let phrase = mentions("phone", "mobile", "fax") {
            add("personal.contact", .confidential, personal: true, "mentions '\(phrase)'")
        }
        if let phrase = mentions("postal code") ?? (describesValue ? mentions("address", "street") : nil) {
            add("personal.address", .confidential, personal: true, "mentions '\(phrase)'")
        } else if let example = sample(matching: .streetAddress) {
            add("personal.address", .confidential, personal: true, "street-address sample values (\(example))")
        }
        if column.contains(nameStem) || column.contains("doing") {
            if let phrase = mentions(
                "first name", "last name", "middle name", "legal name", "customer name", "obligor name",
                "borrower name",
                "guarantor name", "short name", "doing business as", "full name", "contact name")
            {
                add("personal.name", .confidential, personal: true, "names a party: '\(phrase)'")
            } else if isPartyTable, mentions("city", "county", "country", "state", "place") == nil {
                add("personal.name", .confidential, personal: true, "a name in party table \(pde.table)")
            }
        }
        if !isLedger, describesValue, let phrase = mentions("account number"),
            sample(matching: .longNumber) != nil || samples.isEmpty
        {
            add("personal.account-number", .confidential, personal: true, "customer '\(phrase)'")
        }
        if let phrase = mentions("credit score", "gender", "citizenship", "politically exposed person", "marital") {
            add("personal.profile", .confidential, personal: true, "mentions '\(phrase)'")
        }
        if let phrase = mentions(
            "customer identifier", "obligor identifier", "guarantor identifier", "party identifier")
        {
            add("personal.party-identifier", .confidential, personal: true, "identifies a party: '\(phrase)'")
        }
        let amountPhrase = mentions("amount", "balance", "value", "exposure", "revenue", "charge off", "recovery")
        if let amountPhrase, family == .decimal || family == .integer {
            if isLedger {
                add("financial.ledger-amount", .internal, personal: false, "ledger amount ('\(amountPhrase)')")
            } else {
                add("financial.amount", .confidential, personal: false, "customer-level amount ('\(amountPhrase)')")
            }
        }
        if amountPhrase == nil, family == .decimal,
            let phrase = mentions("rate", "percent", "spread", "ratio", "yield")
        {
            add("financial.pricing", .confidential, personal: false, "pricing term ('\(phrase)')")
        }
        if let last = column.last, ["cod", "type", "indicator", "flag"].contains(last) {
            if let phrase = mentions(
                "country", "currency", "state", "naics", "standard industrial classification", "iso",
                "legal entity identifier") {
                add("reference.standard-code", .public, personal: false, "standard reference code ('\(phrase)')")
            } else {
                let words = analyzer.terms(pde.column).map(\.word).joined(separator: " ")
                add("reference.code", .internal, personal: false, "internal code ('\(words)')")
            }
        }
        if let phrase = mentions("timestamp", "created", "updated", "batch", "user identifier", "source system") {
            add("technical.audit", .internal, personal: false, "technical column ('\(phrase)')")
        }
        if findings.isEmpty {
            add("default.internal", .internal, personal: false, "no specific rule applies")
        }

        let securityClass = findings.map(\.securityClass).max() ?? .internal
        let deciding = findings.first { $0.securityClass == securityClass } ?? findings[0]
        let personal = findings.contains { $0.personal }
        let (criticality, criticalityEvidence) = criticality(
            pde, personal: personal, family: family, findings: findings)
        var rationale = "\(securityClass.rawValue) by \(deciding.rule): \(deciding.evidence)"
        let others = findings.filter { $0.rule != deciding.rule }.map { "\($0.rule): \($0.evidence)" }
        if !others.isEmpty {
            rationale += "; also " + others.joined(separator: "; ")
        }
        rationale += "; personal data: \(personal ? "yes" : "no")"
        rationale += "; criticality \(criticality.rawValue): \(criticalityEvidence)"
        return PDEClassification(
            criticality: criticality,
            securityClass: securityClass,
            containsPersonalData: personal,
            rationale: rationale,
            rule: deciding.rule
        )
    }

    private func criticality(_ pde: PDEDescriptor, personal: Bool, family: ColumnTypeFamily, findings: [Finding])
        -> (Criticality, String)
    {
        if findings.contains(where: { $0.rule == "technical.audit" }) {
            return (.low, "technical column")
        }
        if let evidence = cdeRules.evidence(name: pde.column, description: "", analyzer: analyzer) {
            return (.high, "critical-data \(evidence) in column name")
        }
        if personal { return (.medium, "personal data") }
        if findings.contains(where: { $0.rule.hasPrefix("financial.") }) {
            return (.medium, "financial amount or rate")
        }
        if family == .date { return (.medium, "business date") }
        return (.low, "no critical-data keyword")
    }
}
