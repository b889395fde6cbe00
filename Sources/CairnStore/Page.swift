/// One page of a listing: the query fetches `fetchLimit` rows (one more than the page holds), the page keeps
/// `limit` of them, and the extra row only says that another page exists.
public struct Page<Item> {
    public let limit: Int
    public private(set) var items: [Item] = []
    /// A row beyond the page was found: the response carries a next token.
    public private(set) var hasMore = false

    /// `limit` is validated against the operation's maximum before it gets here.
    public init(limit: Int) {
        precondition(limit >= 0 && limit < Int(Int32.max), "page limits are validated first")
        self.limit = limit
    }

    /// The LIMIT of the query.
    public var fetchLimit: Int { limit + 1 }

    /// Keeps a row's item while the page has room; returns false (and notes that more exist) once it is full.
    public mutating func add(_ item: @autoclosure () throws -> Item) rethrows -> Bool {
        guard items.count < limit else {
            hasMore = true
            return false
        }
        items.append(try item())
        return true
    }
}
