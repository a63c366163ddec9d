/// What ``PlanningEngine/generateAttributes(from:options:)`` reports, in document order.
///
/// The events let a job report progress per document and per section and persist each attribute as
/// soon as it is found. Every attribute is emitted once: an attribute found again in a later
/// document (same normalized name) is reported as ``duplicate(name:documentId:section:)`` instead.
public enum AttributeGenerationEvent: Sendable, Hashable {
    /// Work on document `index` (0-based) of `count` begins.
    case documentStarted(documentId: String, index: Int, count: Int)
    /// The following attributes come from this section.
    case sectionStarted(documentId: String, section: String)
    /// A new attribute.
    case attribute(GeneratedAttribute)
    /// An attribute already emitted (under `name`) was found again in this document and section.
    case duplicate(name: String, documentId: String, section: String?)
    /// Work on the document is done; `attributeCount` new attributes came from it.
    case documentFinished(documentId: String, attributeCount: Int)
}
