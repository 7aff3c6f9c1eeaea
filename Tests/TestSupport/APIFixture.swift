import Foundation
import Platform
import Postgres

/// Two sites (H01 hospital, R01 residence) with a user and token per role, for API tests.
public struct APIFixture: Sendable {
    public let platform: TestPlatform
    public let h01: Site
    public let r01: Site
    /// Username → bearer token.
    public let tokens: [String: String]

    public static let users: [(username: String, global: Role?, grants: [UserStore.Grant])] = [
        ("hq.admin", .hqAdmin, []),
        ("hq.analyst", .hqAnalyst, []),
        ("east", nil, [.init(siteCode: "H01", role: .regionalManager)]),
        ("h01.manager", nil, [.init(siteCode: "H01", role: .siteManager)]),
        ("h01.agent", nil, [.init(siteCode: "H01", role: .siteAgent)]),
        ("h01.staff", nil, [.init(siteCode: "H01", role: .siteStaff)]),
        ("h01.guard", nil, [.init(siteCode: "H01", role: .siteStaff)]),
        ("r01.manager", nil, [.init(siteCode: "R01", role: .siteManager)]),
    ]

    public static func make() async throws -> APIFixture {
        let platform = try await TestPlatform.make()
        let h01 = try await platform.sites.create(NewSite(code: "H01", name: "市第一人民医院", kind: .hospital, region: "华东"), scope: .operations).site
        let r01 = try await platform.sites.create(NewSite(code: "R01", name: "锦绣花园", kind: .residence, region: "华北"), scope: .operations).site
        var tokens: [String: String] = [:]
        for user in users {
            _ = try await platform.users.create(username: user.username, displayName: user.username, globalRole: user.global, grants: user.grants, scope: .operations)
            tokens[user.username] = try await platform.tokens.issue(username: user.username, lifetime: 3600, label: nil, scope: .operations).token.secret
        }
        return APIFixture(platform: platform, h01: h01, r01: r01, tokens: tokens)
    }

    public var configuration: PlatformConfiguration {
        PlatformConfiguration(port: 0, databaseURL: platform.database.app.connectionString, migrationDatabaseURL: platform.database.owner.connectionString, logLevel: .error)
    }

    public func bearer(_ username: String) -> String { "Bearer \(tokens[username] ?? "missing")" }

    /// Two sessions beside the server's: the owner's (`blocker`), to hold locks the server's
    /// requests wait on, and the superuser's (`watcher`), which sees every session in
    /// `pg_stat_activity` (other roles' sessions are visible only to a superuser or
    /// pg_read_all_stats). Both are closed afterwards, whether `body` returns or throws.
    public func withBlockerAndWatcher<T: Sendable>(_ body: (_ blocker: PostgresConnection, _ watcher: PostgresConnection) async throws -> T) async throws -> T {
        try await PostgresConnection.with(platform.database.owner, logger: quietLogger) { blocker in
            try await PostgresConnection.with(platform.database.superuser, logger: quietLogger) { watcher in
                try await body(blocker, watcher)
            }
        }
    }

    /// Runs SQL as the owner with the all-sites scope (for checking what was written).
    public func count(_ sql: String, _ parameters: [(any PostgresEncodable)?] = []) async throws -> Int {
        let database = platform.database
        return try await database.withConnection(database.owner) { connection in
            try await connection.withTransaction([.setLocal("app.scope", "all")]) { connection in
                try await connection.query(sql, parameters).first?.decode(at: 0, as: Int.self) ?? -1
            }
        }
    }

    /// The id of a department of `site` by code.
    public func departmentID(_ site: Site, _ code: String) async throws -> UUID {
        let rows = try await platform.platform.pipeline(.operations, [PostgresStatement("SELECT id FROM departments WHERE site_id = $1 AND code = $2", [site.id, code])])
        guard let id = try rows[0].first?.decode("id", as: UUID.self) else { throw PostgresError(kind: .decoding, message: "no department \(code)") }
        return id
    }

    /// Adds a staff member to `site` in the department `department` (by code); returns the id.
    @discardableResult
    public func addStaff(_ site: Site, _ employeeNo: String, _ name: String, department: String) async throws -> UUID {
        let departmentID = try await departmentID(site, department)
        let rows = try await platform.platform.pipeline(.operations, [PostgresStatement(
            "INSERT INTO staff (site_id, employee_no, name, department_id, hire_date) VALUES ($1, $2, $3, $4, '2020-01-01') RETURNING id",
            [site.id, employeeNo, name, departmentID])])
        return try rows[0][0].decode("id", as: UUID.self)
    }

    /// Links a user's role at `site` to a staff record (as a site manager would).
    public func link(_ username: String, _ site: Site, staff: UUID) async throws {
        _ = try await platform.platform.pipeline(.operations, [PostgresStatement(
            "UPDATE user_site_roles SET staff_id = $3 WHERE site_id = $1 AND user_id = (SELECT id FROM users WHERE username = $2)", [site.id, username, staff])])
    }

    /// The configuration with a hand-moved clock.
    public func configuration(clock: TestClock) -> PlatformConfiguration {
        var configuration = self.configuration
        configuration.clock = clock.clock
        return configuration
    }

    public func close() async throws {
        try await platform.close()
    }

    /// Runs `body` with a fresh fixture and closes it afterwards (pool closed, database
    /// dropped), whether `body` returns or throws.
    public static func with<T: Sendable>(_ body: (APIFixture) async throws -> T) async throws -> T {
        let fixture = try await make()
        do {
            let result = try await body(fixture)
            try await fixture.close()
            return result
        } catch {
            try? await fixture.close()
            throw error
        }
    }
}
