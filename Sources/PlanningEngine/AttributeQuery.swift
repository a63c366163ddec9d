/// The attribute to find PDE mappings for.
public struct AttributeQuery: Sendable, Hashable, Codable {
    public var name: String
    public var description: String
    /// When `nil`, engines infer the type from the name and description.
    public var dataType: AttributeDataType?

    public init(name: String, description: String = "", dataType: AttributeDataType? = nil) {
        self.name = name
        self.description = description
        self.dataType = dataType
    }
}

extension AttributeQuery {
    /// A query for a generated attribute, carrying its name, description and type.
    public init(_ attribute: GeneratedAttribute) {
        self.init(name: attribute.name, description: attribute.description, dataType: attribute.dataType)
    }
}
