extension Duration {
    /// The duration in seconds, for `Date` arithmetic.
    var timeInterval: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
