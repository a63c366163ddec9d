extension String {
    /// The string without leading and trailing whitespace (Foundation-free).
    func trimmed() -> String {
        var slice = Substring(self)
        while let first = slice.first, first.isWhitespace { slice.removeFirst() }
        while let last = slice.last, last.isWhitespace { slice.removeLast() }
        return String(slice)
    }

    /// Runs of whitespace collapsed to one space, trimmed.
    func collapsingWhitespace() -> String {
        split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }
}

extension StringProtocol {
    /// The string without leading and trailing whitespace (Foundation-free).
    func trimmedString() -> String {
        String(self).trimmed()
    }
}
