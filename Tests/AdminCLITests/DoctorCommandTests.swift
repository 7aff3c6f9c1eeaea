import Foundation
import Postgres
import TestSupport
import Testing

@Suite("platform-admin doctor checks the deployment")
struct DoctorCommandTests {
    @Test func doctorPassesOnAMigratedDatabaseAndFailsWhenATableLosesRowSecurity() async throws {
        try await TestDatabase.with { database in
            let cli = AdminCLI(database: database)
            let healthy = try cli.run("doctor")
            #expect(healthy.status == 0, "\(healthy.output)")
            #expect(!healthy.output.contains("FAIL") && healthy.output.contains("ok   text search under RLS"))
            // No superuser grant is needed: array containment is not leakproof here.
            let marked = try await database.withConnection(database.superuser) {
                try await $0.query("SELECT proleakproof FROM pg_proc WHERE oid = 'pg_catalog.arraycontains(anyarray, anyarray)'::regprocedure", prepared: false)[0]
                    .decode("proleakproof", as: Bool.self)
            }
            #expect(!marked)
            // Without the search function's policy search is slower, not unsafe: a warning, and doctor still passes.
            try await database.withConnection(database.owner) { try await $0.script("DROP POLICY ticket_search ON tickets") }
            let slower = try cli.run("doctor")
            #expect(slower.status == 0 && slower.output.contains("warn text search under RLS"), "\(slower.output)")
            try await database.withConnection(database.superuser) { try await $0.script("ALTER TABLE staff DISABLE ROW LEVEL SECURITY") }
            let broken = try cli.run("doctor")
            #expect(broken.status == 7)
            #expect(broken.output.contains("FAIL row-level security: unprotected: staff (RLS disabled)"))
        }
    }

    @Test func doctorReportsPendingMigrations() async throws {
        try await TestDatabase.with(migrated: false) { database in
            let cli = AdminCLI(database: database)
            let outcome = try cli.run("doctor")
            #expect(outcome.status == 7)
            #expect(outcome.output.contains("FAIL migrations: pending: 1, 2, 3, 4, 5, 6"))
        }
    }

    @Test func everyCommandHasHelp() throws {
        let database = TestDatabase(name: "unused", cluster: TestCluster.shared)
        let cli = AdminCLI(database: database)
        let root = try cli.run("--help")
        for command in ["migrate", "tenant", "user", "token", "seed", "dev", "doctor"] {
            #expect(root.output.contains(command))
        }
        for path in [["migrate", "up"], ["migrate", "lint"], ["tenant", "create"], ["tenant", "suspend"], ["user", "create"], ["token", "issue"], ["token", "revoke"], ["dev", "up"], ["seed", "demo"]] {
            let help = try cli.run(path[0], path[1], "--help")
            #expect(help.status == 0 && help.output.contains("USAGE:"), "\(path)")
        }
    }
}
