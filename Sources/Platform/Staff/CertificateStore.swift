import Domain
import Foundation
import Postgres

/// Certificates in PostgreSQL, and the licence check work assignments make.
enum CertificateStore {
    static let columns = """
        c.id, s.code AS site_code, s.timezone AS site_timezone, c.staff_id, st.employee_no, st.name AS staff_name, c.certificate_type, t.name_zh, c.number, c.issuer, c.issued_on,
        c.expires_on, c.document_ref, c.version, c.created_at, c.updated_at, \(warningDays) AS warning_days
        """
    /// The site's renewal warning period in days (`licences.expiry_warning_days`, a whole
    /// number of 1–365 as a JSON number or string); 60 when absent or malformed.
    static let warningDays = """
        coalesce((SELECT CASE WHEN p.value #>> '{}' ~ '^[0-9]{1,3}$' AND (p.value #>> '{}')::int BETWEEN 1 AND 365 THEN (p.value #>> '{}')::int END
                  FROM site_policies p WHERE p.site_id = c.site_id AND p.key = 'licences.expiry_warning_days'), 60)
        """
    /// Certificates (`source`: the table, or the rows a `WITH` just wrote) with their staff, site and type.
    static func from(_ source: String = "staff_certificates") -> String {
        """
        \(source) c JOIN staff st ON st.site_id = c.site_id AND st.id = c.staff_id JOIN sites s ON s.id = c.site_id
        JOIN certificate_types t ON t.code = c.certificate_type
        """
    }

    static func decode(_ row: PostgresRow, now: Date) throws -> StaffCertificate {
        let site: String = try row.decode("site_code")
        let issued: CalendarDate = try row.decode("issued_on")
        let expires: CalendarDate = try row.decode("expires_on")
        let day = CalendarDate.day(of: now, in: try row.decode("site_timezone"))
        return StaffCertificate(
            id: try row.decode("id"), siteCode: site, staffId: try row.decode("staff_id"), employeeNo: try row.decode("employee_no"),
            staffName: try row.decode("staff_name"), type: try row.decode("certificate_type"), typeName: try row.decode("name_zh"), number: try row.decode("number"),
            issuer: try row.decodeIfPresent("issuer"), issuedOn: issued, expiresOn: expires, documentRef: try row.decodeIfPresent("document_ref"),
            daysLeft: expires.daysSinceEpoch - day.daysSinceEpoch, valid: LicenceRules.isValid(issuedOn: issued, expiresOn: expires, on: day),
            renewalDue: LicenceRules.renewalDue(expiresOn: expires, on: day, warningDays: try row.decode("warning_days")),
            version: try row.decode("version"), createdAt: try row.decode("created_at"), updatedAt: try row.decode("updated_at"))
    }

    /// Certificates of one site, soonest expiry first; `until` keeps those expiring by that day (expired ones included).
    static func list(site: UUID, staff: UUID?, type: String?, until: CalendarDate?, after: [String]?, limit: Int) -> PostgresStatement {
        PostgresStatement(
            """
            SELECT \(columns) FROM \(from())
            WHERE c.site_id = $1 AND ($2::uuid IS NULL OR c.staff_id = $2) AND ($3::text IS NULL OR c.certificate_type = $3)
              AND ($4::date IS NULL OR c.expires_on <= $4) AND st.status = 'active'
              AND ($5::date IS NULL OR (c.expires_on, c.id) > ($5, $6::uuid))
            ORDER BY c.expires_on, c.id LIMIT $7
            """, [site, staff, type, until, after?.first.flatMap(CalendarDate.init), after?.last.flatMap { UUID(text: $0) }, limit + 1])
    }

    /// Across the sites the scope reaches (headquarters): active staff's certificates expiring by `until`.
    /// `days` nil: each site's own warning period.
    static func acrossSites(now: Date, days: Int?, kind: String?, region: String?, after: [String]?, limit: Int) -> PostgresStatement {
        PostgresStatement(
            """
            SELECT \(columns) FROM \(from())
            WHERE c.expires_on <= ($1::timestamptz AT TIME ZONE s.timezone)::date + coalesce($7::int, \(warningDays)) AND st.status = 'active' AND s.status = 'active' AND ($2::text IS NULL OR s.kind = $2) AND ($3::text IS NULL OR s.region = $3)
              AND ($4::date IS NULL OR (c.expires_on, c.id) > ($4, $5::uuid))
            ORDER BY c.expires_on, c.id LIMIT $6
            """, [now, kind, region, after?.first.flatMap(CalendarDate.init), after?.last.flatMap { UUID(text: $0) }, limit + 1, days], prepared: false)
    }

    static func get(site: UUID, id: UUID) -> PostgresStatement {
        PostgresStatement("SELECT \(columns) FROM \(from()) WHERE c.site_id = $1 AND c.id = $2", [site, id])
    }

    static func insert(site: UUID, _ certificate: NewCertificate) -> PostgresStatement {
        PostgresStatement(
            """
            WITH created AS (
                INSERT INTO staff_certificates (site_id, staff_id, certificate_type, number, issuer, issued_on, expires_on, document_ref)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING *
            )
            SELECT \(columns) FROM \(from("created"))
            """,
            [site, certificate.staffId, certificate.type, certificate.number, certificate.issuer, certificate.issuedOn, certificate.expiresOn, certificate.documentRef])
    }

    static func update(site: UUID, id: UUID, _ certificate: NewCertificate, expectedVersion: Int) -> PostgresStatement {
        PostgresStatement(
            """
            WITH changed AS (
                UPDATE staff_certificates SET number = $3, issuer = $4, issued_on = $5, expires_on = $6, document_ref = $7, version = version + 1, updated_at = now()
                WHERE site_id = $1 AND id = $2 AND version = $8 RETURNING *
            )
            SELECT \(columns) FROM \(from("changed"))
            """,
            [site, id, certificate.number, certificate.issuer, certificate.issuedOn, certificate.expiresOn, certificate.documentRef, expectedVersion])
    }

    /// Every certificate one staff member holds (type and validity), for `PostRequirements`.
    static func held(site: UUID, staff: UUID) -> PostgresStatement {
        PostgresStatement("SELECT certificate_type, issued_on, expires_on FROM staff_certificates WHERE site_id = $1 AND staff_id = $2", [site, staff])
    }

    static func decodeHeld(_ row: PostgresRow) throws -> PostRequirements.HeldCertificate {
        PostRequirements.HeldCertificate(type: try row.decode("certificate_type"), issuedOn: try row.decode("issued_on"), expiresOn: try row.decode("expires_on"))
    }

    /// Throws 422 `staff.licence_required` unless `staff` holds, on `day`, a valid certificate of
    /// every type the post requires: the post's requirements and the person's certificates
    /// are loaded here, and `PostRequirements.missingCertificates` decides.
    static func requireLicence(_ connection: isolated PostgresConnection, site: UUID, staff: UUID, post: UUID, day: CalendarDate, field: String) async throws {
        guard let row = try await connection.execute(PostStore.requirements(site: site, id: post)).first else { return }
        let (requirements, names) = try PostStore.decodeRequirements(row)
        guard !requirements.requiredCertificates.isEmpty else { return }
        let held = try await connection.execute(held(site: site, staff: staff)).map(decodeHeld)
        let missing = requirements.missingCertificates(held, on: day).map { names[$0] ?? $0 }
        guard missing.isEmpty else {
            throw DomainError(.invalid, code: "staff.licence_required",
                              message: "\(requirements.postName) is a licensed post: the staff member needs a valid \(missing.joined(separator: ", ")) on \(day)",
                              fieldErrors: [.init(field: field, code: "staff.licence_required", message: "no valid \(missing.joined(separator: ", ")) on \(day)")])
        }
    }

    static func notFound(_ id: String) -> DomainError {
        DomainError(.notFound, code: "certificate.not_found", message: "no certificate \(id) at this site")
    }
}
