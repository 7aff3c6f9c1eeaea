import Domain
import Foundation
import HTTPTypes
import Hummingbird

/// `GET /hq`: the headquarters dashboard, a page built into the binary (no CDN, no build step)
/// over `/api/v1/hq/portfolio` and `/api/v1/hq/trends`. The page holds no data: the user
/// pastes a token, kept in the tab's session storage, and the page calls the API with it.
struct DashboardRoutes {
    static let securityHeaders: HTTPFields = [
        .contentSecurityPolicy: "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'",
        .cacheControl: "no-cache",
        .known("X-Content-Type-Options"): "nosniff",
    ]

    func register(_ routes: inout APIRoutes) {
        for (path, type, body, summary) in [
            ("/hq", "text/html; charset=utf-8", DashboardAssets.page, "The headquarters dashboard page (paste a token; it calls the reports API)"),
            ("/hq/dashboard.js", "text/javascript; charset=utf-8", DashboardAssets.script, "The dashboard's script"),
            ("/hq/dashboard.css", "text/css; charset=utf-8", DashboardAssets.style, "The dashboard's style sheet"),
        ] {
            routes.add(Endpoint(.get, path, summary: summary, tag: "Reports", authenticated: false)) { _, _ in
                var headers = Self.securityHeaders
                headers[.contentType] = type
                return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: body)))
            }
        }
    }
}
