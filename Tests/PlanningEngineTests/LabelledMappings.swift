@testable import PlanningEngine

/// Attributes of the sample schedule (and a few differently worded ones) with the PDE an analyst
/// would map each to in ``SampleData/pdeCatalog``. Several have a plausible runner-up on purpose
/// (`CUST.INT_OBLGR_ID` for Internal Obligor ID, `LN_HIST` copies of `LN_BAL` columns).
enum LabelledMappings {
    struct Case: Sendable {
        var name: String
        var description: String
        var expected: String

        var query: AttributeQuery { AttributeQuery(name: name, description: description) }
    }

    static let cases: [Case] = [
        Case(name: "Customer ID", description: "The unique identifier assigned by the reporting institution to the customer.", expected: "pde-0501"),
        Case(name: "Internal Obligor ID", description: "The identifier the institution's internal rating system assigns to the obligor.", expected: "pde-0005"),
        Case(name: "Obligor Name", description: "The legal name of the obligor as it appears on the credit agreement.", expected: "pde-0503"),
        Case(name: "City", description: "The city of the obligor's principal place of business.", expected: "pde-0545"),
        Case(name: "Country", description: "The country of the obligor's principal place of business, as a two-letter ISO 3166 code.", expected: "pde-0548"),
        Case(name: "Zip Code", description: "The five-digit U.S. postal code of the obligor's principal place of business.", expected: "pde-0547"),
        Case(name: "Industry Code", description: "The six-digit NAICS code describing the obligor's primary business activity.", expected: "pde-0512"),
        Case(name: "Internal Risk Rating", description: "The obligor's current internal risk rating grade under the institution's rating system.", expected: "pde-0132"),
        Case(name: "TIN", description: "The taxpayer identification number of the obligor, as assigned by the Internal Revenue Service (EIN or SSN).", expected: "pde-0509"),
        Case(name: "Stock Exchange", description: "The exchange on which the obligor's common stock is primarily traded.", expected: "pde-0515"),
        Case(name: "Internal Credit Facility ID", description: "The identifier the institution uses to track the credit facility.", expected: "pde-0002"),
        Case(name: "Origination Date", description: "The date the credit facility was originated (MM/DD/YYYY).", expected: "pde-0006"),
        Case(name: "Maturity Date", description: "The date on which the credit facility matures, considering all extensions already granted.", expected: "pde-0008"),
        Case(name: "Credit Facility Type", description: "The type of the credit facility.", expected: "pde-0010"),
        Case(name: "Credit Facility Purpose", description: "The purpose of the credit facility as stated in the credit agreement.", expected: "pde-0011"),
        Case(name: "Committed Exposure Global", description: "The total amount of the commitment, drawn and undrawn, in dollars.", expected: "pde-0045"),
        Case(name: "Utilized Exposure Global", description: "The amount of the commitment currently drawn (outstanding), in dollars.", expected: "pde-0047"),
        Case(name: "Line of Business", description: "The name of the internal line of business that originated the facility.", expected: "pde-0012"),
        Case(name: "Cumulative Charge-offs", description: "The cumulative amount of principal charged off against the credit facility since origination, in dollars.", expected: "pde-0049"),
        Case(name: "Days Principal or Interest Past Due", description: "The number of days that principal or interest payments are contractually past due as of the report date.", expected: "pde-0112"),
        Case(name: "Non-Accrual Date", description: "The date the credit facility was placed on non-accrual status.", expected: "pde-0018"),
        Case(name: "Participation Flag", description: "Indicates whether the facility is a participation purchased from another lender.", expected: "pde-0014"),
        Case(name: "Lien Position", description: "The lien position of the institution's claim on the collateral.", expected: "pde-0015"),
        Case(name: "Credit Facility Currency", description: "The currency in which the credit facility is denominated, as a three-letter ISO 4217 code.", expected: "pde-0013"),
        Case(name: "Interest Rate Variability", description: "Whether the interest rate is fixed, floating or mixed.", expected: "pde-0074"),
        Case(name: "Interest Rate", description: "The current interest rate on the facility, as a decimal.", expected: "pde-0072"),
        Case(name: "Interest Rate Index", description: "The index to which a floating interest rate is tied.", expected: "pde-0075"),
        Case(name: "Interest Rate Spread", description: "The spread over the index for floating-rate facilities, as a decimal.", expected: "pde-0076"),
        Case(name: "Interest Rate Ceiling", description: "The maximum interest rate the facility may bear, as a decimal.", expected: "pde-0077"),
        Case(name: "Interest Rate Floor", description: "The minimum interest rate the facility may bear, as a decimal.", expected: "pde-0078"),
        Case(name: "Probability of Default", description: "The institution's estimate of the one-year probability that the obligor defaults, reported as a decimal.", expected: "pde-0134"),
        Case(name: "Loss Given Default", description: "The estimated loss on the facility, as a percentage of the exposure, if the obligor defaults.", expected: "pde-0135"),
        Case(name: "Exposure at Default", description: "The estimated dollar amount of the exposure at the time of default.", expected: "pde-0136"),
        Case(name: "Renewal Date", description: "The date the credit facility was most recently renewed or extended.", expected: "pde-0017"),
        Case(name: "Guarantor Flag", description: "Indicates whether the facility is guaranteed by a third party.", expected: "pde-0020"),
        Case(name: "Guarantor Internal ID", description: "The identifier the institution assigns to the guarantor, if any.", expected: "pde-0021"),
        Case(name: "Collateral Market Value", description: "The current market value of the collateral securing the facility, in dollars.", expected: "pde-0094"),
        Case(name: "Collateral Valuation Date", description: "The date of the most recent collateral valuation.", expected: "pde-0096"),
        Case(name: "Security Type", description: "The type of collateral securing the facility.", expected: "pde-0093"),
        Case(name: "Loan to Value Ratio", description: "The current outstanding balance divided by the collateral market value, as a decimal.", expected: "pde-0097"),
        Case(name: "Outstanding Principal Balance", description: "The unpaid principal balance of the loan as of the report date, in dollars.", expected: "pde-0043"),
        Case(name: "Net Sales Current", description: "The obligor's net sales for the current fiscal year, in dollars.", expected: "pde-0593"),
        Case(name: "Date of Financials", description: "The as-of date of the obligor's financial statements used in underwriting.", expected: "pde-0592"),
        Case(name: "Total Assets", description: "The obligor's total assets as of the date of financials, in dollars.", expected: "pde-0595"),
        // Name only, as a user types it into SuggestPDEMappings.
        Case(name: "Borrower Tax ID", description: "", expected: "pde-0509"),
        Case(name: "Unused Commitment", description: "", expected: "pde-0046"),
        Case(name: "Accrued Interest", description: "", expected: "pde-0048"),
        Case(name: "Original Maturity Date", description: "", expected: "pde-0007"),
        Case(name: "Next Payment Date", description: "", expected: "pde-0031"),
        Case(name: "Cumulative Recoveries", description: "", expected: "pde-0051"),
        Case(name: "Legal Entity Identifier", description: "The 20-character LEI of the obligor, if one has been issued.", expected: "pde-0517"),
    ]
}
