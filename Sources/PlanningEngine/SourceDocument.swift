/// A regulatory instruction document (or a part of one) that attributes are generated from.
public struct SourceDocument: Sendable, Hashable, Codable {
    /// Stable identifier, echoed in every ``GeneratedAttribute/documentId``.
    public var id: String
    /// Human-readable title, e.g. "FR Y-14Q Schedule H.1 Instructions".
    public var title: String
    /// The full text: plain text, Markdown, or CSV blocks; formats may be mixed.
    public var text: String

    public init(id: String, title: String, text: String) {
        self.id = id
        self.title = title
        self.text = text
    }
}
