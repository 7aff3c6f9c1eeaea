import Domain
import Foundation
import Postgres

/// Users and their roles per site.
public struct UserStore: Sendable {
    public let database: PlatformDatabase

    public init(database: PlatformDatabase) {
        self.database = database
    }

    public struct User: Sendable, Equatable {
        public var id: UUID
        public var username: String
        public var displayName: String
        public var globalRole: Role?
        public var status: String
    }

    /// A role at one site, by site code.
    public struct Grant: Sendable, Equatable {
        public var siteCode: String
        public var role: Role
        public init(siteCode: String, role: Role) {
            self.siteCode = siteCode
            self.role = role
        }
    }

    /// Normalizes a username (trimmed, lower case) and display name (trimmed) and lists what
    /// is wrong with them.
    static func identity(username: String, displayName: String) -> (username: String, displayName: String, errors: [DomainError.FieldError]) {
        let username = username.trimmingCharacters(in: .whitespaces).lowercased()
        let name = displayName.trimmingCharacters(in: .whitespacesAndNewlines)
        var errors: [DomainError.FieldError] = []
        if username.range(of: "^[a-z0-9][a-z0-9._-]{1,63}$", options: .regularExpression) == nil {
            errors.append(.init(field: "username", code: "user.invalid_username", message: "a username is 2–64 of a–z, 0–9, '.', '_' or '-', starting with a letter or digit"))
        }
        if name.isEmpty || name.count > 100 {
            errors.append(.init(field: "displayName", code: "user.invalid_name", message: "a display name is 1–100 characters"))
        }
        return (username, name, errors)
    }

    /// Creates a user with a headquarters role or roles at sites (not both).
    public func create(username: String, displayName: String, globalRole: Role?, grants: [Grant], scope: AccessScope) async throws -> User {
        let identity = Self.identity(username: username, displayName: displayName)
        let (username, name) = (identity.username, identity.displayName)
        var errors = identity.errors
        if let globalRole, !globalRole.isHeadquarters {
            errors.append(.init(field: "globalRole", code: "user.invalid_role", message: "only hq_admin and hq_analyst are global roles; grant site roles per site"))
        }
        if globalRole != nil && !grants.isEmpty {
            errors.append(.init(field: "grants", code: "user.invalid_role", message: "a headquarters user reaches every site already; give either a global role or site roles"))
        }
        if globalRole == nil && grants.isEmpty {
            errors.append(.init(field: "grants", code: "user.no_role", message: "give the user a global role or at least one site role"))
        }
        if grants.contains(where: { $0.role.isHeadquarters }) {
            errors.append(.init(field: "grants", code: "user.invalid_role", message: "hq_admin and hq_analyst cannot be granted per site"))
        }
        if Set(grants.map { $0.siteCode.uppercased() }).count != grants.count {
            errors.append(.init(field: "grants", code: "user.duplicate_site", message: "one role per site"))
        }
        try DomainError.check(errors)
        do {
            return try await database.transaction(scope) { connection in
                let row = try await connection.query(
                    "INSERT INTO users (username, display_name, global_role) VALUES ($1, $2, $3) RETURNING id, username, display_name, global_role, status",
                    [username, name, globalRole?.rawValue])[0]
                let user = User(id: try row.decode("id"), username: try row.decode("username"), displayName: try row.decode("display_name"),
                                globalRole: globalRole, status: try row.decode("status"))
                for grant in grants {
                    let inserted = try await connection.query(
                        "INSERT INTO user_site_roles (site_id, user_id, role) SELECT id, $2, $3 FROM sites WHERE code = $1",
                        [grant.siteCode.uppercased(), user.id, grant.role.rawValue])
                    guard inserted.affectedRows == 1 else { throw SiteStore.notFound(grant.siteCode) }
                }
                return user
            }
        } catch let error as PostgresError where error.code == .uniqueViolation && error.constraint == "users_username_key" {
            throw DomainError(.conflict, code: "user.username_taken", message: "username \(username) is taken",
                              fieldErrors: [.init(field: "username", code: "user.username_taken", message: "username \(username) is taken")])
        }
    }

    /// Sets a user's password (hashed with `PasswordHasher`); false when there is no such user.
    @discardableResult
    public func setPassword(username: String, password: String, scope: AccessScope) async throws -> Bool {
        try PasswordHasher.check(password)
        let hash = try await PasswordHasher.hash(password)
        let rows = try await database.pipeline(scope, [
            PostgresStatement("UPDATE users SET password_hash = $2, version = version + 1, updated_at = now() WHERE username = $1", [username.lowercased(), hash])
        ])
        return rows[0].affectedRows == 1
    }

    /// The stored password hash of an active user, for signing in.
    func passwordHash(username: String) async throws -> (id: UUID, hash: String)? {
        let rows = try await database.pool.query("SELECT id, password_hash FROM users WHERE username = $1 AND status = 'active'", [username.lowercased()])
        guard let row = rows.first, let hash = try row.decodeIfPresent("password_hash", as: String.self) else { return nil }
        return (try row.decode("id"), hash)
    }

    public func find(username: String, scope: AccessScope) async throws -> User? {
        let rows = try await database.pipeline(scope, [
            PostgresStatement("SELECT id, username, display_name, global_role, status FROM users WHERE username = $1", [username.lowercased()])
        ])
        return try rows[0].first.map { row in
            User(id: try row.decode("id"), username: try row.decode("username"), displayName: try row.decode("display_name"),
                 globalRole: try row.decodeIfPresent("global_role", as: String.self).flatMap(Role.init(rawValue:)), status: try row.decode("status"))
        }
    }
}
