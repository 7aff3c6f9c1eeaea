import Foundation
import Postgres
import TestSupport
import Testing

@Suite("Row-level security keeps sites apart for platform_app")
struct SiteIsolationTests {
    struct TwoSites {
        let database: TestDatabase
        let a: UUID
        let b: UUID
    }

    /// Runs `body` on two sites with a department each, written by the owner with the all-sites
    /// scope; the database is dropped afterwards, whether `body` returns or throws.
    func withTwoSites<T: Sendable>(_ body: (TwoSites) async throws -> T) async throws -> T {
        try await TestDatabase.with { database in
            let a = UUID(), b = UUID()
            try await database.withConnection(database.owner) { connection in
                _ = try await connection.pipeline([
                    .simple("BEGIN"), .setLocal("app.scope", "all"),
                    PostgresStatement("INSERT INTO sites (id, code, name, kind) VALUES ($1, 'A01', 'Site A', 'hospital'), ($2, 'B01', 'Site B', 'residence')", [a, b]),
                    PostgresStatement("INSERT INTO departments (site_id, code, name, kind) VALUES ($1, 'eng', '工程部', 'engineering'), ($2, 'eng', '工程部', 'engineering')", [a, b]),
                    .simple("COMMIT"),
                ])
            }
            return try await body(TwoSites(database: database, a: a, b: b))
        }
    }

    func asApp(_ sites: TwoSites, scope: [PostgresStatement], _ statement: PostgresStatement) async throws -> PostgresRows {
        try await sites.database.withConnection(sites.database.app) { connection in
            try await connection.pipeline([.simple("BEGIN")] + scope + [statement, .simple("COMMIT")])[scope.count + 1]
        }
    }

    @Test func anActorOfSiteASeesOnlySiteARows() async throws {
        try await withTwoSites { sites in
            let rows = try await asApp(sites, scope: [.setLocal("app.site_ids", "{\(sites.a)}")], PostgresStatement("SELECT site_id FROM departments"))
            #expect(try rows.map { try $0.decode("site_id", as: UUID.self) } == [sites.a])
            let siteRows = try await asApp(sites, scope: [.setLocal("app.site_ids", "{\(sites.a)}")], PostgresStatement("SELECT code FROM sites"))
            #expect(try siteRows.map { try $0.decode("code", as: String.self) } == ["A01"])
        }
    }

    @Test func anActorOfSiteACannotWriteSiteBRows() async throws {
        try await withTwoSites { sites in
            let scope: [PostgresStatement] = [.setLocal("app.site_ids", "{\(sites.a)}")]
            do {
                _ = try await asApp(sites, scope: scope, PostgresStatement("INSERT INTO departments (site_id, code, name, kind) VALUES ($1, 'sec', '保安部', 'security')", [sites.b]))
                Issue.record("inserting a row for site B must be refused")
            } catch let error as PostgresError {
                #expect(error.code == .insufficientPrivilege)
            }
            let updated = try await asApp(sites, scope: scope, PostgresStatement("UPDATE departments SET name = 'taken' WHERE site_id = $1", [sites.b]))
            #expect(updated.affectedRows == 0)
            let deleted = try await asApp(sites, scope: scope, PostgresStatement("DELETE FROM departments WHERE site_id = $1", [sites.b]))
            #expect(deleted.affectedRows == 0)
            do {
                _ = try await asApp(sites, scope: scope, PostgresStatement("UPDATE departments SET site_id = $1 WHERE site_id = $2", [sites.b, sites.a]))
                Issue.record("moving a row to site B must be refused")
            } catch let error as PostgresError {
                #expect(error.code == .insufficientPrivilege)
            }
        }
    }

    @Test func noSettingsOrEmptySettingsSeeNothing() async throws {
        try await withTwoSites { sites in
            let unset = try await asApp(sites, scope: [], PostgresStatement("SELECT count(*) AS n FROM departments"))
            #expect(try unset.first?.decode("n", as: Int.self) == 0)
            let empty = try await asApp(sites, scope: [.setLocal("app.site_ids", "")], PostgresStatement("SELECT count(*) AS n FROM departments"))
            #expect(try empty.first?.decode("n", as: Int.self) == 0)
            let emptyArray = try await asApp(sites, scope: [.setLocal("app.site_ids", "{}")], PostgresStatement("SELECT count(*) AS n FROM sites"))
            #expect(try emptyArray.first?.decode("n", as: Int.self) == 0)
        }
    }

    @Test func theHeadquartersScopeSeesEverySiteWithoutAList() async throws {
        try await withTwoSites { sites in
            let rows = try await asApp(sites, scope: [.setLocal("app.scope", "all")], PostgresStatement("SELECT count(*) AS n FROM departments"))
            #expect(try rows.first?.decode("n", as: Int.self) == 2)
        }
    }

    @Test func theSettingsAreReadOncePerQuery() async throws {
        try await withTwoSites { sites in
            let plan = try await asApp(sites, scope: [.setLocal("app.site_ids", "{\(sites.a)}")], PostgresStatement("EXPLAIN SELECT * FROM departments WHERE site_id = $1", [sites.a], prepared: false))
            let text = try plan.map { try $0.decode(at: 0, as: String.self) }.joined(separator: "\n")
            #expect(text.contains("InitPlan"), "\(text)")
        }
    }

    @Test func theAppRoleCannotBypassRowSecurityOrChangeTheSchema() async throws {
        try await withTwoSites { sites in
            try await sites.database.withConnection(sites.database.app) { connection in
                let role = try #require(try await connection.query("SELECT rolbypassrls, rolsuper FROM pg_roles WHERE rolname = current_user").first)
                #expect(try role.decode("rolbypassrls", as: Bool.self) == false)
                #expect(try role.decode("rolsuper", as: Bool.self) == false)
                await #expect(throws: PostgresError.self) { try await connection.script("ALTER TABLE departments DISABLE ROW LEVEL SECURITY") }
                await #expect(throws: PostgresError.self) { try await connection.script("CREATE TABLE sneaky (id int)") }
                await #expect(throws: PostgresError.self) { try await connection.query("SELECT * FROM schema_migrations") }
            }
        }
    }
}
