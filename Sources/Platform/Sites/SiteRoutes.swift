import Domain
import Foundation
import Hummingbird
import Postgres

/// `/api/v1/hq/sites` (headquarters: list and create sites) and `/api/v1/sites/{siteCode}`.
struct SiteRoutes {
    let services: APIServices

    func register(_ routes: inout APIRoutes) {
        routes.add(Endpoint(
            .get, "/api/v1/hq/sites", summary: "List sites (headquarters; a regional manager sees their sites)", tag: "Sites", response: "SitePage",
            query: [.init("kind", "string", "Site kind", values: OpenAPISchemas.siteKinds), .init("region", "string", "Region"),
                    .init("status", "string", "Status", values: Site.Status.allCases.map(\.rawValue)),
                    .init("limit", "integer", "Page size, 1–200"), .init("cursor", "string", "nextCursor of the previous page")])) { request, context in
            try await list(request, context)
        }
        routes.add(Endpoint(
            .post, "/api/v1/hq/sites", summary: "Create a site with its kind's departments, posts, calendars and policies (hq_admin)", tag: "Sites",
            request: "NewSite", response: "Site", success: 201, idempotent: true, example: #"{"code":"H09","name":"市第九人民医院","kind":"hospital","timezone":"Asia/Shanghai","region":"华东"}"#)) { request, context in
            try await create(request, context)
        }
        routes.add(Endpoint(.get, "/api/v1/sites/{siteCode}", summary: "One site", tag: "Sites", response: "Site")) { _, context in
            let access = try await services.siteAccess(context)
            return try Response.json(access.site, version: access.site.version)
        }
    }

    func list(_ request: Request, _ context: PlatformRequestContext) async throws -> Response {
        let scope = try services.headquartersScope(context, what: "the site list")
        let kind = try request.query("kind", oneOf: OpenAPISchemas.siteKinds)
        let status = try request.query("status", oneOf: Site.Status.allCases.map(\.rawValue))
        let region = try request.query(text: "region")
        let page = try PageRequest(request, listing: "sites")
        let rows = try await services.database.pipeline(scope, [
            SiteStore.list(kind: kind, region: region, status: status, afterCode: page.after?.first, limit: page.limit + 1)
        ])
        let sites = try rows[0].map(SiteStore.decode)
        return try Response.json(page.page(sites, listing: "sites") { [$0.code] })
    }

    func create(_ request: Request, _ context: PlatformRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        guard principal.globalRole?.may(.administerGroup) == true else {
            throw Problem(status: .forbidden, code: "auth.forbidden", detail: "only hq_admin may create sites")
        }
        let (body, data) = try await services.body(NewSite.self, request, context)
        let site = try body.validated()
        let scope = principal.scope
        let requestID = context.requestID
        return try await IdempotentCreate(database: services.database, scope: scope, siteID: IdempotentCreate.groupWide, userID: principal.userID)
            .run(request, body: data) { connection in
                if let row = try await connection.execute(SiteStore.byCode(site.code)).first {
                    let existing = try SiteStore.sameOrConflict(try SiteStore.decode(row), site)
                    return .init(status: .ok, body: try PlatformJSONEncoder.encode(existing), version: existing.version, location: "/api/v1/sites/\(existing.code)")
                }
                let created = try await SiteStore.provision(site, on: connection)
                try await connection.execute(AuditLog.record(site: created.id, scope: scope, action: "site.create", targetType: "site", targetID: created.code,
                                                       detail: ["kind": created.kind.rawValue, "name": created.name], requestID: requestID))
                return .init(status: .created, body: try PlatformJSONEncoder.encode(created), version: created.version, location: "/api/v1/sites/\(created.code)")
            }
    }
}
