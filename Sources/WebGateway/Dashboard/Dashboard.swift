/// The job dashboard served at `/`: one HTML page, its stylesheet and its script, compiled into the binary as
/// string literals so that the daemon needs no files beside it and there is no build step. The page talks to the
/// server only through the Connect protocol (JSON), like any other client.
enum Dashboard {
    struct Asset: Sendable {
        let contentType: String
        let body: [UInt8]
    }

    private static let assets: [String: Asset] = [
        "/": Asset(contentType: "text/html; charset=utf-8", body: Array(html.utf8)),
        "/index.html": Asset(contentType: "text/html; charset=utf-8", body: Array(html.utf8)),
        "/dashboard.css": Asset(contentType: "text/css; charset=utf-8", body: Array(style.utf8)),
        "/dashboard.js": Asset(contentType: "text/javascript; charset=utf-8", body: Array(script.utf8)),
        // Browsers ask for it whatever the page says; an empty icon spares a 404 in every console.
        "/favicon.ico": Asset(contentType: "image/x-icon", body: []),
    ]

    static func asset(at path: String) -> Asset? {
        self.assets[path]
    }

    /// Everything from this origin, nothing inline, nothing from elsewhere.
    static let securityHeaders: [(String, String)] = [
        ("content-security-policy", "default-src 'self'; frame-ancestors 'none'"),
        ("x-content-type-options", "nosniff"),
        ("referrer-policy", "no-referrer"),
    ]
}
