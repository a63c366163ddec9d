import Foundation

/// Turns page cursors into the opaque `page_token` strings of the API and back.
///
/// A token binds the cursor to the filters of the request that produced it (as a short hash), so that a token
/// reused with other filters is refused rather than silently paging the wrong list.
public enum PageToken {
    /// Encodes `cursor` for a list whose filters are described by `scope` (any string naming the list and its
    /// filters, e.g. "mappings|report=rep_1|state=accepted"). A nil cursor encodes as "" (no next page).
    public static func encode(_ cursor: Int64?, scope: String) -> String {
        guard let cursor else { return "" }
        let plain = "v1.\(fingerprint(scope)).\(cursor)"
        return Data(plain.utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// Decodes a token made by `encode` with the same `scope`; "" gives nil (the first page).
    /// - Throws: `StoreError.invalid` for a malformed token or one made for another scope.
    public static func decode(_ token: String, scope: String) throws(StoreError) -> Int64? {
        if token.isEmpty { return nil }
        var base64 = token.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        guard let data = Data(base64Encoded: base64), let plain = String(data: data, encoding: .utf8) else {
            throw .invalid("invalid page_token")
        }
        let parts = plain.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "v1", let cursor = Int64(parts[2]), cursor >= 0 else {
            throw .invalid("invalid page_token")
        }
        guard parts[1] == fingerprint(scope) else {
            throw .invalid("page_token does not match the request's filters")
        }
        return cursor
    }

    /// FNV-1a, 64 bits: stable across processes and platforms, unlike `Hasher`.
    static func fingerprint(_ scope: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in scope.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return String(hash, radix: 36)
    }
}
