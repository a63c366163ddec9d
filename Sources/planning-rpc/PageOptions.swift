import ArgumentParser

/// Paging options of the list commands.
struct PageOptions: ParsableArguments {
    @Option(help: "Items per page (0: the server's default).")
    var pageSize: Int32 = 0

    @Option(help: "Start at this page token (from a previous listing).")
    var pageToken = ""

    @Flag(help: "Follow page tokens to the last page.")
    var all = false

    /// Lists one page, or every page with `--all`; tells on stderr where the next page starts.
    func collect<Item>(
        _ page: (_ size: Int32, _ token: String) async throws -> (items: [Item], next: String)
    ) async throws -> [Item] {
        var items: [Item] = []
        var token = self.pageToken
        while true {
            let result = try await page(self.pageSize, token)
            items += result.items
            token = result.next
            if token.isEmpty { break }
            if !self.all {
                printError("more items: --page-token \(token)")
                break
            }
        }
        return items
    }
}
