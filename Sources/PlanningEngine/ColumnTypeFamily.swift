/// The family of a physical column type, enough to judge compatibility with an attribute type.
public enum ColumnTypeFamily: String, Sendable, Hashable, CaseIterable {
    case decimal, integer, date, timestamp, character, boolean, unknown

    /// Classifies a declared type such as "DECIMAL(18,2)", "NUMBER(10)", "VARCHAR2(40)", "TIMESTAMP".
    public init(declaredType: String) {
        let type = declaredType.uppercased()
        let base = type.split(separator: "(").first.map(String.init) ?? type
        func has(_ words: String...) -> Bool { words.contains { base.contains($0) } }
        if has("TIMESTAMP", "DATETIME") {
            self = .timestamp
        } else if has("DATE") {
            self = .date
        } else if has("BOOL", "BIT") {
            self = .boolean
        } else if has("DEC", "NUMERIC", "MONEY", "FLOAT", "DOUBLE", "REAL") {
            self = .decimal
        } else if has("NUMBER") {
            // Oracle NUMBER(p,s) with a scale is a decimal, NUMBER(p) an integer.
            self = type.contains(",") ? .decimal : .integer
        } else if has("INT", "SERIAL") {
            self = .integer
        } else if has("CHAR", "TEXT", "STRING", "CLOB") {
            self = .character
        } else {
            self = .unknown
        }
    }

    /// How well a column of this family can hold an attribute of `type`: 1 ideal, 0 implausible.
    public func compatibility(with type: AttributeDataType) -> Double {
        switch (type, self) {
        case (_, .unknown): 0.5
        case (.amount, .decimal), (.percent, .decimal), (.date, .date), (.number, .integer): 1
        case (.identifier, .character), (.code, .character), (.text, .character), (.flag, .boolean): 1
        case (.flag, .character): 0.9
        case (.date, .timestamp), (.identifier, .integer), (.number, .decimal): 0.8
        case (.code, .integer), (.amount, .integer): 0.6
        case (.flag, .integer), (.percent, .integer): 0.4
        case (.date, .character), (.number, .character), (.text, .integer): 0.3
        default: 0
        }
    }
}
