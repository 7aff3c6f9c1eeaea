import Domain
import Foundation
import Postgres

/// Posts in PostgreSQL. Every statement filters `site_id` explicitly as well as through
/// row-level security.
enum PostStore {
    /// The columns of a post; `day` is the placeholder of today's date in the site's timezone,
    /// against which `unlicensed_holders` counts active holders lacking a valid certificate of
    /// a required type.
    static func columns(day: String) -> String {
        """
        p.id, p.code, p.name, p.department_id, p.required_certificates, p.level, p.veterans_only, p.active, p.version, p.created_at, p.updated_at,
        (SELECT count(*)::int FROM staff s WHERE s.site_id = p.site_id AND s.post_id = p.id AND s.status = 'active') AS holders,
        (SELECT count(*)::int FROM staff s WHERE s.site_id = p.site_id AND s.post_id = p.id AND s.status = 'active'
           AND EXISTS (SELECT 1 FROM unnest(p.required_certificates) AS r(type)
                       WHERE NOT EXISTS (SELECT 1 FROM staff_certificates c WHERE c.site_id = s.site_id AND c.staff_id = s.id
                                         AND c.certificate_type = r.type AND c.issued_on <= \(day)::date AND c.expires_on >= \(day)::date))) AS unlicensed_holders
        """
    }

    static func decode(_ row: PostgresRow) throws -> Post {
        Post(id: try row.decode("id"), code: try row.decode("code"), name: try row.decode("name"), departmentId: try row.decodeIfPresent("department_id"),
             requiredCertificates: try row.decode("required_certificates"),
             level: PostLevel(rawValue: try row.decode("level")) ?? .operative, veteransOnly: try row.decode("veterans_only"),
             active: try row.decode("active"), holders: try row.decode("holders"), unlicensedHolders: try row.decode("unlicensed_holders"),
             version: try row.decode("version"), createdAt: try row.decode("created_at"), updatedAt: try row.decode("updated_at"))
    }

    static func list(site: UUID, active: Bool?, department: UUID?, after: [String]?, limit: Int, today: CalendarDate) -> PostgresStatement {
        PostgresStatement(
            """
            SELECT \(columns(day: "$7")) FROM posts p
            WHERE p.site_id = $1 AND ($2::bool IS NULL OR p.active = $2) AND ($3::uuid IS NULL OR p.department_id = $3)
              AND ($4::text IS NULL OR (p.code, p.id) > ($4, $5::uuid))
            ORDER BY p.code, p.id LIMIT $6
            """, [site, active, department, after?.first, after?.last, limit + 1, today])
    }

    static func get(site: UUID, id: UUID, today: CalendarDate) -> PostgresStatement {
        PostgresStatement("SELECT \(columns(day: "$3")) FROM posts p WHERE p.site_id = $1 AND p.id = $2", [site, id, today])
    }

    /// What assigning the post asks (`PostRequirements`), with the names of the certificate
    /// types for messages; no row when the post is not this site's.
    static func requirements(site: UUID, id: UUID) -> PostgresStatement {
        PostgresStatement(
            """
            SELECT p.name, p.level, p.veterans_only, p.required_certificates,
                   (SELECT coalesce(array_agg(coalesce(t.name_zh, r.type) ORDER BY r.n), '{}') FROM unnest(p.required_certificates) WITH ORDINALITY AS r(type, n)
                    LEFT JOIN certificate_types t ON t.code = r.type) AS certificate_names
            FROM posts p WHERE p.site_id = $1 AND p.id = $2
            """, [site, id])
    }

    static func decodeRequirements(_ row: PostgresRow) throws -> (PostRequirements, names: [String: String]) {
        let types: [String] = try row.decode("required_certificates")
        let names: [String] = try row.decode("certificate_names")
        return (PostRequirements(postName: try row.decode("name"), level: PostLevel(rawValue: try row.decode("level")) ?? .operative,
                                 veteransOnly: try row.decode("veterans_only"), requiredCertificates: types),
                Dictionary(zip(types, names), uniquingKeysWith: { first, _ in first }))
    }

    /// The post's version and active holders, locked for a change.
    static func lock(site: UUID, id: UUID) -> PostgresStatement {
        PostgresStatement(
            """
            SELECT p.version, (SELECT count(*)::int FROM staff s WHERE s.site_id = p.site_id AND s.post_id = p.id AND s.status = 'active') AS holders
            FROM posts p WHERE p.site_id = $1 AND p.id = $2 FOR UPDATE
            """, [site, id])
    }

    /// The codes of `types` that are not certificate types, in the order given.
    static func unknownCertificateTypes(_ types: [String]) -> PostgresStatement {
        PostgresStatement(
            "SELECT coalesce(array_agg(t ORDER BY n), '{}') AS unknown FROM unnest($1::text[]) WITH ORDINALITY AS u(t, n) WHERE t NOT IN (SELECT code FROM certificate_types)",
            [types])
    }

    static func insert(site: UUID, _ post: NewPost, today: CalendarDate) -> PostgresStatement {
        PostgresStatement(
            """
            WITH p AS (
                INSERT INTO posts (site_id, code, name, department_id, required_certificates, level, veterans_only)
                VALUES ($1, $2, $3, $4, $5::text[], $6, $7)
                RETURNING *
            )
            SELECT \(columns(day: "$8")) FROM p
            """, [site, post.code, post.name, post.departmentId, post.requiredCertificates ?? [], (post.level ?? .operative).rawValue, post.veteransOnly ?? false, today])
    }

    static func update(site: UUID, id: UUID, _ changes: PostChanges, active: Bool?, today: CalendarDate) -> PostgresStatement {
        PostgresStatement(
            """
            WITH p AS (
                UPDATE posts SET name = coalesce($3::text, name), department_id = coalesce($4::uuid, department_id),
                    required_certificates = coalesce($5::text[], required_certificates), active = coalesce($6::bool, active),
                    level = coalesce($7::text, level), veterans_only = coalesce($8::bool, veterans_only),
                    version = version + 1, updated_at = now()
                WHERE site_id = $1 AND id = $2
                RETURNING *
            )
            SELECT \(columns(day: "$9")) FROM p
            """, [site, id, changes.name, changes.departmentId, changes.requiredCertificates, active, changes.level?.rawValue, changes.veteransOnly, today])
    }

    static func notFound(_ id: String) -> DomainError {
        DomainError(.notFound, code: "post.not_found", message: "no post with id \(id) at this site")
    }
}
