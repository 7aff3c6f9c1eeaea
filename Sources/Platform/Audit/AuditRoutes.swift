import Domain
import Foundation
import Hummingbird
import Postgres

/// `/api/v1/sites/{siteCode}/audit`: the site's audit trail, newest first, for its managers
/// and headquarters.
struct AuditRoutes {
    let services: APIServices

    func register(_ routes: inout APIRoutes) {
        routes.add(Endpoint(
            .get, "/api/v1/sites/{siteCode}/audit", summary: "The site's audit trail, newest first (managers and headquarters)", tag: "Audit",
            response: "AuditPage", query: [.init("limit", "integer", "Page size, 1–200"), .init("cursor", "string", "nextCursor of the previous page")])) { request, context in
            let access = try await services.siteAccess(context)
            guard access.role.may(.manageSite) || access.role.isHeadquarters else {
                throw Problem(status: .forbidden, code: "auth.forbidden", detail: "the audit trail is for site managers and headquarters")
            }
            let listing = "audit:\(access.site.id)"
            let page = try PageRequest(request, listing: listing)
            let rows = try await services.read(access, [
                PostgresStatement(
                    """
                    SELECT \(AuditLog.columns) FROM audit_log
                    WHERE site_id = $1 AND ($2::timestamptz IS NULL OR (at, id) < ($2, $3::uuid))
                    ORDER BY at DESC, id DESC LIMIT $4
                    """, [access.site.id, page.after?.first, page.after?.last, page.limit + 1])
            ])
            return try Response.json(page.page(try rows[0].map(AuditLog.decode), listing: listing) { [$0.at.postgresText, $0.id.postgresText] })
        }
    }
}
