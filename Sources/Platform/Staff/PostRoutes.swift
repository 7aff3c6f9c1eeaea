import Domain
import Foundation
import Hummingbird
import Postgres

/// `/api/v1/sites/{siteCode}/posts`: the site's posts (岗位) with what each asks of its
/// holders (certificates, level, veterans only) and how many active holders lack a valid
/// required certificate today; site managers create, rename, move, change the requirements,
/// retire and reinstate them.
struct PostRoutes {
    let services: APIServices
    static let base = "/api/v1/sites/{siteCode}/posts"

    func register(_ routes: inout APIRoutes) {
        routes.add(Endpoint(
            .get, Self.base, summary: "List a site's posts with their requirements, active holders and holders lacking a valid required certificate today", tag: "Staff", response: "PostPage",
            query: [.init("active", "boolean", "Only active (true) or retired (false) posts"), .init("department", "string", "Only posts of this department (id)", format: "uuid"),
                    .init("limit", "integer", "Page size, 1–200"), .init("cursor", "string", "nextCursor of the previous page")])) { request, context in
            let access = try await services.siteAccess(context)
            let listing = "posts:\(access.site.id)"
            let page = try PageRequest(request, listing: listing)
            let today = CalendarDate.day(of: services.clock.now(), in: access.site.timezone)
            let rows = try await services.read(access, [PostStore.list(site: access.site.id, active: try request.query(bool: "active"),
                                                                       department: try request.query(uuid: "department"), after: page.after, limit: page.limit,
                                                                       today: today)])
            return try Response.json(page.page(try rows[0].map(PostStore.decode), listing: listing) { [$0.code, $0.id.postgresText] })
        }
        routes.add(Endpoint(
            .post, Self.base, summary: "Create a post (managers)", tag: "Staff", request: "NewPost", response: "Post", success: 201, idempotent: true,
            example: #"{"code":"lift_operator","name":"电梯司机","departmentId":"\#(ExampleIDs.department)","requiredCertificates":["special_equipment_operation"],"level":"operator","veteransOnly":false}"#)) { request, context in
            let access = try await services.siteAccess(context)
            try access.require(.manageSite)
            let (body, data) = try await services.body(NewPost.self, request, context)
            let post = try body.validated()
            let site = access.site
            let today = CalendarDate.day(of: services.clock.now(), in: site.timezone)
            return try await services.create(
                request, context, access, body: data, collection: "posts", action: "post.create",
                conflict: DomainError(.conflict, code: "post.code_taken", message: "post code \(post.code) is already used at this site",
                                      fieldErrors: [.init(field: "code", code: "post.code_taken", message: "already used at this site")])
            ) { connection in
                try await Self.checkReferences(connection, site: site.id, department: post.departmentId, certificates: post.requiredCertificates)
                let created = try await PostStore.decode(try connection.execute(PostStore.insert(site: site.id, post, today: today))[0])
                return .init(record: created, id: created.id, version: created.version,
                             detail: ["code": created.code, "name": created.name, "requiredCertificates": created.requiredCertificates.joined(separator: ","),
                                      "level": created.level.rawValue, "veteransOnly": String(created.veteransOnly)])
            }
        }
        routes.add(Endpoint(.get, Self.base + "/{postId}", summary: "One post", tag: "Staff", response: "Post")) { _, context in
            let access = try await services.siteAccess(context)
            let id = try context.uuidParameter("postId", resource: "post")
            let today = CalendarDate.day(of: services.clock.now(), in: access.site.timezone)
            return try await services.record(access, PostStore.get(site: access.site.id, id: id, today: today), decode: PostStore.decode, version: \.version,
                                             missing: PostStore.notFound(id.uuidString))
        }
        routes.add(Endpoint(
            .patch, Self.base + "/{postId}", summary: "Rename a post, move it to another department or change its requirements (managers); current holders are not moved",
            tag: "Staff", request: "PostChanges", response: "Post", conditional: true,
            example: #"{"name":"电梯安全管理员","requiredCertificates":["elevator_safety_management"],"level":"operator","veteransOnly":false}"#)) { request, context in
            let (body, _) = try await services.body(PostChanges.self, request, context)
            let changes = try body.validated()
            var detail: [String: String] = [:]
            if let name = changes.name { detail["name"] = name }
            if let department = changes.departmentId { detail["departmentId"] = department.uuidString }
            if let certificates = changes.requiredCertificates { detail["requiredCertificates"] = certificates.joined(separator: ",") }
            if let level = changes.level { detail["level"] = level.rawValue }
            if let veteransOnly = changes.veteransOnly { detail["veteransOnly"] = String(veteransOnly) }
            return try await change(request, context, action: "post.update", changes: changes, active: nil, detail: detail)
        }
        routes.add(Endpoint(
            .post, Self.base + "/{postId}/retire", summary: "Retire a post nobody holds any more; it stays on past records (managers)", tag: "Staff",
            response: "Post", conditional: true)) { request, context in
            try await change(request, context, action: "post.retire", changes: PostChanges(), active: false, detail: [:])
        }
        routes.add(Endpoint(
            .post, Self.base + "/{postId}/reinstate", summary: "Bring a retired post back into use (managers)", tag: "Staff",
            response: "Post", conditional: true)) { request, context in
            try await change(request, context, action: "post.reinstate", changes: PostChanges(), active: true, detail: [:])
        }
    }

    func change(_ request: Request, _ context: PlatformRequestContext, action: String, changes: PostChanges, active: Bool?, detail: [String: String]) async throws -> Response {
        let access = try await services.siteAccess(context)
        try access.require(.manageSite)
        let id = try context.uuidParameter("postId", resource: "post")
        let site = access.site
        let today = CalendarDate.day(of: services.clock.now(), in: site.timezone)
        return try await services.update(request, context, access, action: action, current: PostStore.lock(site: site.id, id: id),
                                         decode: { (version: try $0.decode("version", as: Int.self), holders: try $0.decode("holders", as: Int.self)) },
                                         version: \.version, missing: PostStore.notFound(id.uuidString)) { connection, current in
            if active == false {
                let holders = current.holders
                guard holders == 0 else {
                    throw DomainError(.conflict, code: "post.in_use", message: "\(holders) active staff member(s) still hold this post; move them to another post first")
                }
            }
            try await Self.checkReferences(connection, site: site.id, department: changes.departmentId, certificates: changes.requiredCertificates)
            let post = try await PostStore.decode(try connection.execute(PostStore.update(site: site.id, id: id, changes, active: active, today: today))[0])
            return .init(record: post, id: post.id, version: post.version, detail: detail)
        }
    }

    /// A department of this site that is active, and certificate types that exist; 422 naming each field otherwise.
    static func checkReferences(_ connection: isolated PostgresConnection, site: UUID, department: UUID?, certificates: [String]?) async throws {
        var errors: [DomainError.FieldError] = []
        if let department, try await connection.query("SELECT 1 FROM departments WHERE site_id = $1 AND id = $2 AND active", [site, department]).isEmpty {
            errors.append(.init(field: "departmentId", code: "department.not_found", message: "no active department with this id at this site"))
        }
        if let certificates, !certificates.isEmpty {
            let unknown: [String] = try await connection.execute(PostStore.unknownCertificateTypes(certificates))[0].decode("unknown")
            if !unknown.isEmpty {
                errors.append(.init(field: "requiredCertificates", code: "staff.unknown_certificate_type",
                                    message: "not certificate types: \(unknown.joined(separator: ", "))"))
            }
        }
        try DomainError.check(errors)
    }
}
