/// Infers an attribute's logical type from its name, description and allowable values.
///
/// The name is the strongest evidence ("Maturity Date" is a date whatever the prose says), then an
/// enumerated list of allowable values (so "Interest Rate Index" with `1 = SOFR; 2 = Prime` is a code,
/// not a percent), then the wording of the description.
public enum DataTypeInference {
    public static func infer(name: String, description: String, allowableValues: [String]) -> AttributeDataType {
        let nameWords = Tokenizer.words(name)
        let nameSet = Set(nameWords)
        let text = description.lowercased()

        if nameSet.contains("date") || nameSet.contains("dt") || nameSet.contains("dob") { return .date }
        if nameSet.contains("flag") || nameSet.contains("indicator") || isFlagList(allowableValues) { return .flag }
        if isEnumerated(allowableValues) { return .code }
        if nameSet.contains("id") || nameSet.contains("identifier") || nameSet.contains("tin")
            || nameSet.contains("cusip") || nameSet.contains("lei") || nameSet.contains("ssn")
        {
            return .identifier
        }
        if nameSet.contains("percent") || nameSet.contains("percentage") || nameSet.contains("ratio")
            || nameSet.contains("ltv") || nameSet.contains("pd") || nameSet.contains("lgd")
        {
            return .percent
        }
        if nameSet.contains("rate") || nameSet.contains("spread") || nameSet.contains("ceiling")
            || nameSet.contains("floor")
        {
            // "Interest Rate Index" or "Rate Type" name a code, not a rate.
            if nameSet.contains("index") || nameSet.contains("type") || nameSet.contains("variability") {
                return .code
            }
            return .percent
        }
        if nameSet.contains("code") || nameSet.contains("type") { return .code }
        let amountWords: Set<String> = ["amount", "balance", "exposure", "value", "charge", "offs", "sales", "income"]
        if !nameSet.isDisjoint(with: amountWords), !nameSet.contains("days") { return .amount }
        if nameSet.contains("days") || nameSet.contains("count") || nameSet.contains("months")
            || nameWords.starts(with: ["number", "of"])
        {
            return .number
        }
        // Fall back to the description's wording.
        if has(text, "mm/dd/yyyy", "yyyy-mm-dd", "yyyymmdd", " date ", "the date") { return .date }
        if has(text, "as a decimal", "percent", "percentage", "basis points") { return .percent }
        if has(text, "dollars", "amount", "balance", "usd", "$") { return .amount }
        if has(text, "identifier", "number assigned", "unique id", "cusip", "identification number") {
            return .identifier
        }
        if has(text, "number of", "count of", "whole number", "integer") { return .number }
        if has(text, " code", "code ") { return .code }
        return .text
    }

    private static func has(_ text: String, _ needles: String...) -> Bool {
        needles.contains { text.contains($0) }
    }

    /// Y/N, Yes/No, True/False, possibly with labels ("Y = Yes").
    static func isFlagList(_ values: [String]) -> Bool {
        guard values.count == 2 else { return false }
        let flags: Set<String> = ["y", "n", "yes", "no", "true", "false"]
        return values.allSatisfy { flags.contains(code(of: $0).lowercased()) }
    }

    /// Two or more discrete values (codes), as opposed to a format description.
    static func isEnumerated(_ values: [String]) -> Bool {
        values.count >= 2
    }

    /// The code part of "1 = Term Loan", "SOFR - Secured Overnight Financing Rate", "Y".
    static func code(of value: String) -> String {
        for separator in ["=", " - ", " – ", " — ", ":"] {
            if let range = value.firstRange(of: separator) {
                return String(value[..<range.lowerBound]).trimmed()
            }
        }
        return value.trimmed()
    }
}
