import Foundation
import Postgres
import TestSupport
import Testing

@Suite("platform-admin seed demo")
struct SeedCommandTests {
    @Test func theDemoGroupCanBeSeededTwiceAndLinksReceptionToAStaffRecord() async throws {
        try await TestDatabase.with { database in
            let cli = AdminCLI(database: database)
            let first = try cli.run("seed", "demo")
            #expect(first.status == 0, "\(first.output)")
            #expect(first.output.contains("demo group ready: sites H01, R01, G01") && first.output.contains("h01.agent"))
            let again = try cli.run("seed", "demo")
            #expect(again.status == 0, "\(again.output)")
            let counts = try await database.withConnection(database.owner) { connection in
                try await connection.withTransaction([.setLocal("app.scope", "all")]) { connection in
                    try await connection.query(
                        """
                        SELECT (SELECT count(*) FROM sites)::int AS sites, (SELECT count(*) FROM staff)::int AS staff,
                               (SELECT count(*) FROM user_site_roles r JOIN users u ON u.id = r.user_id
                                WHERE u.username IN ('h01.agent', 'h01.staff', 'g01.agent') AND r.staff_id IS NOT NULL)::int AS linked
                        """)[0]
                }
            }
            #expect(try counts.decode("sites", as: Int.self) == 3)
            #expect(try counts.decode("staff", as: Int.self) == 8)
            #expect(try counts.decode("linked", as: Int.self) == 3)
        }
    }
}
