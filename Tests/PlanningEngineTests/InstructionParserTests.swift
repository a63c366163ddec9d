import Testing

@testable import PlanningEngine

struct InstructionParserTests {
    let engine = BuiltInEngine()

    func attributes(_ text: String) -> [GeneratedAttribute] {
        engine.extractAttributes(from: SourceDocument(id: "d", title: "t", text: text))
    }

    @Test func numberedListVariants() {
        let text = """
            # Section A: Balances
            Field 12. Outstanding Balance: The unpaid principal balance, in dollars.
            13. Maturity Date — The date the loan matures (MM/DD/YYYY).
            Item 14 Days Past Due
            The number of days the loan is past due.
            Section B: Other
            15) Loan Purpose - The purpose code.
            """
        let found = attributes(text)
        #expect(found.map(\.name) == ["Outstanding Balance", "Maturity Date", "Days Past Due", "Loan Purpose"])
        #expect(found.map(\.fieldNumber) == ["12", "13", "14", "15"])
        #expect(found.map(\.dataType) == [.amount, .date, .number, .code])
        #expect(found[2].description == "The number of days the loan is past due.")
        #expect(found.map(\.section) == ["Section A: Balances", "Section A: Balances", "Section A: Balances", "Section B: Other"])
    }

    @Test func instructionListsAreNotFields() {
        let text = """
            1. Submit the schedule within 45 days after the end of each quarter.
            2. Resubmissions must contain the complete population.
            Note: Fields marked as mandatory must never be left blank.
            """
        #expect(attributes(text).isEmpty)
    }

    @Test func allowableValuesFromBulletsAndLines() {
        let text = """
            14. Credit Facility Type — The type of the facility.
            Allowable values:
            - 1 = Revolving credit
            - 2 = Term loan

            Item 22 Participation Flag
            Indicates a purchased participation.
            Allowable values: Y, N
            """
        let found = attributes(text)
        #expect(found.count == 2)
        #expect(found[0].allowableValues == ["1 = Revolving credit", "2 = Term loan"])
        #expect(found[0].dataType == .code)
        #expect(found[1].allowableValues == ["Y", "N"])
        #expect(found[1].dataType == .flag)
    }

    @Test func markdownTable() {
        let text = """
            ## Rates
            | Field | Name | Description | Allowable Values |
            | --- | --- | --- | --- |
            | 25 | Interest Rate Variability | Fixed or floating. | 1 = Fixed; 2 = Floating |
            | 26 | Interest Rate | The current rate, as a decimal. | |
            """
        let found = attributes(text)
        #expect(found.map(\.name) == ["Interest Rate Variability", "Interest Rate"])
        #expect(found.map(\.fieldNumber) == ["25", "26"])
        #expect(found[0].allowableValues == ["1 = Fixed", "2 = Floating"])
        #expect(found.map(\.dataType) == [.code, .percent])
        #expect(found[1].section == "Rates")
    }

    @Test func csvBlockWithQuotedCells() {
        let text = """
            Name,Description,Allowable Values
            Collateral Market Value,"The market value, in dollars.",
            Security Type,The type of collateral.,"1 = Real estate; 2 = Cash"
            """
        let found = attributes(text)
        #expect(found.map(\.name) == ["Collateral Market Value", "Security Type"])
        #expect(found[0].description == "The market value, in dollars.")
        #expect(found[0].dataType == .amount)
        #expect(found[1].allowableValues == ["1 = Real estate", "2 = Cash"])
    }

    @Test func definitionParagraphs() {
        let text = """
            ## Definitions
            **Probability of Default** means the one-year probability that the obligor defaults, as a decimal.
            Exposure at Default means the estimated dollar amount exposed at default.
            Renewal Date: The date the facility was last renewed. Allowable values: Y or N.
            """
        let found = attributes(text)
        #expect(found.map(\.name) == ["Probability of Default", "Exposure at Default", "Renewal Date"])
        #expect(found[0].description == "The one-year probability that the obligor defaults, as a decimal.")
        #expect(found.map(\.dataType) == [.percent, .amount, .date])
        #expect(found[2].allowableValues == ["Y", "N"])
    }

    @Test func sampleScheduleYieldsAllFields() {
        let found = engine.extractAttributes(from: SampleData.documents[0])
        #expect(found.count == 36)
        #expect(Set(found.compactMap(\.section)).count == 4)
        #expect(found.first?.name == "Customer ID")
        #expect(found.last?.name == "Guarantor Internal ID")
    }
}
