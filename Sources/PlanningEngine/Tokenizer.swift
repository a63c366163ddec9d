/// Splits text and identifiers into lower-case word pieces.
///
/// Column names are split like prose: `LN_CURR_BAL_AMT` -> `ln curr bal amt`, `loanCurrBal2` ->
/// `loan curr bal 2`, `XMLFile` -> `xml file`, `charge-off` -> `charge off`.
public enum Tokenizer {
    private enum Kind {
        case upper, lower, digit, other
    }

    private static func kind(of character: Character) -> Kind {
        if character.isNumber, character.isASCII { return .digit }
        if character.isLetter {
            return character.isUppercase ? .upper : .lower
        }
        return .other
    }

    /// The word pieces of `text`, lower-cased, in order.
    public static func words(_ text: String) -> [String] {
        var words: [String] = []
        var current = ""
        var previous: Kind = .other
        let characters = Array(text)
        func flush() {
            if !current.isEmpty {
                words.append(current.lowercased())
                current = ""
            }
        }
        for (index, character) in characters.enumerated() {
            let kind = kind(of: character)
            switch kind {
            case .other:
                flush()
            case .digit:
                if previous == .upper || previous == .lower { flush() }
                current.append(character)
            case .lower:
                if previous == .digit { flush() }
                current.append(character)
            case .upper:
                if previous == .digit || previous == .lower {
                    flush()
                } else if previous == .upper, index + 1 < characters.count,
                    Self.kind(of: characters[index + 1]) == .lower
                {
                    // "XMLFile": the upper-case letter before a lower-case one starts a new word.
                    flush()
                }
                current.append(character)
            }
            previous = kind
        }
        flush()
        return words
    }
}
