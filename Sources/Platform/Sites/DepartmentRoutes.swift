import Domain
import Foundation
import Hummingbird
import Postgres

/// `/api/v1/sites/{siteCode}/departments`: list, create, read, change, deactivate, activate.
struct DepartmentRoutes {
    let services: APIServices
    static let base = "/api/v1/sites/{siteCode}/departments"

    func register(_ routes: inout APIRoutes) {
        routes.add(Endpoint(
            .get, Self.base, summary: "List a site's departments", tag: "Departments", response: "DepartmentPage",
            query: [.init("active", "boolean", "Only active (true) or deactivated (false) departments"),
                    .init("limit", "integer", "Page size, 1–200"), .init("cursor", "string", "nextCursor of the previous page")])) { request, context in
            let access = try await services.siteAccess(context)
            let page = try PageRequest(request, listing: "departments:\(access.site.id)")
            let rows = try await services.read(access, [DepartmentStore.list(site: access.site.id, active: try request.query(bool: "active"), after: page.after, limit: page.limit)])
            return try Response.json(page.page(try rows[0].map(DepartmentStore.decode), listing: "departments:\(access.site.id)") { [$0.code, $0.id.postgresText] })
        }
        routes.add(Endpoint(
            .post, Self.base, summary: "Create a department (managers)", tag: "Departments", request: "NewDepartment", response: "Department",
            success: 201, idempotent: true, example: #"{"code":"landscaping","name":"绿化部","kind":"other"}"#)) { request, context in
            try await create(request, context)
        }
        routes.add(Endpoint(.get, Self.base + "/{departmentId}", summary: "One department", tag: "Departments", response: "Department")) { _, context in
            let access = try await services.siteAccess(context)
            let id = try context.uuidParameter("departmentId", resource: "department")
            return try await services.record(access, DepartmentStore.get(site: access.site.id, id: id), decode: DepartmentStore.decode, version: \.version,
                                             missing: DepartmentStore.notFound(id.uuidString))
        }
        routes.add(Endpoint(
            .patch, Self.base + "/{departmentId}", summary: "Change a department's name or kind (managers)", tag: "Departments",
            request: "DepartmentChanges", response: "Department", conditional: true, example: #"{"name":"工程维修部"}"#)) { request, context in
            let (body, _) = try await services.body(DepartmentChanges.self, request, context)
            let changes = try body.validated()
            return try await change(request, context, action: "department.update", name: changes.name, kind: changes.kind, active: nil)
        }
        for (action, active) in [("deactivate", false), ("activate", true)] {
            routes.add(Endpoint(
                .post, Self.base + "/{departmentId}/\(action)", summary: active ? "Re-activate a department (managers)" : "Deactivate a department; its records are kept (managers)",
                tag: "Departments", response: "Department", conditional: true)) { request, context in
                try await change(request, context, action: "department.\(action)", name: nil, kind: nil, active: active)
            }
        }
    }

    func create(_ request: Request, _ context: PlatformRequestContext) async throws -> Response {
        let access = try await services.siteAccess(context)
        try access.require(.manageSite)
        let (body, data) = try await services.body(NewDepartment.self, request, context)
        let department = try body.validated()
        let (site, scope, requestID) = (access.site, access.scope, context.requestID)
        do {
            return try await IdempotentCreate(database: services.database, scope: scope, siteID: site.id, userID: access.principal.userID)
                .run(request, body: data) { connection in
                    let created = try await DepartmentStore.decode(try connection.execute(DepartmentStore.insert(site: site.id, department))[0])
                    try await connection.execute(AuditLog.record(site: site.id, scope: scope, action: "department.create", targetType: "department",
                                                           targetID: created.id.uuidString, detail: ["code": created.code, "name": created.name], requestID: requestID))
                    return .init(status: .created, body: try PlatformJSONEncoder.encode(created), version: created.version,
                                 location: "/api/v1/sites/\(site.code)/departments/\(created.id.uuidString)")
                }
        } catch let error as PostgresError where error.code == .uniqueViolation && error.constraint == "departments_site_id_code_key" {
            throw DomainError(.conflict, code: "department.code_taken", message: "department code \(department.code) is already used at this site",
                              fieldErrors: [.init(field: "code", code: "department.code_taken", message: "already used at this site")])
        }
    }

    func change(_ request: Request, _ context: PlatformRequestContext, action: String, name: String?, kind: DepartmentKind?, active: Bool?) async throws -> Response {
        let access = try await services.siteAccess(context)
        try access.require(.manageSite)
        let id = try context.uuidParameter("departmentId", resource: "department")
        let site = access.site
        var detail: [String: String] = [:]
        if let name { detail["name"] = name }
        if let kind { detail["kind"] = kind.rawValue }
        return try await services.update(request, context, access, action: action, current: DepartmentStore.get(site: site.id, id: id), decode: DepartmentStore.decode,
                                         version: \.version, missing: DepartmentStore.notFound(id.uuidString)) { [detail] connection, current in
            guard let updated = try await connection.execute(DepartmentStore.update(site: site.id, id: id, name: name, kind: kind, active: active, expectedVersion: current.version)).first else {
                throw APIServices.changedMeanwhile(current.version)
            }
            let department = try DepartmentStore.decode(updated)
            return .init(record: department, id: department.id, version: department.version, detail: detail)
        }
    }
}
