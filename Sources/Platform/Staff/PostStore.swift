import Domain
import Foundation
import Postgres

/// Posts in PostgreSQL. Every statement filters `site_id` explicitly as well as through
/// row-level security.
enum PostStore {
    static let columns = """
        p.id, p.code, p.name, p.department_id, p.required_certificates, p.active, p.version, p.created_at, p.updated_at,
        (SELECT count(*)::int FROM staff s WHERE s.site_id = p.site_id AND s.post_id = p.id AND s.status = 'active') AS holders
        """

    static func decode(_ row: PostgresRow) throws -> Post {
        Post(id: try row.decode("id"), code: try row.decode("code"), name: try row.decode("name"), departmentId: try row.decodeIfPresent("department_id"),
             requiredCertificates: try row.decode("required_certificates"), active: try row.decode("active"), holders: try row.decode("holders"),
             version: try row.decode("version"), createdAt: try row.decode("created_at"), updatedAt: try row.decode("updated_at"))
    }

    static func list(site: UUID, active: Bool?, department: UUID?, after: [String]?, limit: Int) -> PostgresStatement {
        PostgresStatement(
            """
            SELECT \(columns) FROM posts p
            WHERE p.site_id = $1 AND ($2::bool IS NULL OR p.active = $2) AND ($3::uuid IS NULL OR p.department_id = $3)
              AND ($4::text IS NULL OR (p.code, p.id) > ($4, $5::uuid))
            ORDER BY p.code, p.id LIMIT $6
            """, [site, active, department, after?.first, after?.last, limit + 1])
    }

    static func get(site: UUID, id: UUID) -> PostgresStatement {
        PostgresStatement("SELECT \(columns) FROM posts p WHERE p.site_id = $1 AND p.id = $2", [site, id])
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

    static func insert(site: UUID, _ post: NewPost) -> PostgresStatement {
        PostgresStatement(
            """
            WITH p AS (
                INSERT INTO posts (site_id, code, name, department_id, required_certificates) VALUES ($1, $2, $3, $4, $5::text[])
                RETURNING *
            )
            SELECT \(columns) FROM p
            """, [site, post.code, post.name, post.departmentId, post.requiredCertificates ?? []])
    }

    static func update(site: UUID, id: UUID, _ changes: PostChanges, active: Bool?) -> PostgresStatement {
        PostgresStatement(
            """
            WITH p AS (
                UPDATE posts SET name = coalesce($3::text, name), department_id = coalesce($4::uuid, department_id),
                    required_certificates = coalesce($5::text[], required_certificates), active = coalesce($6::bool, active),
                    version = version + 1, updated_at = now()
                WHERE site_id = $1 AND id = $2
                RETURNING *
            )
            SELECT \(columns) FROM p
            """, [site, id, changes.name, changes.departmentId, changes.requiredCertificates, active])
    }

    static func notFound(_ id: String) -> DomainError {
        DomainError(.notFound, code: "post.not_found", message: "no post with id \(id) at this site")
    }
}
