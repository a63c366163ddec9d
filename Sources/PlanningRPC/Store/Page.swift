/// Which page of a list to read: keyset pagination on the records' increasing row id.
///
/// Keyset rather than offset pagination so that rows inserted while a client pages neither shift later pages
/// (no row seen twice) nor push rows out of them (no row skipped among those that existed at the start).
public struct PageRequest: Sendable, Equatable {
    /// The default page size when a request gives none.
    public static let defaultSize = 50
    /// The largest page size served; larger requests are capped.
    public static let maximumSize = 1000

    /// Number of items wanted, already clamped to 1...maximumSize.
    public var size: Int
    /// The row id after which the page starts (in the list's order), or nil for the first page.
    public var after: Int64?

    /// A page of `size` items (0 or less means the default, more than the maximum is capped) after `after`.
    public init(size: Int = PageRequest.defaultSize, after: Int64? = nil) {
        self.size = size <= 0 ? Self.defaultSize : min(size, Self.maximumSize)
        self.after = after
    }
}

/// One page of a list.
public struct Page<Item: Sendable>: Sendable {
    /// The items, in the list's order.
    public var items: [Item]
    /// The cursor for the next page, or nil when this is the last page.
    public var nextCursor: Int64?

    /// A page of items with the cursor of the next one.
    public init(items: [Item], nextCursor: Int64?) {
        self.items = items
        self.nextCursor = nextCursor
    }
}

extension Page: Equatable where Item: Equatable {}
