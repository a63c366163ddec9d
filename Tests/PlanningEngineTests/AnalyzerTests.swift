import Testing

@testable import PlanningEngine

struct AnalyzerTests {
    @Test(arguments: [
        ("LN_CURR_BAL_AMT", ["ln", "curr", "bal", "amt"]),
        ("loanCurrBal2", ["loan", "curr", "bal", "2"]),
        ("XMLFile", ["xml", "file"]),
        ("Charge-offs", ["charge", "offs"]),
        ("Y9C_LINE_CD", ["y", "9", "c", "line", "cd"]),
    ])
    func tokenizer(text: String, expected: [String]) {
        #expect(Tokenizer.words(text) == expected)
    }

    @Test func abbreviationsExpandAndMatchProse() {
        let analyzer = TermAnalyzer()
        #expect(analyzer.terms("LN_CURR_BAL_AMT").map(\.word) == ["loan", "current", "balance", "amount"])
        #expect(analyzer.stems("LN_CURR_BAL_AMT") == analyzer.stems("Loan current balances amount"))
        #expect(analyzer.terms("LTV_RATIO").map(\.word) == ["loan", "value", "ratio"])
        #expect(analyzer.stems("CMTMT_AMT") == analyzer.stems("committed amount"))
    }

    @Test func abbreviationTableMerging() {
        let table = AbbreviationTable.default.merging(["XYZ": "collateral haircut", "amt": "amount"])
        #expect(table.expand("xyz") == ["collateral", "haircut"])
        #expect(table.expand("AMT") == ["amount"])
        #expect(table.expand("unknown") == ["unknown"])
        #expect(AbbreviationTable.default.expand("xyz") == ["xyz"])
    }

    @Test(arguments: [
        ("balances", "balanc"), ("committed", "commit"), ("commitment", "commit"), ("rating", "rating"),
        ("rate", "rat"), ("dated", "dat"), ("address", "address"), ("status", "status"), ("facilities", "facility"),
    ])
    func stemmer(word: String, expected: String) {
        #expect(LightStemmer.stem(word) == expected)
    }

    @Test func normalizedNamesMergeSpellings() {
        let analyzer = TermAnalyzer()
        #expect(analyzer.normalizedName("Internal Obligor ID") == analyzer.normalizedName("internal obligor identifier"))
        #expect(analyzer.normalizedName("Charge-offs") == analyzer.normalizedName("Charge Off"))
    }

    @Test func logarithm() {
        #expect(abs(PDECatalog.log(1) - 0) < 1e-12)
        #expect(abs(PDECatalog.log(2.718281828459045) - 1) < 1e-12)
        #expect(abs(PDECatalog.log(1000) - 6.907755278982137) < 1e-10)
        #expect(abs(PDECatalog.log(0.25) + 1.3862943611198906) < 1e-12)
    }
}
