import Testing

@testable import PlanningEngine

struct DataTypeAndCDETests {
    @Test(arguments: [
        ("Origination Date", "", [String](), AttributeDataType.date),
        ("Outstanding Balance", "", [], .amount),
        ("Interest Rate Spread", "", [], .percent),
        ("Interest Rate Index", "", ["1 = SOFR", "2 = Prime"], .code),
        ("Internal Obligor ID", "", [], .identifier),
        ("Participation Flag", "", [], .flag),
        ("Guaranteed", "", ["Y", "N"], .flag),
        ("Days Past Due", "", [], .number),
        ("Obligor Name", "The legal name.", [], .text),
        ("Effective", "The effective day in MM/DD/YYYY format.", [], .date),
        ("Yield", "Reported as a decimal.", [], .percent),
        ("Exposure Estimate", "", [], .amount),
        ("Cusip", "", [], .identifier),
        ("Reference", "The number assigned by the agent.", [], .identifier),
        ("Facility Fee", "The fee, in dollars.", [], .amount),
    ])
    func inference(name: String, description: String, values: [String], expected: AttributeDataType) {
        #expect(DataTypeInference.infer(name: name, description: description, allowableValues: values) == expected)
    }

    let analyzer = TermAnalyzer()

    @Test func cdeKeywordsMatchAnalyzedNames() {
        let rules = CDERules.default
        #expect(rules.isCritical(name: "Cumulative Charge-offs", description: "", analyzer: analyzer))
        #expect(rules.isCritical(name: "Internal Obligor Identifier", description: "", analyzer: analyzer))
        #expect(rules.isCritical(name: "Outstanding Balances", description: "", analyzer: analyzer))
        #expect(!rules.isCritical(name: "Obligor Name", description: "", analyzer: analyzer))
        #expect(!rules.isCritical(name: "Rating Agency", description: "", analyzer: analyzer))
    }

    @Test func requirementWordingUnlessNegated() {
        let rules = CDERules.default
        #expect(rules.isCritical(name: "City", description: "This field is mandatory.", analyzer: analyzer))
        #expect(rules.isCritical(name: "City", description: "Required for every facility.", analyzer: analyzer))
        #expect(!rules.isCritical(name: "City", description: "This field is not required.", analyzer: analyzer))
        #expect(!rules.isCritical(name: "City", description: "Requirements differ.", analyzer: analyzer))
    }

    @Test func configurableKeywords() {
        let rules = CDERules(keywords: ["city"], requirementPhrases: [])
        #expect(rules.isCritical(name: "City", description: "", analyzer: analyzer))
        #expect(!rules.isCritical(name: "Outstanding Balance", description: "mandatory", analyzer: analyzer))
    }
}
