import Foundation
import Migrations
import Postgres
import TestSupport
import Testing

@Suite("platform-admin migrate reports drift, locks, failures and lint with distinct exit codes")
struct MigrateCommandTests {
    func folder(_ files: [String: String]) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("cli-migrations-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        for (name, sql) in files { try sql.write(to: url.appendingPathComponent(name), atomically: true, encoding: .utf8) }
        return url
    }

    @Test func upThenStatusThenVerifyOnTheBundledMigrations() async throws {
        try await TestDatabase.with(migrated: false) { database in
            let cli = AdminCLI(database: database)
            let plan = try cli.run("migrate", "plan")
            #expect(plan.status == 0)
            #expect(plan.output.contains("-- 0001_roles_and_extensions.sql"))
            #expect(plan.output.contains("CREATE TABLE sites"))
            let up = try cli.run("migrate", "up")
            #expect(up.status == 0, "\(up.output)")
            #expect(up.output.contains("applied 0002_sites_and_people"))
            #expect(try cli.run("migrate", "up").output.contains("nothing applied"))
            #expect(try cli.run("migrate", "plan").output.contains("nothing to apply"))
            let status = try cli.run("migrate", "status")
            #expect(status.output.contains("sites_and_people") && status.output.contains("applied"))
            #expect(try cli.run("migrate", "verify").status == 0)
        }
    }

    @Test func driftExitsThreeAndBlocksUp() async throws {
        try await TestDatabase.with(migrated: false) { database in
            let cli = AdminCLI(database: database)
            let dir = try folder(["0001_t.sql": "CREATE TABLE t (id int);"])
            #expect(try cli.run("migrate", "up", "--dir", dir.path).status == 0)
            try "CREATE TABLE t (id bigint);".write(to: dir.appendingPathComponent("0001_t.sql"), atomically: true, encoding: .utf8)
            let verify = try cli.run("migrate", "verify", "--dir", dir.path)
            #expect(verify.status == 3)
            #expect(verify.output.contains("0001_t: applied file was edited"))
            #expect(try cli.run("migrate", "up", "--dir", dir.path).status == 3)
        }
    }

    @Test func aHeldLockExitsFourAndAFailingFileExitsFive() async throws {
        try await TestDatabase.with(migrated: false) { database in
            let cli = AdminCLI(database: database)
            let dir = try folder(["0001_bad.sql": "CREATE TABLE t (id int);\nSELECT no_such_function();"])
            let holder = try await PostgresConnection.connect(database.owner, logger: quietLogger)
            try await holder.query("SELECT pg_advisory_lock($1)", [Migrator.lockKey])
            let locked = try cli.run("migrate", "up", "--dir", dir.path, "--lock-wait", "0")
            #expect(locked.status == 4)
            #expect(locked.output.contains("another migration run holds the lock"))
            await holder.close()
            let failed = try cli.run("migrate", "up", "--dir", dir.path)
            #expect(failed.status == 5)
            #expect(failed.output.contains("0001_bad.sql failed") && failed.output.contains("line 2"))
        }
    }

    @Test func lintExitsSixOnABlockingStatementAndNamesFileLineAndRule() async throws {
        try await TestDatabase.with(migrated: false) { database in
            let cli = AdminCLI(database: database)
            let dir = try folder([
                "0001_t.sql": "CREATE TABLE t (id int, body text);",
                "0002_index.sql": "-- adds an index\nCREATE INDEX t_body ON t (body);",
            ])
            #expect(try cli.run("migrate", "up", "--dir", dir.path).status == 0)
            try "ALTER TABLE t ADD COLUMN token uuid DEFAULT gen_random_uuid();".write(to: dir.appendingPathComponent("0003_token.sql"), atomically: true, encoding: .utf8)
            let lint = try cli.run("migrate", "lint", "--dir", dir.path)
            #expect(lint.status == 6)
            #expect(lint.output.contains("0003_token.sql:1: [volatile-default]"))
            #expect(!lint.output.contains("0002_index.sql"))  // applied already: not pending
            #expect(try cli.run("migrate", "lint", "--all").status == 0)
        }
    }
}
