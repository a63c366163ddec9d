extension JobResultSummary {
    /// The counters, for messages.
    var text: String {
        "generated \(generated), created \(created), mapped \(mapped), classified \(classified), skipped \(skipped)"
    }
}
