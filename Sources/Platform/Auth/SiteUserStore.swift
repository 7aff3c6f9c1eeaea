import Domain
import Foundation
import Postgres

/// The people with a role at a site, in PostgreSQL. Every statement on `user_site_roles`
/// filters `site_id` explicitly as well as through row-level security; `users` is global.
enum SiteUserStore {
    static let columns = "u.id AS user_id, u.username, u.display_name, r.role, r.staff_id, u.status, r.granted_at"

    static func decode(_ row: PostgresRow) throws -> SiteUserRoutes.SiteUser {
        SiteUserRoutes.SiteUser(
            userId: try row.decode("user_id"), username: try row.decode("username"), displayName: try row.decode("display_name"),
            role: Role(rawValue: try row.decode("role")) ?? .siteStaff, staffId: try row.decodeIfPresent("staff_id"),
            status: try row.decode("status"), grantedAt: try row.decode("granted_at"))
    }

    static func get(site: UUID, user: UUID) -> PostgresStatement {
        PostgresStatement("SELECT \(columns) FROM user_site_roles r JOIN users u ON u.id = r.user_id WHERE r.site_id = $1 AND r.user_id = $2", [site, user])
    }

    /// A page of the site's people by username, optionally of one role.
    static func list(site: UUID, role: String?, after: String?, limit: Int) -> PostgresStatement {
        PostgresStatement(
            """
            SELECT \(columns) FROM user_site_roles r JOIN users u ON u.id = r.user_id
            WHERE r.site_id = $1 AND ($2::text IS NULL OR r.role = $2) AND ($3::text IS NULL OR u.username > $3)
            ORDER BY u.username LIMIT $4
            """, [site, role, after, limit + 1])
    }

    /// Where an active user holds roles (across sites, ids only, through `app.user_site_ids`)
    /// and whether they are a headquarters user; no row for no such active user.
    static func whereabouts(of user: UUID) -> PostgresStatement {
        PostgresStatement("SELECT global_role IS NOT NULL AS headquarters, app.user_site_ids(id) AS sites FROM users WHERE id = $1 AND status = 'active'", [user])
    }

    static func insertUser(username: String, displayName: String, passwordHash: String?) -> PostgresStatement {
        PostgresStatement("INSERT INTO users (username, display_name, password_hash) VALUES ($1, $2, $3) RETURNING id", [username, displayName, passwordHash])
    }

    /// Gives the user a role at the site, or changes the one they have.
    static func grant(site: UUID, user: UUID, role: Role, staff: UUID?) -> PostgresStatement {
        PostgresStatement(
            """
            INSERT INTO user_site_roles (site_id, user_id, role, staff_id) VALUES ($1, $2, $3, $4)
            ON CONFLICT (site_id, user_id) DO UPDATE SET role = EXCLUDED.role, staff_id = EXCLUDED.staff_id, granted_at = now()
            """, [site, user, role.rawValue, staff])
    }

    static func revoke(site: UUID, user: UUID) -> PostgresStatement {
        PostgresStatement("DELETE FROM user_site_roles WHERE site_id = $1 AND user_id = $2", [site, user])
    }
}
