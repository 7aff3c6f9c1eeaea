import Domain
import Foundation
import Postgres

/// Departments in PostgreSQL. Every statement filters `site_id` explicitly as well as
/// through row-level security.
public enum DepartmentStore {
    static let columns = "id, code, name, kind, active, version, created_at, updated_at"

    static func decode(_ row: PostgresRow) throws -> Department {
        Department(
            id: try row.decode("id"), code: try row.decode("code"), name: try row.decode("name"),
            kind: DepartmentKind(rawValue: try row.decode("kind")) ?? .other, active: try row.decode("active"),
            version: try row.decode("version"), createdAt: try row.decode("created_at"), updatedAt: try row.decode("updated_at"))
    }

    static func list(site: UUID, active: Bool?, after: [String]?, limit: Int) -> PostgresStatement {
        PostgresStatement(
            """
            SELECT \(columns) FROM departments
            WHERE site_id = $1 AND ($2::bool IS NULL OR active = $2) AND ($3::text IS NULL OR (code, id) > ($3, $4::uuid))
            ORDER BY code, id LIMIT $5
            """, [site, active, after?.first, after?.last, limit + 1])
    }

    static func get(site: UUID, id: UUID) -> PostgresStatement {
        PostgresStatement("SELECT \(columns) FROM departments WHERE site_id = $1 AND id = $2", [site, id])
    }

    static func insert(site: UUID, _ department: NewDepartment) -> PostgresStatement {
        PostgresStatement(
            "INSERT INTO departments (site_id, code, name, kind) VALUES ($1, $2, $3, $4) RETURNING \(columns)",
            [site, department.code, department.name, department.kind.rawValue])
    }

    /// Applies changes when the version still matches (or none is given); no row means gone or stale.
    static func update(site: UUID, id: UUID, name: String?, kind: DepartmentKind?, active: Bool?, expectedVersion: Int?) -> PostgresStatement {
        PostgresStatement(
            """
            UPDATE departments SET name = coalesce($3, name), kind = coalesce($4, kind), active = coalesce($5, active),
                version = version + 1, updated_at = now()
            WHERE site_id = $1 AND id = $2 AND ($6::int IS NULL OR version = $6)
            RETURNING \(columns)
            """, [site, id, name, kind?.rawValue, active, expectedVersion])
    }

    static func notFound(_ id: String) -> DomainError {
        DomainError(.notFound, code: "department.not_found", message: "no department with id \(id) at this site")
    }
}
