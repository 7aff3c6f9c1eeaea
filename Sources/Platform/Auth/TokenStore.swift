import Domain
import Foundation
import Postgres

/// Issuing and revoking bearer tokens.
public struct TokenStore: Sendable {
    public let database: PlatformDatabase

    public init(database: PlatformDatabase) {
        self.database = database
    }

    public struct Issued: Sendable {
        public var id: UUID
        /// Shown once; only its hash is stored.
        public var token: APIToken
        public var expiresAt: Date
    }

    /// Issues a token for `username` valid for `lifetime` seconds (1 minute to 2 years).
    public func issue(username: String, lifetime: TimeInterval, label: String?, scope: AccessScope) async throws -> Issued {
        guard (60...(2 * 366 * 86_400)).contains(lifetime) else {
            throw DomainError.invalid(field: "expires", code: "token.invalid_lifetime", message: "a token lives between 1 minute and 2 years")
        }
        let token = APIToken.generate()
        let rows = try await database.pipeline(scope, [
            PostgresStatement(
                """
                INSERT INTO api_tokens (user_id, token_sha256, label, expires_at)
                SELECT id, $2, $3, now() + make_interval(secs => $4) FROM users WHERE username = $1 AND status = 'active'
                RETURNING id, expires_at
                """, [username.lowercased(), token.sha256, label, lifetime])
        ])
        guard let row = rows[0].first else {
            throw DomainError(.notFound, code: "user.not_found", message: "no active user named \(username)")
        }
        return Issued(id: try row.decode("id"), token: token, expiresAt: try row.decode("expires_at"))
    }

    /// Revokes a token by its id; revoking twice is harmless. Returns whether it existed.
    @discardableResult
    public func revoke(id: UUID, scope: AccessScope) async throws -> Bool {
        let rows = try await database.pipeline(scope, [
            PostgresStatement("UPDATE api_tokens SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1", [id]),
            PrincipalChanges.tokens(where: "id = $1", [id]),
        ])
        return rows[0].affectedRows == 1
    }

    /// Revokes the token with this secret (signing out); false when it was not live.
    public func revoke(secret: String) async throws -> Bool {
        let rows = try await database.pool.pipeline([
            .begin,
            PostgresStatement("UPDATE api_tokens SET revoked_at = now() WHERE token_sha256 = $1 AND revoked_at IS NULL", [APIToken.hash(secret)]),
            PrincipalChanges.tokens(where: "token_sha256 = $1", [APIToken.hash(secret)]),
            .commit,
        ])
        return rows[1].affectedRows == 1
    }

    /// Revokes every live token of a user; returns how many.
    public func revokeAll(username: String, scope: AccessScope) async throws -> Int {
        let rows = try await database.pipeline(scope, [
            PostgresStatement(
                "UPDATE api_tokens SET revoked_at = now() WHERE revoked_at IS NULL AND user_id = (SELECT id FROM users WHERE username = $1)",
                [username.lowercased()]),
            // now() is the transaction's start: the tokens revoked just above.
            PrincipalChanges.tokens(where: "revoked_at = now() AND user_id = (SELECT id FROM users WHERE username = $1)", [username.lowercased()]),
        ])
        return rows[0].affectedRows
    }
}
