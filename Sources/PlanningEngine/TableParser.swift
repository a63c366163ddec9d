/// Markdown-table and CSV field lists for ``InstructionParser``.
enum TableParser {
    /// What a table or CSV column holds, decided from its header.
    enum Role: Hashable {
        case number, name, description, allowableValues, format
    }

    /// Roles by column index, or `nil` when the header is not a field list.
    static func roles(_ header: [String]) -> [Int: Role]? {
        var roles: [Int: Role] = [:]
        for (index, cell) in header.enumerated() {
            let h = cell.lowercased().trimmed()
            let role: Role?
            if h.contains("allowable") || h.contains("valid") || h == "values" || h.contains("codes") {
                role = .allowableValues
            } else if h.contains("description") || h.contains("definition") || h.contains("instruction") {
                role = .description
            } else if h.contains("name") || h == "attribute" || h == "data element" || h == "element" {
                role = .name
            } else if ["field", "#", "no", "no.", "item", "line", "field #", "field no", "field number", "number"]
                .contains(h)
            {
                role = .number
            } else if h.contains("format") || h.contains("type") {
                role = .format
            } else {
                role = nil
            }
            if let role, !roles.values.contains(role) { roles[index] = role }
        }
        // A lone "Field" column next to a description holds the names.
        if !roles.values.contains(.name), let numberColumn = roles.first(where: { $0.value == .number })?.key {
            roles[numberColumn] = .name
        }
        guard roles.values.contains(.name),
            roles.values.contains(.description) || roles.values.contains(.allowableValues)
        else { return nil }
        return roles
    }

    static func markdownTable(_ lines: [String], section: String?) -> [InstructionParser.Field] {
        let rows = lines.map(markdownCells).filter { cells in
            !cells.allSatisfy { cell in !cell.isEmpty && cell.allSatisfy { "-: ".contains($0) } }
        }
        guard let header = rows.first, let roles = roles(header) else { return [] }
        return rows.dropFirst().compactMap { field(from: $0, roles: roles, section: section) }
    }

    private static func markdownCells(_ line: String) -> [String] {
        var text = Substring(line.trimmed())
        if text.hasPrefix("|") { text = text.dropFirst() }
        if text.hasSuffix("|") { text = text.dropLast() }
        return text.split(separator: "|", omittingEmptySubsequences: false).map {
            $0.trimmedString().replacing("<br>", with: "; ")
        }
    }

    /// The roles of a CSV header line, or `nil` when the line is not one.
    static func csvHeader(_ line: String) -> [Int: Role]? {
        guard line.contains(","), !line.hasPrefix("|") else { return nil }
        let cells = csvCells(line)
        guard cells.count >= 2, cells.allSatisfy({ $0.count <= 40 }) else { return nil }
        return roles(cells)
    }

    static func csvRows(_ lines: [String], header: [Int: Role], section: String?) -> [InstructionParser.Field] {
        lines.compactMap { field(from: csvCells($0), roles: header, section: section) }
    }

    /// RFC 4180 cells of one line: quoted cells may contain commas and doubled quotes.
    static func csvCells(_ line: String) -> [String] {
        var cells: [String] = []
        var current = ""
        var quoted = false
        var characters = Array(line.trimmed())[...]
        while let character = characters.popFirst() {
            if quoted {
                if character == "\"" {
                    if characters.first == "\"" {
                        current.append("\"")
                        characters.removeFirst()
                    } else {
                        quoted = false
                    }
                } else {
                    current.append(character)
                }
            } else if character == "\"" {
                quoted = true
            } else if character == "," {
                cells.append(current.trimmed())
                current = ""
            } else {
                current.append(character)
            }
        }
        cells.append(current.trimmed())
        return cells
    }

    private static func field(from cells: [String], roles: [Int: Role], section: String?) -> InstructionParser.Field? {
        func cell(_ role: Role) -> String {
            guard let index = roles.first(where: { $0.value == role })?.key, index < cells.count else { return "" }
            return cells[index]
        }
        let name = InstructionParser.cleanName(cell(.name))
        guard !name.isEmpty else { return nil }
        var description = cell(.description)
        var values: [String] = []
        let allowable = cell(.allowableValues)
        if let list = InstructionParser.valueList(allowable) {
            values = list
        } else if !allowable.isEmpty {
            description += (description.isEmpty ? "" : " ") + "Allowable values: \(allowable)"
        }
        let format = cell(.format)
        if !format.isEmpty {
            description += (description.isEmpty ? "" : " ") + "Format: \(format)"
        }
        let number = cell(.number)
        return InstructionParser.Field(
            name: name,
            description: description.collapsingWhitespace(),
            allowableValues: values,
            fieldNumber: number.isEmpty ? nil : number,
            section: section
        )
    }
}
