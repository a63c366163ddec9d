public import Foundation

/// A regulatory document of a report: the instruction text attributes are generated from.
public struct DocumentRecord: Sendable, Equatable {
    /// Increasing integer key used for keyset pagination; 0 before the record is stored.
    public var rowID: Int64
    /// Resource id, "doc_...".
    public var id: String
    /// The report the document belongs to.
    public var reportID: String
    /// Title.
    public var title: String
    /// Full text; empty when read without text.
    public var text: String
    /// Length of the text in UTF-8 bytes, kept even when the text is not read.
    public var textSize: Int64
    /// The job that added the document; empty when added by hand.
    public var jobID: String
    /// When the document was added.
    public var createTime: Date

    /// A document with every field given; `textSize` defaults to the size of `text`.
    public init(
        rowID: Int64 = 0, id: String = "", reportID: String, title: String, text: String, textSize: Int64? = nil,
        jobID: String = "", createTime: Date = Date()
    ) {
        self.rowID = rowID
        self.id = id
        self.reportID = reportID
        self.title = title
        self.text = text
        self.textSize = textSize ?? Int64(text.utf8.count)
        self.jobID = jobID
        self.createTime = createTime
    }
}
