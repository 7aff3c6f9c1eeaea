import Domain
import Foundation
import Hummingbird
import Postgres

/// `/api/v1/sites/{siteCode}/users`: the people who work in the site through the API, and
/// their roles there.
struct SiteUserRoutes {
    let services: APIServices
    let cache: PrincipalCache
    static let base = "/api/v1/sites/{siteCode}/users"

    /// A user's role at one site.
    struct SiteUser: Codable, Sendable {
        var userId: UUID
        var username: String
        var displayName: String
        var role: Role
        var staffId: UUID?
        var status: String
        var grantedAt: Date
    }

    struct NewSiteUser: RequestBody {
        var username: String
        var displayName: String
        var role: Role
        var staffId: UUID?
        var password: String?
        enum CodingKeys: String, CodingKey, CaseIterable { case username, displayName, role, staffId, password }
    }

    struct RoleGrant: RequestBody {
        var role: Role
        var staffId: UUID?
        enum CodingKeys: String, CodingKey, CaseIterable { case role, staffId }
    }

    func register(_ routes: inout APIRoutes) {
        routes.add(Endpoint(
            .get, Self.base, summary: "People with a role at the site", tag: "Users", response: "SiteUserPage",
            query: [.init("role", "string", "Only this role", values: [Role.regionalManager, .siteManager, .siteAgent, .siteStaff].map(\.rawValue)),
                    .init("limit", "integer", "Page size, 1–200"), .init("cursor", "string", "nextCursor of the previous page")])) { request, context in
            let access = try await services.siteAccess(context)
            let listing = "users:\(access.site.id)"
            let page = try PageRequest(request, listing: listing)
            let role = try request.query("role", oneOf: [Role.regionalManager, .siteManager, .siteAgent, .siteStaff].map(\.rawValue))
            let rows = try await services.read(access, [SiteUserStore.list(site: access.site.id, role: role, after: page.after?.first, limit: page.limit)])
            return try Response.json(page.page(try rows[0].map(SiteUserStore.decode), listing: listing) { [$0.username] })
        }
        routes.add(Endpoint(
            .post, Self.base, summary: "Create a user with a role at this site (managers; see the grant rules)", tag: "Users",
            request: "NewSiteUser", response: "SiteUser", success: 201, idempotent: true, example: #"{"username":"h01.desk2","displayName":"门诊前台","role":"site_agent","password":"前台接待的登录密码2026"}"#)) { request, context in
            try await create(request, context)
        }
        routes.add(Endpoint(
            .put, Self.base + "/{userId}/role", summary: "Give an existing user a role at this site, or change it (managers)", tag: "Users",
            request: "RoleGrant", response: "SiteUser", example: #"{"role":"site_agent"}"#)) { request, context in
            try await grant(request, context)
        }
        routes.add(Endpoint(.delete, Self.base + "/{userId}/role", summary: "Remove a user's role at this site; the user keeps other sites (managers)", tag: "Users", success: 204)) { _, context in
            try await revoke(context)
        }
    }

    func create(_ request: Request, _ context: PlatformRequestContext) async throws -> Response {
        let access = try await services.siteAccess(context)
        try access.require(.manageSite)
        let (body, data) = try await services.body(NewSiteUser.self, request, context)
        try RoleGrantRules.check(role: body.role, staffLinked: body.staffId != nil, grantor: access.role, grantorIsGrantee: false)
        let (username, displayName, errors) = UserStore.identity(username: body.username, displayName: body.displayName)
        try DomainError.check(errors)
        let passwordHash: String?
        if let password = body.password {
            try PasswordHasher.check(password)
            passwordHash = try await PasswordHasher.hash(password)
        } else {
            passwordHash = nil
        }
        let (site, scope, requestID) = (access.site, access.scope, context.requestID)
        do {
            return try await IdempotentCreate(database: services.database, scope: scope, siteID: site.id, userID: access.principal.userID)
                .run(request, body: data) { connection in
                    let id: UUID = try await connection.execute(SiteUserStore.insertUser(username: username, displayName: displayName, passwordHash: passwordHash))[0].decode("id")
                    try await connection.execute(SiteUserStore.grant(site: site.id, user: id, role: body.role, staff: body.staffId))
                    try await connection.execute(PrincipalChanges.notify("user_site_roles"))
                    try await connection.execute(AuditLog.record(site: site.id, scope: scope, action: "user.create", targetType: "user", targetID: id.uuidString,
                                                           detail: ["username": username, "role": body.role.rawValue], requestID: requestID))
                    let created = try await SiteUserStore.decode(try connection.execute(SiteUserStore.get(site: site.id, user: id))[0])
                    return .init(status: .created, body: try PlatformJSONEncoder.encode(created), location: "/api/v1/sites/\(site.code)/users/\(id.uuidString)")
                }
        } catch let error as PostgresError where error.code == .uniqueViolation && error.constraint == "users_username_key" {
            throw DomainError(.conflict, code: "user.username_taken", message: "username \(username) is taken",
                              fieldErrors: [.init(field: "username", code: "user.username_taken", message: "username \(username) is taken")])
        } catch let error as PostgresError where error.code == .foreignKeyViolation {
            throw DomainError.invalid(field: "staffId", code: "user.unknown_staff", message: "no such staff member at this site")
        }
    }

    /// 404 for a user the caller may not reach, worded exactly as for an unknown id.
    static func notFound(_ userID: UUID) -> DomainError {
        DomainError(.notFound, code: "user.not_found", message: "no active user with id \(userID.uuidString)")
    }

    static func reach(_ rows: PostgresRows, userID: UUID, access: SiteAccess) throws -> [UUID] {
        guard let row = rows.first else { throw notFound(userID) }
        let sites = Set(try row.decode("sites", as: [UUID].self))
        guard case .reachable(let alsoAt) = try UserReach.of(user: sites, isHeadquarters: try row.decode("headquarters"), at: access.site.id, by: access.principal) else {
            throw notFound(userID)
        }
        return alsoAt
    }

    func grant(_ request: Request, _ context: PlatformRequestContext) async throws -> Response {
        let access = try await services.siteAccess(context)
        try access.require(.manageSite)
        let userID = try context.uuidParameter("userId", resource: "user")
        let (body, _) = try await services.body(RoleGrant.self, request, context)
        // Who the user works for decides whether the caller reaches them at all, and which
        // sites' audit trails the grant is written to: read first, then open the transaction
        // over exactly those sites and check again inside it.
        let alsoAt = try Self.reach(try await services.read(access, [SiteUserStore.whereabouts(of: userID)])[0], userID: userID, access: access)
        var scope = access.scope
        scope.sites = .only([access.site.id] + alsoAt)
        let (site, requestID) = (access.site, context.requestID)
        let grantor = access.role, isSelf = userID == access.principal.userID
        do {
            let granted = try await services.database.transaction(scope) { [scope] connection -> SiteUser in
                guard try await Self.reach(try connection.execute(SiteUserStore.whereabouts(of: userID)), userID: userID, access: access) == alsoAt else {
                    throw DomainError(.conflict, code: "user.changed", message: "the user's sites changed meanwhile; try again")
                }
                let current = try await connection.execute(SiteUserStore.get(site: site.id, user: userID)).first.map(SiteUserStore.decode)
                try RoleGrantRules.check(role: body.role, staffLinked: body.staffId != nil, grantor: grantor, grantorIsGrantee: isSelf, currentRole: current?.role)
                try await connection.execute(SiteUserStore.grant(site: site.id, user: userID, role: body.role, staff: body.staffId))
                try await connection.execute(PrincipalChanges.notify("user_site_roles"))
                var detail = ["role": body.role.rawValue, "previousRole": current?.role.rawValue ?? "none"]
                if !alsoAt.isEmpty { detail["alsoWorksAt"] = alsoAt.map(\.uuidString).joined(separator: ",") }
                try await connection.execute(AuditLog.record(site: site.id, scope: scope, action: current == nil ? "user.grant" : "user.change_role", targetType: "user",
                                                       targetID: userID.uuidString, detail: detail, requestID: requestID))
                // The user's other sites learn that one of their people now also works here.
                for other in alsoAt {
                    try await connection.execute(AuditLog.record(site: other, scope: scope, action: "user.granted_elsewhere", targetType: "user", targetID: userID.uuidString,
                                                           detail: ["site": site.code, "role": body.role.rawValue], requestID: requestID))
                }
                return try await SiteUserStore.decode(try connection.execute(SiteUserStore.get(site: site.id, user: userID))[0])
            }
            cache.forgetAll()
            return try Response.json(granted)
        } catch let error as PostgresError where error.code == .foreignKeyViolation {
            throw DomainError.invalid(field: "staffId", code: "user.unknown_staff", message: "no such staff member at this site")
        }
    }

    func revoke(_ context: PlatformRequestContext) async throws -> Response {
        let access = try await services.siteAccess(context)
        try access.require(.manageSite)
        let userID = try context.uuidParameter("userId", resource: "user")
        let (site, scope, requestID) = (access.site, access.scope, context.requestID)
        let grantor = access.role, isSelf = userID == access.principal.userID
        try await services.database.transaction(scope) { connection in
            guard let current = try await connection.execute(SiteUserStore.get(site: site.id, user: userID)).first.map(SiteUserStore.decode) else {
                throw Problem(status: .notFound, code: "user.not_found", detail: "no user with id \(userID.uuidString) at this site")
            }
            try RoleGrantRules.check(role: current.role, staffLinked: true, grantor: grantor, grantorIsGrantee: isSelf)
            try await connection.execute(SiteUserStore.revoke(site: site.id, user: userID))
            try await connection.execute(PrincipalChanges.notify("user_site_roles"))
            try await connection.execute(AuditLog.record(site: site.id, scope: scope, action: "user.revoke", targetType: "user", targetID: userID.uuidString,
                                                   detail: ["role": current.role.rawValue], requestID: requestID))
        }
        cache.forgetAll()
        return Response(status: .noContent)
    }
}
