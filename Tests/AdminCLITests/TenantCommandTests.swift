import Foundation
import Postgres
import TestSupport
import Testing

@Suite("platform-admin tenant provisions and retires sites")
struct TenantCommandTests {
    @Test func creatingTheSameSiteTwiceChangesNothingAndAConflictingCodeFails() async throws {
        try await TestDatabase.with { database in
            let cli = AdminCLI(database: database)
            let first = try cli.run("tenant", "create", "--kind", "hospital", "--code", "h01", "--name", "市第一人民医院", "--region", "华东")
            #expect(first.status == 0, "\(first.output)")
            #expect(first.output.contains("created site H01"))
            let again = try cli.run("tenant", "create", "--kind", "hospital", "--code", "H01", "--name", "市第一人民医院", "--region", "华东")
            #expect(again.status == 0, "\(again.output)")
            #expect(again.output.contains("nothing changed"))
            let conflict = try cli.run("tenant", "create", "--kind", "residence", "--code", "H01", "--name", "锦绣花园")
            #expect(conflict.status == 1)
            #expect(conflict.output.contains("already exists"))
            let counts = try await database.withConnection(database.owner) { connection in
                try await connection.withTransaction([.setLocal("app.scope", "all")]) { connection in
                    try await connection.query("SELECT (SELECT count(*) FROM sites) AS sites, (SELECT count(*) FROM departments) AS departments, (SELECT count(*) FROM working_calendars) AS calendars").first
                }
            }
            #expect(try counts?.decode("sites", as: Int.self) == 1)
            #expect(try counts?.decode("departments", as: Int.self) == 7)
            #expect(try counts?.decode("calendars", as: Int.self) == 2)
        }
    }

    @Test func badArgumentsAreRefusedWithAMessageAndWriteNothing() async throws {
        try await TestDatabase.with { database in
            let cli = AdminCLI(database: database)
            let kind = try cli.run("tenant", "create", "--kind", "clinic", "--code", "C01", "--name", "x")
            #expect(kind.status == 64)
            #expect(kind.output.contains("hospital', 'residence' or 'government_service_center'"))
            let fields = try cli.run("tenant", "create", "--kind", "hospital", "--code", "1x", "--name", " ", "--timezone", "Mars/Olympus")
            #expect(fields.status == 1)
            #expect(fields.output.contains("site code"))
            #expect(fields.output.contains("not an IANA timezone"))
            let listed = try cli.run("tenant", "list", "--json")
            #expect(listed.status == 0)
            #expect(listed.output.trimmingCharacters(in: .whitespacesAndNewlines) == "[\n\n]" || listed.output.contains("[]"))
        }
    }

    @Test func listAndShowDescribeSites() async throws {
        try await TestDatabase.with { database in
            let cli = AdminCLI(database: database)
            #expect(try cli.run("tenant", "create", "--kind", "government_service_center", "--code", "G01", "--name", "高新区政务服务中心", "--region", "华北").status == 0)
            #expect(try cli.run("tenant", "create", "--kind", "residence", "--code", "R01", "--name", "锦绣花园", "--timezone", "Asia/Urumqi").status == 0)
            let table = try cli.run("tenant", "list")
            #expect(table.output.contains("G01") && table.output.contains("R01") && table.output.contains("Asia/Urumqi"))
            let filtered = try cli.run("tenant", "list", "--kind", "residence", "--json")
            let sites = try JSONSerialization.jsonObject(with: Data(filtered.output.utf8)) as? [[String: Any]]
            #expect(sites?.map { $0["code"] as? String } == ["R01"])
            let shown = try cli.run("tenant", "show", "G01")
            #expect(shown.status == 0)
            #expect(shown.output.contains("政务服务中心"))
            #expect(shown.output.contains("departments        9"))
            let missing = try cli.run("tenant", "show", "X99")
            #expect(missing.status == 1)
            #expect(missing.output.contains("no site with code X99"))
        }
    }
}
