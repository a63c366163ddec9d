public import RPCFraming

/// Who makes a call. Until authentication lands (the production-surface issue), a caller names itself
/// with the `x-planning-user` metadata and defaults to `anonymous`; jobs and idempotency keys are scoped
/// to this owner.
public enum Principal {
    public static let metadataKey = "x-planning-user"
    public static let anonymous = "anonymous"

    public static func owner(from metadata: Metadata) -> String {
        let name = metadata[stringValues: Self.metadataKey].first ?? ""
        return name.isEmpty ? Self.anonymous : name
    }
}
