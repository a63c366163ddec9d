extension SampleData {
    /// Instructions for a loan-level schedule of corporate credit facilities: general instructions,
    /// numbered field lists in three styles, a Markdown table and definition paragraphs.
    public static let loanScheduleDocument = """
        # Schedule H.1: Corporate Loan Data

        ## General Instructions

        This schedule collects loan-level data on corporate credit facilities held for investment or
        held for sale with a committed balance of $1 million or more as of the report date. Report one
        record per credit facility. A credit facility with multiple draws is reported once, with the
        balances aggregated across draws.

        Dates are reported in the format MM/DD/YYYY. Amounts are reported in U.S. dollars, rounded to
        the nearest whole dollar; facilities denominated in other currencies are converted at the
        exchange rate on the report date. Rates are reported as decimals (for example, 5.25% is
        reported as 0.0525).

        1. Submit the schedule within 45 days after the end of each calendar quarter.
        2. Resubmissions must contain the complete population, not only the corrected records.

        Note: Fields marked as mandatory must never be left blank; use the codes provided for unknown values.

        ## Section A: Obligor Information

        Field 1. Customer ID: The unique identifier assigned by the reporting institution to the customer. \
        The identifier must be consistent across reporting periods. This field is mandatory.
        Field 2. Internal Obligor ID: The identifier the institution's internal rating system assigns to the \
        obligor. Required for every credit facility.
        Field 3. Obligor Name: The legal name of the obligor as it appears on the credit agreement.
        Field 4. City: The city of the obligor's principal place of business.
        Field 5. Country: The country of the obligor's principal place of business, as a two-letter ISO 3166 code.
        Field 6. Zip Code: The five-digit U.S. postal code of the obligor's principal place of business. \
        Leave blank for obligors domiciled outside the United States.
        Field 7. Industry Code: The six-digit NAICS code describing the obligor's primary business activity.
        Field 8. Internal Risk Rating: The obligor's current internal risk rating grade under the institution's \
        rating system. This field is required.
        Field 9. TIN: The taxpayer identification number of the obligor, as assigned by the Internal Revenue \
        Service (EIN or SSN). Format: NN-NNNNNNN.
        Field 10. Stock Exchange: The exchange on which the obligor's common stock is primarily traded.
        Allowable values: NYSE; NASDAQ; OTC; Other; Not listed

        ## Section B: Credit Facility Information

        11. Internal Credit Facility ID — The identifier the institution uses to track the credit facility. \
        Must be unique within the submission and stable over time.
        12. Origination Date — The date the credit facility was originated (MM/DD/YYYY).
        13. Maturity Date — The date on which the credit facility matures, considering all extensions \
        already granted, in MM/DD/YYYY format.
        14. Credit Facility Type — The type of the credit facility.
        Allowable values:
        - 1 = Revolving credit
        - 2 = Term loan
        - 3 = Standby letter of credit
        - 4 = Other
        15. Credit Facility Purpose — The purpose of the credit facility as stated in the credit agreement.
        - 1 = Working capital
        - 2 = Acquisition financing
        - 3 = Real estate investment
        - 4 = Other purpose
        16. Committed Exposure Global — The total amount of the commitment, drawn and undrawn, in dollars.
        17. Utilized Exposure Global — The amount of the commitment currently drawn (outstanding), in dollars.
        18. Line of Business — The name of the internal line of business that originated the facility.

        Item 19 Cumulative Charge-offs
        The cumulative amount of principal charged off against the credit facility since origination, \
        in dollars. Charge-offs are reported as positive amounts.

        Item 20 Days Principal or Interest Past Due
        The number of days that principal or interest payments are contractually past due as of the \
        report date. Report 0 for current facilities.

        Item 21 Non-Accrual Date
        The date the credit facility was placed on non-accrual status (MM/DD/YYYY).

        Item 22 Participation Flag
        Indicates whether the facility is a participation purchased from another lender.
        Allowable values: Y, N

        Item 23 Lien Position
        The lien position of the institution's claim on the collateral.
        Allowable values: 1 = First lien; 2 = Second lien; 3 = Junior lien; 4 = Unsecured

        Item 24 Credit Facility Currency
        The currency in which the credit facility is denominated, as a three-letter ISO 4217 code.

        ## Section C: Interest Rate Terms

        | Field | Name | Description | Allowable Values |
        | --- | --- | --- | --- |
        | 25 | Interest Rate Variability | Whether the interest rate is fixed, floating or mixed. | 1 = Fixed; 2 = Floating; 3 = Mixed |
        | 26 | Interest Rate | The current interest rate on the facility, as a decimal. | |
        | 27 | Interest Rate Index | The index to which a floating interest rate is tied. | 1 = SOFR; 2 = Prime; 3 = Other |
        | 28 | Interest Rate Spread | The spread over the index for floating-rate facilities, as a decimal. | |
        | 29 | Interest Rate Ceiling | The maximum interest rate the facility may bear, as a decimal. | |
        | 30 | Interest Rate Floor | The minimum interest rate the facility may bear, as a decimal. | |

        ## Section D: Risk Parameters

        **Probability of Default** means the institution's estimate of the one-year probability that the \
        obligor defaults, reported as a decimal.
        **Loss Given Default** means the estimated loss on the facility, as a percentage of the exposure, \
        if the obligor defaults, reported as a decimal.
        **Exposure at Default** means the estimated dollar amount of the exposure at the time of default.
        Renewal Date: The date the credit facility was most recently renewed or extended (MM/DD/YYYY).
        Guarantor Flag: Indicates whether the facility is guaranteed by a third party. Allowable values: Y or N.
        Guarantor Internal ID: The identifier the institution assigns to the guarantor, if any.
        """

    /// A CSV supplement on collateral; repeats "Lien Position" to exercise merging across documents.
    public static let collateralSupplementDocument = """
        # Collateral Supplement

        Field,Name,Description,Allowable Values
        31,Collateral Market Value,"The current market value of the collateral securing the facility, in dollars.",
        32,Collateral Valuation Date,The date of the most recent collateral valuation (MM/DD/YYYY).,
        33,Security Type,The type of collateral securing the facility.,"1 = Real estate; 2 = Receivables; 3 = Equipment; 4 = Cash; 5 = Unsecured"
        34,Loan to Value Ratio,"The current outstanding balance divided by the collateral market value, as a decimal.",
        23,Lien Position,The lien position of the institution's claim on the collateral.,1 = First lien; 2 = Second lien; 3 = Junior lien; 4 = Unsecured
        """
}
