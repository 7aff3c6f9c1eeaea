import Domain
import Foundation
import Postgres

/// Sites in PostgreSQL: provisioning a new site from its kind's template, finding, listing
/// and suspending.
public struct SiteStore: Sendable {
    public let database: PlatformDatabase

    public init(database: PlatformDatabase) {
        self.database = database
    }

    static let columns = "id, code, name, kind, timezone, region, status, created_at, version"

    static func decode(_ row: PostgresRow) throws -> Site {
        Site(
            id: try row.decode("id"), code: try row.decode("code"), name: try row.decode("name"),
            kind: try Site.Kind(rawValue: row.decode("kind")) ?? .residence, timezone: try row.decode("timezone"),
            region: try row.decodeIfPresent("region"), status: try Site.Status(rawValue: row.decode("status")) ?? .active,
            createdAt: try row.decode("created_at"), version: try row.decode("version"))
    }

    /// Creates a site ready to work: the site, its departments and posts, calendars and
    /// default policies, in one transaction.
    ///
    /// Idempotent: the same arguments again return the existing site with `created == false`;
    /// a different site under the same code is a `site.code_taken` conflict.
    public func create(_ request: NewSite, scope: AccessScope) async throws -> (site: Site, created: Bool) {
        let site = try request.validated()
        if let existing = try await find(code: site.code, scope: scope) { return (try Self.sameOrConflict(existing, site), false) }
        do {
            return (try await provision(site, scope: scope), true)
        } catch let error as PostgresError where error.code == .uniqueViolation && error.constraint == "sites_code_key" {
            // Another request created it between our look-up and insert.
            guard let existing = try await find(code: site.code, scope: scope) else { throw error }
            return (try Self.sameOrConflict(existing, site), false)
        }
    }

    static func sameOrConflict(_ existing: Site, _ request: NewSite) throws -> Site {
        guard existing.name == request.name, existing.kind == request.kind, existing.timezone == request.timezone, existing.region == request.region else {
            throw DomainError(
                .conflict, code: "site.code_taken",
                message: "site \(request.code) already exists as \(existing.kind.rawValue) '\(existing.name)' (\(existing.timezone)\(existing.region.map { ", \($0)" } ?? "")); choose another code",
                fieldErrors: [.init(field: "code", code: "site.code_taken", message: "site code \(request.code) is taken")])
        }
        return existing
    }

    private func provision(_ site: NewSite, scope: AccessScope) async throws -> Site {
        try await database.transaction(scope) { try await Self.provision(site, on: $0) }
    }

    /// Inserts the site and everything its kind's template gives it, inside the caller's
    /// transaction.
    static func provision(_ site: NewSite, on connection: isolated PostgresConnection) async throws -> Site {
        let template = SiteTemplate.forKind(site.kind)
        let inserted = try await connection.query(
            "INSERT INTO sites (code, name, kind, timezone, region) VALUES ($1, $2, $3, $4, $5) RETURNING \(Self.columns)",
            [site.code, site.name, site.kind.rawValue, site.timezone, site.region])
        let created = try Self.decode(inserted[0])
        try await connection.query(
            "INSERT INTO departments (site_id, code, name, kind) SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[])",
            [created.id, template.departments.map(\.code), template.departments.map(\.name), template.departments.map(\.kind)])
        try await connection.query(
            """
            INSERT INTO posts (site_id, code, name, department_id, required_certificates, level, veterans_only)
            SELECT $1, p.code, p.name, d.id, string_to_array(p.certificates, ','), p.level, p.veterans_only
            FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::bool[]) AS p (code, name, department, certificates, level, veterans_only)
            JOIN departments d ON d.site_id = $1 AND d.code = p.department
            """,
            [created.id, template.posts.map(\.code), template.posts.map(\.name), template.posts.map(\.department),
             template.posts.map { $0.requiredCertificates.joined(separator: ",") }, template.posts.map(\.level.rawValue), template.posts.map(\.veteransOnly)])
        for calendar in template.calendars {
            try await connection.query(
                """
                WITH calendar AS (
                    INSERT INTO working_calendars (site_id, code, name, is_default) VALUES ($1, $2, $3, $4) RETURNING id
                )
                INSERT INTO calendar_hours (site_id, calendar_id, weekday, opens, closes)
                SELECT $1, calendar.id, h.weekday, h.opens, h.closes
                FROM calendar, unnest($5::smallint[], $6::time[], $7::time[]) AS h (weekday, opens, closes)
                """,
                [created.id, calendar.code, calendar.name, calendar.isDefault, calendar.hours.map(\.weekday),
                 calendar.hours.map(\.opens), calendar.hours.map(\.closes)])
        }
        try await connection.query(
            "INSERT INTO site_policies (site_id, key, value) SELECT $1, p.key, p.value::jsonb FROM unnest($2::text[], $3::text[]) AS p (key, value)",
            [created.id, template.policies.map(\.key), template.policies.map(\.json)])
        return created
    }

    public func find(code: String, scope: AccessScope) async throws -> Site? {
        let rows = try await database.pipeline(scope, [Self.byCode(code)])
        return try rows[0].first.map(Self.decode)
    }

    static func byCode(_ code: String) -> PostgresStatement {
        PostgresStatement("SELECT \(columns) FROM sites WHERE code = $1", [code.uppercased()])
    }

    /// Sites in code order, optionally filtered.
    public func list(kind: Site.Kind? = nil, region: String? = nil, status: Site.Status? = nil, scope: AccessScope) async throws -> [Site] {
        let rows = try await database.pipeline(scope, [Self.list(kind: kind?.rawValue, region: region, status: status?.rawValue)])
        return try rows[0].map(Self.decode)
    }

    /// Sites in code order after `afterCode`, at most `limit` (all when nil).
    static func list(kind: String?, region: String?, status: String?, afterCode: String? = nil, limit: Int? = nil) -> PostgresStatement {
        PostgresStatement(
            """
            SELECT \(columns) FROM sites
            WHERE ($1::text IS NULL OR kind = $1) AND ($2::text IS NULL OR region = $2) AND ($3::text IS NULL OR status = $3)
              AND ($4::text IS NULL OR code > $4)
            ORDER BY code LIMIT $5
            """, [kind, region, status, afterCode, limit])
    }

    /// Sets a site's status; its users lose (or regain) access at once, data is kept.
    public func setStatus(code: String, _ status: Site.Status, scope: AccessScope) async throws -> Site {
        let rows = try await database.pipeline(scope, [
            PostgresStatement(
                """
                UPDATE sites SET status = $2, version = version + CASE WHEN status = $2 THEN 0 ELSE 1 END, updated_at = now()
                WHERE code = $1 RETURNING \(Self.columns)
                """, [code.uppercased(), status.rawValue]),
            PrincipalChanges.notify("sites"),
        ])
        guard let row = rows[0].first else { throw Self.notFound(code) }
        return try Self.decode(row)
    }

    /// Counts of what a site has, for `tenant show`.
    public func inventory(siteID: UUID, scope: AccessScope) async throws -> [String: Int] {
        let tables = ["departments", "posts", "working_calendars", "staff", "user_site_roles", "site_policies"]
        let rows = try await database.pipeline(scope, tables.map { PostgresStatement("SELECT count(*) AS n FROM \($0) WHERE site_id = $1", [siteID]) })
        var counts: [String: Int] = [:]
        for (table, result) in zip(tables, rows) { counts[table] = try result.first?.decode("n", as: Int.self) ?? 0 }
        return counts
    }

    static func notFound(_ code: String) -> DomainError {
        DomainError(.notFound, code: "site.not_found", message: "no site with code \(code.uppercased())")
    }
}
