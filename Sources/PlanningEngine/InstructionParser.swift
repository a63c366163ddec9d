/// Finds field definitions in regulatory instruction text.
///
/// Recognized, in any mix within one document:
/// - numbered field lists: "Field 12. Outstanding Balance: ...", "12. Outstanding Balance — ...",
///   "Item 12 Outstanding Balance" with the description on the following lines;
/// - Markdown tables and CSV blocks whose header names a name column and a description or
///   allowable-values column;
/// - definition paragraphs: "**Term** means ...", "Term means ...", "Term: definition".
///
/// Allowable values come from "Allowable values: ..." lines, bullet lists of codes under an entry,
/// or a table/CSV column. The section of a field is the nearest preceding Markdown heading or
/// "Section X" / "Part X" line.
struct InstructionParser: Sendable {
    /// A field as written, before type inference and CDE rules.
    struct Field: Sendable, Hashable {
        var name: String
        var description: String
        var allowableValues: [String]
        var fieldNumber: String?
        var section: String?
    }

    func parse(_ text: String) -> [Field] {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            line.hasSuffix("\r") ? String(line.dropLast()) : String(line)
        }
        var fields: [Field] = []
        var section: String?
        var index = 0
        while index < lines.count {
            let line = lines[index].trimmed()
            if line.isEmpty {
                index += 1
            } else if let heading = Self.heading(line) {
                section = heading
                index += 1
            } else if line.hasPrefix("|") {
                var end = index
                while end < lines.count, lines[end].trimmed().hasPrefix("|") { end += 1 }
                fields += TableParser.markdownTable(Array(lines[index..<end]), section: section)
                index = end
            } else if let header = TableParser.csvHeader(line) {
                var end = index + 1
                while end < lines.count, !lines[end].trimmed().isEmpty, Self.heading(lines[end].trimmed()) == nil {
                    end += 1
                }
                fields += TableParser.csvRows(Array(lines[(index + 1)..<end]), header: header, section: section)
                index = end
            } else if let entry = Self.numberedEntry(line) ?? Self.definition(line) {
                let body = collectBody(lines, from: index + 1, isDefinition: entry.number == nil)
                var description = entry.rest
                if !body.description.isEmpty {
                    description += (description.isEmpty ? "" : " ") + body.description
                }
                var values = entry.values + body.values
                if values.isEmpty, let inline = Self.inlineValues(in: description) {
                    description = inline.description
                    values = inline.values
                }
                fields.append(
                    Field(
                        name: entry.name,
                        description: description.collapsingWhitespace(),
                        allowableValues: values,
                        fieldNumber: entry.number,
                        section: section
                    )
                )
                index = body.next
            } else {
                index += 1
            }
        }
        return fields
    }

    // MARK: - Entry bodies

    private struct Body {
        var description = ""
        var values: [String] = []
        var next: Int
    }

    /// The continuation lines of an entry: prose, "Allowable values:" lines and bullet lists of codes.
    /// Ends at a blank line (unless a value list follows it), a heading, a table or the next entry.
    private func collectBody(_ lines: [String], from start: Int, isDefinition: Bool) -> Body {
        var body = Body(next: start)
        var parts: [String] = []
        var inValues = false
        var index = start
        while index < lines.count {
            let line = lines[index].trimmed()
            if line.isEmpty {
                var next = index + 1
                while next < lines.count, lines[next].trimmed().isEmpty { next += 1 }
                guard next < lines.count else { break }
                let following = lines[next].trimmed()
                if Self.allowableIntro(following) != nil || (inValues && Self.bullet(following) != nil) {
                    index = next
                    continue
                }
                break
            }
            if Self.heading(line) != nil || line.hasPrefix("|") || TableParser.csvHeader(line) != nil
                || Self.numberedEntry(line) != nil || line.hasPrefix("**")
                || (isDefinition && Self.definition(line) != nil)
            {
                break
            }
            if let rest = Self.allowableIntro(line) {
                inValues = true
                if let values = Self.valueList(rest) {
                    body.values += values
                } else if !rest.isEmpty {
                    parts.append("Allowable values: \(rest)")
                }
            } else if let item = Self.bullet(line) {
                if inValues || Self.looksLikeCode(item) {
                    body.values.append(item)
                } else {
                    parts.append(item)
                }
            } else {
                parts.append(line)
            }
            index += 1
        }
        body.description = parts.joined(separator: " ")
        body.next = max(index, start)
        return body
    }

    // MARK: - Line recognizers

    /// A Markdown heading, or a short "Section B: ..." / "Part II ..." line, without decoration.
    static func heading(_ line: String) -> String? {
        if line.hasPrefix("#") {
            let text = line.drop { $0 == "#" }.trimmedString()
            return text.isEmpty ? nil : stripBold(text)
        }
        let plain = stripBold(line)
        // Cheap checks first: Swift Regex costs microseconds per line.
        guard plain.count <= 90, !plain.hasSuffix("."), let first = plain.first, "SsPp".contains(first) else {
            return nil
        }
        let pattern = #/(?i:section|part|schedule)\s+[A-Z0-9][A-Za-z0-9.\-]*(\s*[:.\-—–]\s*.*|\s+.*)?/#
        if plain.wholeMatch(of: pattern) != nil {
            return plain
        }
        return nil
    }

    struct Entry {
        var name: String
        var rest: String
        var values: [String] = []
        var number: String?
    }

    /// "Field 12. Name: description", "Item 12 Name", "12. Name — description".
    static func numberedEntry(_ line: String) -> Entry? {
        let plain = stripBold(line)
        guard let first = plain.first, first.isNumber || "FfIiLlEeDd".contains(first) else { return nil }
        var number: String
        var rest: String
        var explicit: Bool
        if let match = plain.wholeMatch(
            of: #/(?i:field|item|line|element|data element)\s*#?\s*(\d{1,3}[a-zA-Z]?)\s*[.:)\-—–]?\s+(.+)/#)
        {
            number = String(match.1)
            rest = String(match.2)
            explicit = true
        } else if let match = plain.wholeMatch(of: #/(\d{1,3}[a-z]?)[.)]\s+(.+)/#) {
            number = String(match.1)
            rest = String(match.2)
            explicit = false
        } else {
            return nil
        }
        guard let (name, description) = splitNameAndDescription(rest) else { return nil }
        // A bare "3. Submit the file..." is an instruction list, not a field: field names are title case.
        if !explicit, !isTitleCase(name) { return nil }
        number = number.uppercased() == number ? number : number.lowercased()
        return Entry(name: name, rest: description, number: number)
    }

    /// "**Term** means ...", "**Term**: ...", "Term means ...", "Term: definition".
    static func definition(_ line: String) -> Entry? {
        if line.hasPrefix("**") {
            let afterOpen = line.dropFirst(2)
            guard let close = afterOpen.firstRange(of: "**") else { return nil }
            var term = afterOpen[..<close.lowerBound].trimmedString()
            while let last = term.last, ":.".contains(last) { term.removeLast() }
            var rest = afterOpen[close.upperBound...].trimmedString()
            while let first = rest.first, ":—–-.".contains(first) { rest = String(rest.dropFirst()).trimmed() }
            rest = droppingDefiningVerb(rest)
            guard !term.isEmpty, wordCount(term) <= 8, !isStopTerm(term) else { return nil }
            return Entry(name: term, rest: rest)
        }
        guard let first = line.first, first.isUppercase else { return nil }
        if line.contains(" means ") || line.contains(" refers to ") || line.contains(" shall mean "),
            let match = line.wholeMatch(
                of: #/([A-Z][A-Za-z0-9 ,\/'()&\-]{1,60}?)\s+(?:means|refers to|shall mean)\s+(.+)/#),
            wordCount(String(match.1)) <= 6, !isStopTerm(String(match.1))
        {
            return Entry(name: String(match.1).trimmed(), rest: droppingDefiningVerb("means " + String(match.2)))
        }
        if line.contains(": "), let match = line.wholeMatch(of: #/([A-Z][A-Za-z0-9 \/'()&\-]{1,60}):\s+(\S.*)/#) {
            let term = String(match.1).trimmed()
            guard wordCount(term) <= 6, isTitleCase(term), !isStopTerm(term) else { return nil }
            return Entry(name: term, rest: String(match.2))
        }
        return nil
    }

    /// The text after "Allowable values:" (possibly empty), or `nil` when the line is not such an intro.
    static func allowableIntro(_ line: String) -> String? {
        let plain = stripBold(line)
        let lower = plain.prefix(12).lowercased()
        guard ["allowable", "valid", "permitted", "allowed", "acceptable", "values", "codes"].contains(where: {
            lower.hasPrefix($0)
        }) else { return nil }
        if let match = plain.wholeMatch(
            // The guard above checked the first word.
            of: #/(?i:[a-z]+(?:\s+(?:values|codes))?)\s*(?i:are|include)?\s*[:\-—–]?\s*(.*)/#
        )
        {
            return String(match.1).trimmed()
        }
        return nil
    }

    /// "Indicates ... Allowable values: Y or N." -> the values, and the description without them.
    static func inlineValues(in description: String) -> (description: String, values: [String])? {
        guard let match = description.firstMatch(of: #/(?i:allowable values|valid values)\s*:\s*(.+)$/#),
            let values = valueList(String(match.1))
        else { return nil }
        return (String(description[..<match.range.lowerBound]).trimmed(), values)
    }

    static func bullet(_ line: String) -> String? {
        guard let first = line.first, "-*•".contains(first) else { return nil }
        let rest = line.dropFirst()
        guard rest.first == " " else { return nil }
        let item = rest.trimmedString()
        return item.isEmpty ? nil : item
    }

    /// "1 = Term Loan", "SOFR - Secured Overnight Financing Rate", "Y: Yes".
    static func looksLikeCode(_ item: String) -> Bool {
        item.prefixMatch(of: #/[A-Za-z0-9]{1,6}\s*(=|-|–|—|:)\s*\S/#) != nil
    }

    /// Splits an inline value list ("1 = Fixed; 2 = Floating", "Y, N", "Y/N"); `nil` for a format
    /// ("MM/DD/YYYY", "in dollars") or prose, which belongs in the description.
    static func valueList(_ text: String) -> [String]? {
        let text = text.trimmed()
        guard !text.isEmpty else { return nil }
        let lower = text.lowercased()
        let formatWords = ["yyyy", "dollar", "decimal", "numeric", "whole number", "text", "free form", "percent"]
        if formatWords.contains(where: { lower.contains($0) }), !text.contains("=") { return nil }
        var items: [String]
        if text.contains(";") {
            items = text.split(separator: ";").map { $0.trimmedString() }
        } else if text.contains(",") {
            items = text.split(separator: ",").map { $0.trimmedString() }
        } else if text.wholeMatch(of: #/\w{1,5}(\s*\/\s*\w{1,5})+\.?/#) != nil {
            items = text.split(separator: "/").map { $0.trimmedString() }
        } else if text.wholeMatch(of: #/\w{1,5}(\s+or\s+\w{1,5})+\.?/#) != nil {
            items = text.split(separator: " ").filter { $0 != "or" }.map { $0.trimmedString() }
        } else {
            items = [text]
        }
        items = items.map { item in
            var item = item
            while let last = item.last, ".".contains(last) { item.removeLast() }
            return item
        }.filter { !$0.isEmpty }
        // A list of long phrases is prose that happens to contain commas.
        guard items.allSatisfy({ wordCount($0) <= 8 }) else { return nil }
        return items
    }

    // MARK: - Helpers

    static func splitNameAndDescription(_ text: String) -> (String, String)? {
        let separators = [": ", " — ", " – ", " - ", " -- ", "—", "–"]
        var best: Range<String.Index>?
        for separator in separators {
            if let range = text.firstRange(of: separator), best.map({ range.lowerBound < $0.lowerBound }) ?? true {
                best = range
            }
        }
        if text.hasSuffix(":") {
            let name = cleanName(String(text.dropLast()))
            return wordCount(name) <= 10 ? (name, "") : nil
        }
        if let best {
            let name = cleanName(String(text[..<best.lowerBound]))
            if !name.isEmpty, wordCount(name) <= 10 {
                return (name, String(text[best.upperBound...]).trimmed())
            }
        }
        let name = cleanName(text)
        return wordCount(name) <= 8 && !name.hasSuffix(".") ? (name, "") : nil
    }

    static func cleanName(_ text: String) -> String {
        var name = stripBold(text).trimmed()
        while let last = name.last, ":*".contains(last) { name.removeLast() }
        return name.trimmed()
    }

    static func stripBold(_ text: String) -> String {
        text.replacing("**", with: "").replacing("__", with: "").trimmed()
    }

    /// "means the estimate ..." -> "The estimate ...".
    static func droppingDefiningVerb(_ text: String) -> String {
        for verb in ["means ", "is ", "refers to ", "shall mean ", "represents ", "are "] where text.hasPrefix(verb) {
            let rest = text.dropFirst(verb.count)
            return (rest.first.map { String($0).uppercased() } ?? "") + rest.dropFirst()
        }
        return text
    }

    static func wordCount(_ text: String) -> Int {
        text.split(whereSeparator: \.isWhitespace).count
    }

    /// Most significant words (longer than three letters) start with a capital: "Days Principal or Interest Past Due".
    static func isTitleCase(_ text: String) -> Bool {
        let words = text.split(whereSeparator: { $0.isWhitespace || $0 == "-" || $0 == "/" }).filter { $0.count > 3 }
        guard !words.isEmpty else { return text.first?.isUppercase ?? false }
        let capitalized = words.filter { $0.first?.isUppercase ?? false }.count
        return Double(capitalized) >= 0.6 * Double(words.count)
    }

    private static let stopTerms: Set<String> = [
        "note", "notes", "example", "examples", "allowable values", "valid values", "values", "format", "source",
        "see", "see also", "important", "purpose", "scope", "reference", "references", "frequency", "definition",
        "definitions", "instructions", "general", "caution", "warning", "tip", "codes", "effective", "as of",
        "submission", "submission date", "reporting period", "due date",
    ]

    static func isStopTerm(_ term: String) -> Bool {
        stopTerms.contains(term.lowercased().trimmed())
    }
}
