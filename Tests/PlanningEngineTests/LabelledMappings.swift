@testable import PlanningEngine

/// Attributes of the sample schedule (and a few differently worded ones) with the PDE an analyst
/// would map each to in ``SampleData/pdeCatalog``. Several have a plausible runner-up on purpose
/// (`CUST.INT_OBLGR_ID` for Internal Obligor ID, `LN_HIST` copies of `LN_BAL` columns).
enum LabelledMappings {
    struct Case: Sendable {
        var name: String
        var description: String
        var expected: String

        init(_ name: String, _ expected: String, _ description: String) {
            self.name = name
            self.description = description
            self.expected = expected
        }

        var query: AttributeQuery { AttributeQuery(name: name, description: description) }
    }

    static let cases: [Case] = [
        Case("Customer ID", "pde-0501",
             "The unique identifier assigned by the reporting institution to the customer."),
        Case("Internal Obligor ID", "pde-0005",
             "The identifier the institution's internal rating system assigns to the obligor."),
        Case("Obligor Name", "pde-0503",
             "The legal name of the obligor as it appears on the credit agreement."),
        Case("City", "pde-0545",
             "The city of the obligor's principal place of business."),
        Case("Country", "pde-0548",
             "The country of the obligor's principal place of business, as a two-letter ISO 3166 code."),
        Case("Zip Code", "pde-0547",
             "The five-digit U.S. postal code of the obligor's principal place of business."),
        Case("Industry Code", "pde-0512",
             "The six-digit NAICS code describing the obligor's primary business activity."),
        Case("Internal Risk Rating", "pde-0132",
             "The obligor's current internal risk rating grade under the institution's rating system."),
        Case("TIN", "pde-0509",
             "The taxpayer identification number of the obligor, as assigned by the Internal Revenue Service "
             + "(EIN or SSN)."),
        Case("Stock Exchange", "pde-0515",
             "The exchange on which the obligor's common stock is primarily traded."),
        Case("Internal Credit Facility ID", "pde-0002",
             "The identifier the institution uses to track the credit facility."),
        Case("Origination Date", "pde-0006",
             "The date the credit facility was originated (MM/DD/YYYY)."),
        Case("Maturity Date", "pde-0008",
             "The date on which the credit facility matures, considering all extensions already granted."),
        Case("Credit Facility Type", "pde-0010",
             "The type of the credit facility."),
        Case("Credit Facility Purpose", "pde-0011",
             "The purpose of the credit facility as stated in the credit agreement."),
        Case("Committed Exposure Global", "pde-0045",
             "The total amount of the commitment, drawn and undrawn, in dollars."),
        Case("Utilized Exposure Global", "pde-0047",
             "The amount of the commitment currently drawn (outstanding), in dollars."),
        Case("Line of Business", "pde-0012",
             "The name of the internal line of business that originated the facility."),
        Case("Cumulative Charge-offs", "pde-0049",
             "The cumulative amount of principal charged off against the credit facility since origination, in"
             + " dollars."),
        Case("Days Principal or Interest Past Due", "pde-0112",
             "The number of days that principal or interest payments are contractually past due as of the "
             + "report date."),
        Case("Non-Accrual Date", "pde-0018",
             "The date the credit facility was placed on non-accrual status."),
        Case("Participation Flag", "pde-0014",
             "Indicates whether the facility is a participation purchased from another lender."),
        Case("Lien Position", "pde-0015",
             "The lien position of the institution's claim on the collateral."),
        Case("Credit Facility Currency", "pde-0013",
             "The currency in which the credit facility is denominated, as a three-letter ISO 4217 code."),
        Case("Interest Rate Variability", "pde-0074",
             "Whether the interest rate is fixed, floating or mixed."),
        Case("Interest Rate", "pde-0072",
             "The current interest rate on the facility, as a decimal."),
        Case("Interest Rate Index", "pde-0075",
             "The index to which a floating interest rate is tied."),
        Case("Interest Rate Spread", "pde-0076",
             "The spread over the index for floating-rate facilities, as a decimal."),
        Case("Interest Rate Ceiling", "pde-0077",
             "The maximum interest rate the facility may bear, as a decimal."),
        Case("Interest Rate Floor", "pde-0078",
             "The minimum interest rate the facility may bear, as a decimal."),
        Case("Probability of Default", "pde-0134",
             "The institution's estimate of the one-year probability that the obligor defaults, reported as a "
             + "decimal."),
        Case("Loss Given Default", "pde-0135",
             "The estimated loss on the facility, as a percentage of the exposure, if the obligor defaults."),
        Case("Exposure at Default", "pde-0136",
             "The estimated dollar amount of the exposure at the time of default."),
        Case("Renewal Date", "pde-0017",
             "The date the credit facility was most recently renewed or extended."),
        Case("Guarantor Flag", "pde-0020",
             "Indicates whether the facility is guaranteed by a third party."),
        Case("Guarantor Internal ID", "pde-0021",
             "The identifier the institution assigns to the guarantor, if any."),
        Case("Collateral Market Value", "pde-0094",
             "The current market value of the collateral securing the facility, in dollars."),
        Case("Collateral Valuation Date", "pde-0096",
             "The date of the most recent collateral valuation."),
        Case("Security Type", "pde-0093",
             "The type of collateral securing the facility."),
        Case("Loan to Value Ratio", "pde-0097",
             "The current outstanding balance divided by the collateral market value, as a decimal."),
        Case("Outstanding Principal Balance", "pde-0043",
             "The unpaid principal balance of the loan as of the report date, in dollars."),
        Case("Net Sales Current", "pde-0593",
             "The obligor's net sales for the current fiscal year, in dollars."),
        Case("Date of Financials", "pde-0592",
             "The as-of date of the obligor's financial statements used in underwriting."),
        Case("Total Assets", "pde-0595",
             "The obligor's total assets as of the date of financials, in dollars."),
        // Name only, as a user types it into SuggestPDEMappings.
        Case("Borrower Tax ID", "pde-0509", ""),
        Case("Unused Commitment", "pde-0046", ""),
        Case("Accrued Interest", "pde-0048", ""),
        Case("Original Maturity Date", "pde-0007", ""),
        Case("Next Payment Date", "pde-0031", ""),
        Case("Cumulative Recoveries", "pde-0051", ""),
        Case("Legal Entity Identifier", "pde-0517",
             "The 20-character LEI of the obligor, if one has been issued."),
    ]
}
