import Testing

@testable import PlanningEngine

struct PDEClassifierTests {
    let classifier = PDEClassifier()

    func pde(_ table: String, _ column: String, _ type: String, _ description: String = "", _ samples: [String] = [])
        -> PDEDescriptor
    {
        PDEDescriptor(
            id: "t", system: "CUSTMDM", table: table, column: column, dataType: type, description: description,
            sampleValues: samples)
    }

    @Test func ssnSampleIsRestrictedPersonalAndMasked() {
        let result = classifier.classify(pde("CUST", "GOVT_NBR", "VARCHAR(11)", "", ["123-45-6789"]))
        #expect(result.securityClass == .restricted)
        #expect(result.containsPersonalData)
        #expect(result.rule == "personal.ssn")
        #expect(result.rationale.contains("***-**-6789"))
        #expect(!result.rationale.contains("123-45"))
    }

    @Test func taxIdByName() {
        let result = classifier.classify(pde("CUST", "TAX_ID_NBR", "VARCHAR(11)", "Tax identifier"))
        #expect(result.securityClass == .restricted)
        #expect(result.rule == "personal.tax-id")
    }

    @Test func codeAboutATaxIdIsNotTheTaxId() {
        let result = classifier.classify(pde("CUST", "TAX_ID_TYP_CD", "CHAR(1)", "E EIN, S SSN"))
        #expect(result.securityClass == .internal)
        #expect(!result.containsPersonalData)
    }

    @Test func contactDataIsConfidentialPersonal() {
        let email = classifier.classify(pde("CUST_CONTACT", "EMAIL_ADDR", "VARCHAR(120)"))
        #expect(email.securityClass == .confidential && email.containsPersonalData && email.rule == "personal.contact")
        let sampled = classifier.classify(pde("X", "C1", "VARCHAR(80)", "", ["jane.doe@example.com"]))
        #expect(sampled.rule == "personal.contact")
        let street = classifier.classify(pde("X", "LINE_1", "VARCHAR(80)", "", ["100 Main Street"]))
        #expect(street.rule == "personal.address")
        let birth = classifier.classify(pde("CUST", "BIRTH_DT", "DATE"))
        #expect(birth.securityClass == .restricted && birth.containsPersonalData)
        let name = classifier.classify(pde("CUST", "FRST_NM", "VARCHAR(40)"))
        #expect(name.rule == "personal.name" && name.containsPersonalData)
    }

    @Test func amountsByLedgerOrCustomerLevel() {
        let loan = classifier.classify(
            PDEDescriptor(id: "a", system: "LNS", table: "LN_BAL", column: "LN_CURR_BAL_AMT", dataType: "DECIMAL(18,2)"))
        #expect(loan.securityClass == .confidential)
        #expect(loan.criticality == .high)
        #expect(!loan.containsPersonalData)
        #expect(loan.rule == "financial.amount")
        let ledger = classifier.classify(
            PDEDescriptor(id: "b", system: "GL", table: "GL_BAL", column: "DR_AMT", dataType: "DECIMAL(18,2)"))
        #expect(ledger.securityClass == .internal)
        #expect(ledger.rule == "financial.ledger-amount")
        #expect(ledger.criticality == .medium)
    }

    @Test func referenceCodes() {
        let country = classifier.classify(pde("CUST_ADDR", "CNTRY_CD", "CHAR(2)", "ISO country"))
        #expect(country.securityClass == .public && country.rule == "reference.standard-code")
        let internalCode = classifier.classify(pde("LN_MASTER", "FAC_TYP_CD", "CHAR(2)"))
        #expect(internalCode.securityClass == .internal && internalCode.rule == "reference.code")
        #expect(internalCode.criticality == .low)
    }

    @Test func auditColumnsAreLowInternal() {
        let result = classifier.classify(pde("LN_BAL", "UPDT_TS", "TIMESTAMP"))
        #expect(result.securityClass == .internal && result.criticality == .low && result.rule == "technical.audit")
    }

    @Test func everySamplePDEGetsAClassification() {
        let results = SampleData.pdeCatalog.map(classifier.classify)
        #expect(results.count == SampleData.pdeCatalog.count)
        #expect(results.contains { $0.securityClass == .restricted })
        #expect(results.contains { $0.securityClass == .public })
        #expect(results.allSatisfy { !$0.rationale.isEmpty && !$0.rule.isEmpty })
    }
}
