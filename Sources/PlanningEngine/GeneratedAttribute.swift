/// A test attribute (a data point to test) found in an instruction document.
public struct GeneratedAttribute: Sendable, Hashable, Codable {
    /// The attribute name as written in the document, e.g. "Outstanding Balance".
    public var name: String
    /// The definition or instructions for the attribute, whitespace-normalized.
    public var description: String
    public var dataType: AttributeDataType
    /// Whether the attribute is a critical data element under the engine's ``CDERules``.
    public var isCriticalDataElement: Bool
    /// Allowable values as written, e.g. `["1 = Term Loan", "2 = Revolver"]` or `["Y", "N"]`.
    public var allowableValues: [String]
    /// The ``SourceDocument/id`` the attribute came from (the first one when merged).
    public var documentId: String
    /// The nearest preceding heading, or `nil` when the document has none before the attribute.
    public var section: String?
    /// The field number when the document numbers its fields ("12", "12a").
    public var fieldNumber: String?

    public init(
        name: String,
        description: String,
        dataType: AttributeDataType,
        isCriticalDataElement: Bool,
        allowableValues: [String] = [],
        documentId: String,
        section: String? = nil,
        fieldNumber: String? = nil
    ) {
        self.name = name
        self.description = description
        self.dataType = dataType
        self.isCriticalDataElement = isCriticalDataElement
        self.allowableValues = allowableValues
        self.documentId = documentId
        self.section = section
        self.fieldNumber = fieldNumber
    }
}
