public import RPCFraming

/// The caller's self-declared name when the daemon runs without authentication: a caller names itself with the
/// `x-planning-user` metadata and defaults to `anonymous`. With authentication on, the authenticated principal
/// (``Caller/init(context:metadata:)``) is used and this metadata is ignored.
public enum Principal {
    public static let metadataKey = "x-planning-user"
    public static let anonymous = "anonymous"

    public static func owner(from metadata: Metadata) -> String {
        let name = metadata[stringValues: Self.metadataKey].first ?? ""
        return name.isEmpty ? Self.anonymous : name
    }
}
