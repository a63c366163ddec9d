/// A part of a document small enough for one attribute-generation request.
struct DocumentChunk: Sendable, Hashable {
    /// The text, whole paragraphs (or lines, when a paragraph alone is over the budget).
    var text: String
    /// The section heading in effect where the chunk starts, `nil` before the first heading.
    var section: String?
    /// Whether the chunk starts inside a section that began in an earlier chunk.
    var continuesSection: Bool
}
