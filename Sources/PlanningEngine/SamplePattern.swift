/// Shapes of sensitive sample values, and how to show one in a rationale without leaking it.
enum SamplePattern {
    case ssn, ein, email, streetAddress, longNumber

    func matches(_ value: String) -> Bool {
        // Cheap shape checks first: Swift Regex costs tens of microseconds per call.
        switch self {
        case .ssn, .ein:
            guard value.count == 11 || value.count == 10, value.allSatisfy({ $0.isNumber || $0 == "-" }) else {
                return false
            }
        case .email:
            guard value.contains("@") else { return false }
        case .streetAddress:
            guard value.first?.isNumber == true, value.contains(" ") else { return false }
        case .longNumber:
            guard value.count >= 8, value.count <= 17 else { return false }
        }
        return switch self {
        case .ssn:
            value.wholeMatch(of: #/\d{3}-\d{2}-\d{4}/#) != nil
        case .ein:
            value.wholeMatch(of: #/\d{2}-\d{7}/#) != nil
        case .email:
            value.wholeMatch(of: #/[^@\s]+@[^@\s]+\.[A-Za-z]{2,}/#) != nil
        case .streetAddress:
            value.wholeMatch(
                of: #/\d+\s+[A-Za-z0-9 .]+\s(?i:st|street|ave|avenue|rd|road|blvd|lane|dr|drive|way|ct)\.?(\s.*)?/#
            ) != nil
        case .longNumber:
            value.wholeMatch(of: #/[\dX*]{8,17}/#) != nil
        }
    }

    /// The value with all but its last four characters masked: "123-45-6789" -> "***-**-6789".
    func masked(_ value: String) -> String {
        let keep = max(0, value.count - 4)
        return String(value.enumerated().map { index, character in
            index < keep && (character.isLetter || character.isNumber) ? "*" : character
        })
    }
}
