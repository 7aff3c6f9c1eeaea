import Domain
import Foundation
import Hummingbird
import Postgres

/// `/api/v1/sites/{siteCode}/staff`: list, create, read, change, deactivate.
///
/// Assigning a post (on create, or a PATCH that changes `postId`) applies
/// `PostRequirements`: a valid certificate of every type the post requires today
/// (`staff.licence_required`), the education of the post's level (`staff.education_required`)
/// and, for a veterans-only post, a veteran (`staff.veteran_required`). A new hire for a
/// licensed post is therefore created without `postId`, their certificate recorded through
/// `POST …/certificates`, and the post assigned with a PATCH.
///
/// `supervisorId` is the direct superior (直上级) complaints about the member go to: an active
/// staff member of the site, not the member themselves nor anyone who reports to them.
struct StaffRoutes {
    let services: APIServices
    static let base = "/api/v1/sites/{siteCode}/staff"

    func register(_ routes: inout APIRoutes) {
        routes.add(Endpoint(
            .get, Self.base, summary: "List a site's staff", tag: "Staff", response: "StaffPage",
            query: [.init("department", "string", "Department id", format: "uuid"), .init("post", "string", "Post id", format: "uuid"),
                    .init("status", "string", "active or inactive", values: ["active", "inactive"]),
                    .init("q", "string", "Part of a name or employee number"),
                    .init("limit", "integer", "Page size, 1–200"), .init("cursor", "string", "nextCursor of the previous page")])) { request, context in
            let access = try await services.siteAccess(context)
            let listing = "staff:\(access.site.id)"
            let page = try PageRequest(request, listing: listing)
            let filter = StaffStore.Filter(department: try request.query(uuid: "department"), post: try request.query(uuid: "post"),
                                           status: try request.query("status", oneOf: ["active", "inactive"]), text: try request.query(text: "q"))
            let rows = try await services.read(access, [StaffStore.list(site: access.site.id, filter: filter, after: page.after, limit: page.limit)])
            return try Response.json(page.page(try rows[0].map(StaffStore.decode), listing: listing) { [$0.employeeNo, $0.id.postgresText] })
        }
        routes.add(Endpoint(
            .post, Self.base, summary: "Add a staff member (managers); a licensed post is assigned after the certificate is recorded", tag: "Staff", request: "NewStaffMember", response: "StaffMember",
            success: 201, idempotent: true, example: #"{"employeeNo":"G101","name":"王师傅","phone":"13800000001","departmentId":"\#(ExampleIDs.department)","education":"senior_high","hireDate":"2024-03-01"}"#)) { request, context in
            try await create(request, context)
        }
        routes.add(Endpoint(.get, Self.base + "/{staffId}", summary: "One staff member", tag: "Staff", response: "StaffMember")) { _, context in
            let access = try await services.siteAccess(context)
            let id = try context.uuidParameter("staffId", resource: "staff")
            return try await services.record(access, StaffStore.get(site: access.site.id, id: id), decode: StaffStore.decode, version: \.version,
                                             missing: StaffStore.notFound(id.uuidString))
        }
        routes.add(Endpoint(
            .patch, Self.base + "/{staffId}", summary: "Change a staff member (managers); null clears an optional field", tag: "Staff",
            request: "StaffChanges", response: "StaffMember", conditional: true, example: #"{"phone":"13800000002"}"#)) { request, context in
            let (changes, _) = try await services.body(StaffChanges.self, request, context)
            return try await change(request, context, action: "staff.update") { $0.applying(changes) }
        }
        routes.add(Endpoint(
            .post, Self.base + "/{staffId}/deactivate", summary: "Record that a staff member left; the record is kept (managers)", tag: "Staff",
            response: "StaffMember", conditional: true)) { request, context in
            try await change(request, context, action: "staff.deactivate") { member in
                var member = member
                member.status = "inactive"
                return member
            }
        }
    }

    func create(_ request: Request, _ context: PlatformRequestContext) async throws -> Response {
        let access = try await services.siteAccess(context)
        try access.require(.manageSite)
        let (body, data) = try await services.body(NewStaffMember.self, request, context)
        let today = CalendarDate.day(of: services.clock.now(), in: access.site.timezone)
        let draft = try StaffRules.validate(.init(employeeNo: body.employeeNo, name: body.name, phone: body.phone, hireDate: body.hireDate,
                                                 probationUntil: body.probationUntil, mentorId: body.mentorId, id: nil, supervisorId: body.supervisorId), today: today)
        var member = body
        (member.employeeNo, member.name, member.phone) = (draft.employeeNo, draft.name, draft.phone)
        let (site, scope, requestID) = (access.site, access.scope, context.requestID)
        let record = member
        do {
            return try await IdempotentCreate(database: services.database, scope: scope, siteID: site.id, userID: access.principal.userID)
                .run(request, body: data) { connection in
                    try await StaffStore.checkReferences(connection, site: site.id, department: record.departmentId, post: record.postId, mentor: record.mentorId, today: today,
                                                   supervisor: record.supervisorId)
                    if let post = record.postId {
                        try await StaffStore.checkPostRequirements(connection, site: site.id, post: post, staff: nil,
                                                             candidate: .init(education: record.education, isVeteran: record.isVeteran ?? false), today: today, licence: true)
                    }
                    let created = try await StaffStore.decode(try connection.execute(StaffStore.insert(site: site.id, record))[0])
                    try await connection.execute(AuditLog.record(site: site.id, scope: scope, action: "staff.create", targetType: "staff", targetID: created.id.uuidString,
                                                           detail: ["employeeNo": created.employeeNo, "name": created.name], requestID: requestID))
                    return .init(status: .created, body: try PlatformJSONEncoder.encode(created), version: created.version,
                                 location: "/api/v1/sites/\(site.code)/staff/\(created.id.uuidString)")
                }
        } catch let error as PostgresError where error.code == .uniqueViolation && error.constraint == "staff_site_id_employee_no_key" {
            throw StaffStore.employeeNumberTaken(record.employeeNo)
        }
    }

    func change(_ request: Request, _ context: PlatformRequestContext, action: String, _ apply: @escaping @Sendable (StaffMember) -> StaffMember) async throws -> Response {
        let access = try await services.siteAccess(context)
        try access.require(.manageSite)
        let id = try context.uuidParameter("staffId", resource: "staff")
        let today = CalendarDate.day(of: services.clock.now(), in: access.site.timezone)
        let site = access.site
        return try await services.update(request, context, access, action: action, current: StaffStore.get(site: site.id, id: id), decode: StaffStore.decode,
                                         version: \.version, missing: StaffStore.notFound(id.uuidString)) { connection, current in
            var changed = apply(current)
            let draft = try StaffRules.validate(.init(employeeNo: changed.employeeNo, name: changed.name, phone: changed.phone, hireDate: changed.hireDate,
                                                     probationUntil: changed.probationUntil, mentorId: changed.mentorId, id: changed.id,
                                                     supervisorId: changed.supervisorId), today: today)
            (changed.name, changed.phone) = (draft.name, draft.phone)
            if changed.departmentId != current.departmentId || changed.postId != current.postId || changed.mentorId != current.mentorId
                || changed.supervisorId != current.supervisorId {
                try await StaffStore.checkReferences(connection, site: site.id, department: changed.departmentId, post: changed.postId,
                                               mentor: changed.mentorId == current.mentorId ? nil : changed.mentorId, today: today,
                                               supervisor: changed.supervisorId == current.supervisorId ? nil : changed.supervisorId, staff: changed.id)
            }
            if let post = changed.postId {
                let candidate = PostRequirements.Candidate(education: changed.education, isVeteran: changed.isVeteran)
                let recheck = PostRequirements.Recheck(postChanged: post != current.postId, from: .init(education: current.education, isVeteran: current.isVeteran),
                                                       to: candidate)
                if recheck != .none {
                    try await StaffStore.checkPostRequirements(connection, site: site.id, post: post, staff: changed.id, candidate: candidate, today: today,
                                                         licence: recheck == .everything)
                }
            }
            guard let updated = try await connection.execute(StaffStore.update(site: site.id, changed, expectedVersion: current.version)).first else {
                throw APIServices.changedMeanwhile(current.version)
            }
            let member = try StaffStore.decode(updated)
            return .init(record: member, id: member.id, version: member.version, detail: StaffRoutes.differences(current, changed))
        }
    }

    /// Field → new value, for the audit line.
    static func differences(_ before: StaffMember, _ after: StaffMember) -> [String: String] {
        var detail: [String: String] = [:]
        func note<T: Equatable>(_ name: String, _ old: T?, _ new: T?) { if old != new { detail[name] = new.map { "\($0)" } ?? "null" } }
        note("name", Optional(before.name), Optional(after.name))
        note("phone", before.phone, after.phone)
        note("departmentId", Optional(before.departmentId), Optional(after.departmentId))
        note("postId", before.postId, after.postId)
        note("education", before.education?.rawValue, after.education?.rawValue)
        note("probationUntil", before.probationUntil, after.probationUntil)
        note("mentorId", before.mentorId, after.mentorId)
        note("isVeteran", Optional(before.isVeteran), Optional(after.isVeteran))
        note("supervisorId", before.supervisorId, after.supervisorId)
        note("status", Optional(before.status), Optional(after.status))
        return detail
    }
}

extension StaffMember {
    func applying(_ changes: StaffChanges) -> StaffMember {
        var member = self
        if let name = changes.name { member.name = name }
        member.phone = changes.phone.applied(to: phone)
        if let department = changes.departmentId { member.departmentId = department }
        member.postId = changes.postId.applied(to: postId)
        member.education = changes.education.applied(to: education)
        member.probationUntil = changes.probationUntil.applied(to: probationUntil)
        member.mentorId = changes.mentorId.applied(to: mentorId)
        if let veteran = changes.isVeteran { member.isVeteran = veteran }
        member.supervisorId = changes.supervisorId.applied(to: supervisorId)
        return member
    }
}
