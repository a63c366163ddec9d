/// Makes the string ids of records: a short type prefix and 16 random hex digits, e.g. "cyc_3f9a1c2b7d0e4a58".
///
/// Random rather than sequential so that ids reveal nothing about volume and can be made by any instance of a
/// distributed deployment without coordination; ordering comes from the separate integer row id.
public enum RecordID {
    /// Prefix of cycle ids.
    public static let cycle = "cyc"
    /// Prefix of report ids.
    public static let report = "rep"
    /// Prefix of document ids.
    public static let document = "doc"
    /// Prefix of attribute ids.
    public static let attribute = "att"
    /// Prefix of PDE ids.
    public static let pde = "pde"
    /// Prefix of mapping ids.
    public static let mapping = "map"
    /// Prefix of classification ids.
    public static let classification = "cls"
    /// Prefix of job ids.
    public static let job = "job"

    /// Returns a new id with the given prefix.
    public static func make(_ prefix: String) -> String {
        var generator = SystemRandomNumberGenerator()
        let value = generator.next() as UInt64
        let hex = String(value, radix: 16)
        return prefix + "_" + String(repeating: "0", count: 16 - hex.count) + hex
    }
}
