import Domain
import Foundation
import Postgres

/// Turns a bearer token into a `Principal`, through `app.authenticate` so the app role
/// never reads the token table itself.
public struct Authenticator: Sendable {
    public let database: PlatformDatabase

    public init(database: PlatformDatabase) {
        self.database = database
    }

    /// The principal for `secret`, or `unauthorized` when the token is unknown, expired or
    /// revoked, the user disabled, or every site the user works at suspended.
    public func authenticate(_ secret: String) async throws -> Principal {
        try await authenticateToken(secret).principal
    }

    /// The principal for `secret` and when the token expires (a cache keeps it no longer; nil
    /// when the expiry is not a finite time).
    func authenticateToken(_ secret: String) async throws -> (principal: Principal, expiresAt: Date?) {
        let rows = try await database.pool.query(
            "SELECT user_id, username, display_name, global_role, grants, expires_at FROM app.authenticate($1)", [APIToken.hash(secret)])
        guard let row = rows.first else {
            throw DomainError(.unauthorized, code: "auth.invalid_token", message: "the token is unknown, expired or revoked")
        }
        let principal = Principal(
            userID: try row.decode("user_id"), username: try row.decode("username"), displayName: try row.decode("display_name"),
            globalRole: try row.decodeIfPresent("global_role", as: String.self).flatMap(Role.init(rawValue:)),
            grants: try row.decode("grants", as: PostgresJSON<[Principal.SiteGrant]>.self).value)
        if principal.globalRole == nil && principal.grants.isEmpty {
            throw DomainError(.unauthorized, code: "auth.no_active_site", message: "this user has no role at any active site")
        }
        return (principal, try? row.decode("expires_at", as: Date.self))
    }
}
