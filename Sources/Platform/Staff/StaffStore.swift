import Domain
import Foundation
import Postgres

/// Staff in PostgreSQL. Every statement filters `site_id` explicitly as well as through
/// row-level security.
public enum StaffStore {
    static let columns = "id, employee_no, name, phone, department_id, post_id, education, hire_date, probation_until, mentor_id, is_veteran, status, version, created_at, updated_at, supervisor_id"

    static func decode(_ row: PostgresRow) throws -> StaffMember {
        var member = StaffMember(
            id: try row.decode("id"), employeeNo: try row.decode("employee_no"), name: try row.decode("name"), phone: try row.decodeIfPresent("phone"),
            departmentId: try row.decode("department_id"), postId: try row.decodeIfPresent("post_id"),
            education: try row.decodeIfPresent("education", as: String.self).flatMap(Education.init(rawValue:)),
            hireDate: try row.decode("hire_date"), probationUntil: try row.decodeIfPresent("probation_until"), mentorId: try row.decodeIfPresent("mentor_id"),
            isVeteran: try row.decode("is_veteran"), status: try row.decode("status"), version: try row.decode("version"),
            createdAt: try row.decode("created_at"), updatedAt: try row.decode("updated_at"))
        member.supervisorId = try row.decodeIfPresent("supervisor_id")
        return member
    }

    /// Filters of the staff listing.
    public struct Filter: Sendable {
        public var department: UUID?
        public var post: UUID?
        public var status: String?
        /// Matches a part of the name or employee number.
        public var text: String?
    }

    static func list(site: UUID, filter: Filter, after: [String]?, limit: Int) -> PostgresStatement {
        PostgresStatement(
            """
            SELECT \(columns) FROM staff
            WHERE site_id = $1 AND ($2::uuid IS NULL OR department_id = $2) AND ($3::uuid IS NULL OR post_id = $3)
              AND ($4::text IS NULL OR status = $4)
              AND ($5::text IS NULL OR strpos(name, $5) > 0 OR strpos(lower(employee_no), lower($5)) > 0)
              AND ($6::text IS NULL OR (employee_no, id) > ($6, $7::uuid))
            ORDER BY employee_no, id LIMIT $8
            """, [site, filter.department, filter.post, filter.status, filter.text, after?.first, after?.last, limit + 1])
    }

    static func get(site: UUID, id: UUID) -> PostgresStatement {
        PostgresStatement("SELECT \(columns) FROM staff WHERE site_id = $1 AND id = $2", [site, id])
    }

    /// Checks that the department, post, mentor and superior a record points at exist at this
    /// site and can take it: an active department, an active post, an active mentor not on
    /// probation, an active superior who does not report (directly or not) to `staff` itself.
    static func checkReferences(
        _ connection: isolated PostgresConnection, site: UUID, department: UUID, post: UUID?, mentor: UUID?, today: CalendarDate,
        supervisor: UUID? = nil, staff: UUID? = nil
    ) async throws {
        // The superior's own chain of superiors, at most 100 deep: a cycle would make "the
        // direct superior" of a complaint go round in circles.
        let row = try await connection.query(
            """
            SELECT (SELECT active FROM departments WHERE site_id = $1 AND id = $2) AS department_active,
                   (SELECT active FROM posts WHERE site_id = $1 AND id = $3) AS post_active,
                   (SELECT status = 'active' FROM staff WHERE site_id = $1 AND id = $4) AS mentor_active,
                   (SELECT probation_until >= $5::date FROM staff WHERE site_id = $1 AND id = $4) AS mentor_on_probation,
                   (SELECT status = 'active' FROM staff WHERE site_id = $1 AND id = $6) AS supervisor_active,
                   (WITH RECURSIVE chain (id, depth) AS (
                        SELECT supervisor_id, 1 FROM staff WHERE site_id = $1 AND id = $6::uuid
                        UNION ALL
                        SELECT s.supervisor_id, chain.depth + 1 FROM chain JOIN staff s ON s.site_id = $1 AND s.id = chain.id WHERE chain.depth < 100
                    ) SELECT true FROM chain WHERE chain.id = $7::uuid LIMIT 1) AS supervisor_cycle
            """, [site, department, post, mentor, today, supervisor, staff])[0]
        var errors: [DomainError.FieldError] = []
        switch try row.decodeIfPresent("department_active", as: Bool.self) {
        case nil: errors.append(.init(field: "departmentId", code: "staff.unknown_department", message: "no such department at this site"))
        case false?: errors.append(.init(field: "departmentId", code: "staff.inactive_department", message: "the department is deactivated"))
        default: break
        }
        if post != nil {
            switch try row.decodeIfPresent("post_active", as: Bool.self) {
            case nil: errors.append(.init(field: "postId", code: "staff.unknown_post", message: "no such post at this site"))
            case false?: errors.append(.init(field: "postId", code: "staff.inactive_post", message: "the post is retired"))
            default: break
            }
        }
        if mentor != nil {
            switch try row.decodeIfPresent("mentor_active", as: Bool.self) {
            case nil: errors.append(.init(field: "mentorId", code: "staff.unknown_mentor", message: "no such staff member at this site"))
            case false?: errors.append(.init(field: "mentorId", code: "staff.inactive_mentor", message: "the mentor has left"))
            default:
                if try row.decodeIfPresent("mentor_on_probation", as: Bool.self) == true {
                    errors.append(.init(field: "mentorId", code: "staff.mentor_on_probation", message: "a mentor must be experienced staff, not on probation"))
                }
            }
        }
        if supervisor != nil {
            switch try row.decodeIfPresent("supervisor_active", as: Bool.self) {
            case nil: errors.append(.init(field: "supervisorId", code: "staff.unknown_supervisor", message: "no such staff member at this site"))
            case false?: errors.append(.init(field: "supervisorId", code: "staff.inactive_supervisor", message: "the superior has left"))
            default:
                if try row.decodeIfPresent("supervisor_cycle", as: Bool.self) == true {
                    errors.append(.init(field: "supervisorId", code: "staff.supervisor_cycle", message: "the superior reports, directly or not, to this staff member"))
                }
            }
        }
        try DomainError.check(errors)
    }

    /// Applies `PostRequirements` to assigning `post` (already checked to be an active post of
    /// this site) to a staff member as they would be saved: the post's requirements and, for an
    /// existing staff member, the certificates they hold are loaded here; the rule decides.
    /// `licence: false` checks only education and the veteran flag (a holder whose record
    /// changes while keeping the post; an expired licence is flagged on the post instead).
    /// A staff member being created (`staff` nil) holds no certificates yet, so a licensed post
    /// is refused: create them without it, record the certificate, then assign the post.
    static func checkPostRequirements(
        _ connection: isolated PostgresConnection, site: UUID, post: UUID, staff: UUID?, candidate: PostRequirements.Candidate, today: CalendarDate, licence: Bool
    ) async throws {
        guard let row = try await connection.execute(PostStore.requirements(site: site, id: post)).first else { return }
        let (requirements, names) = try PostStore.decodeRequirements(row)
        guard licence else { return try requirements.checkQualifications(staff: candidate) }
        var held: [PostRequirements.HeldCertificate] = []
        if let staff { held = try await connection.execute(CertificateStore.held(site: site, staff: staff)).map(CertificateStore.decodeHeld) }
        try requirements.check(staff: candidate, certificates: held, today: today, certificateNames: names)
    }

    static func insert(site: UUID, _ member: NewStaffMember) -> PostgresStatement {
        PostgresStatement(
            """
            INSERT INTO staff (site_id, employee_no, name, phone, department_id, post_id, education, hire_date, probation_until, mentor_id, is_veteran,
                supervisor_id)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING \(columns)
            """,
            [site, member.employeeNo, member.name, member.phone, member.departmentId, member.postId, member.education?.rawValue,
             member.hireDate, member.probationUntil, member.mentorId, member.isVeteran ?? false, member.supervisorId])
    }

    static func update(site: UUID, _ member: StaffMember, expectedVersion: Int?) -> PostgresStatement {
        PostgresStatement(
            """
            UPDATE staff SET name = $3, phone = $4, department_id = $5, post_id = $6, education = $7, probation_until = $8,
                mentor_id = $9, is_veteran = $10, status = $11, supervisor_id = $13, version = version + 1, updated_at = now()
            WHERE site_id = $1 AND id = $2 AND ($12::int IS NULL OR version = $12)
            RETURNING \(columns)
            """,
            [site, member.id, member.name, member.phone, member.departmentId, member.postId, member.education?.rawValue,
             member.probationUntil, member.mentorId, member.isVeteran, member.status, expectedVersion, member.supervisorId])
    }

    /// The department of an active staff member, or nil.
    static func activeDepartment(_ connection: isolated PostgresConnection, site: UUID, staff: UUID?) async throws -> UUID? {
        guard let staff else { return nil }
        return try await connection.query("SELECT department_id FROM staff WHERE site_id = $1 AND id = $2 AND status = 'active'", [site, staff]).first?.decode("department_id")
    }

    /// One row when `id` is an active staff member of the site.
    static func active(site: UUID, id: UUID) -> PostgresStatement {
        PostgresStatement("SELECT 1 FROM staff WHERE site_id = $1 AND id = $2 AND status = 'active'", [site, id])
    }

    static func notFound(_ id: String) -> DomainError {
        DomainError(.notFound, code: "staff.not_found", message: "no staff member with id \(id) at this site")
    }

    static func employeeNumberTaken(_ number: String) -> DomainError {
        DomainError(.conflict, code: "staff.employee_no_taken", message: "employee number \(number) is already used at this site",
                    fieldErrors: [.init(field: "employeeNo", code: "staff.employee_no_taken", message: "already used at this site")])
    }
}
