import Foundation
import Migrations
import Postgres
import TestSupport
import Testing

/// A folder of migration files for one test.
struct MigrationFolder {
    let url: URL
    init(_ files: [String: String]) throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("migrations-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        for (name, sql) in files { try write(name, sql) }
    }
    func write(_ name: String, _ sql: String) throws {
        try sql.write(to: url.appendingPathComponent(name), atomically: true, encoding: .utf8)
    }
    func remove(_ name: String) throws { try FileManager.default.removeItem(at: url.appendingPathComponent(name)) }
    func migrations() throws -> [Migration] { try MigrationSource.directory(url) }
}

@Suite("Migrations apply once, in order, and refuse to run over drift")
struct MigratorTests {
    func migrator(_ database: TestDatabase, _ migrations: [Migration]) -> Migrator {
        Migrator(configuration: database.owner, migrations: migrations, logger: quietLogger)
    }

    @Test func theBundledMigrationsApplyFromEmptyAndReapplyAsNoOps() async throws {
        try await TestDatabase.with(migrated: false) { database in
            let bundled = try MigrationSource.bundled()
            #expect(bundled.count >= 2)
            let first = try await migrator(database, bundled).up()
            #expect(first.map(\.version) == bundled.map(\.version))
            let second = try await migrator(database, bundled).up()
            #expect(second.isEmpty)
            let status = try await migrator(database, bundled).status()
            #expect(status.allSatisfy { $0.state == .applied })
            #expect(status.allSatisfy { $0.appliedBy == "platform_owner" })
            #expect(try await migrator(database, bundled).verify().isEmpty)
        }
    }

    @Test func twoConcurrentDeployersApplyEachFileOnce() async throws {
        try await TestDatabase.with(migrated: false) { database in
            let folder = try MigrationFolder([
                "0001_counter.sql": "CREATE TABLE counter (n int); INSERT INTO counter VALUES (1);",
                "0002_slow.sql": "SELECT pg_sleep(0.5); UPDATE counter SET n = n + 1;",
                "0003_more.sql": "UPDATE counter SET n = n + 10;",
            ])
            let files = try folder.migrations()
            async let a = migrator(database, files).up(lockWait: .seconds(20))
            async let b = migrator(database, files).up(lockWait: .seconds(20))
            let (appliedA, appliedB) = try await (a, b)
            #expect(appliedA.count + appliedB.count == 3)
            #expect(appliedA.isEmpty || appliedB.isEmpty)
            let n = try await database.withConnection(database.owner) { try await $0.query("SELECT n FROM counter").first?.decode("n", as: Int.self) }
            #expect(n == 12)
        }
    }

    @Test func aSecondDeployerGivesUpWithLockedWhileTheLockIsHeld() async throws {
        try await TestDatabase.with(migrated: false) { database in
            let files = try MigrationFolder(["0001_t.sql": "CREATE TABLE t (id int);"]).migrations()
            let holder = try await PostgresConnection.connect(database.owner, logger: quietLogger)
            try await holder.query("SELECT pg_advisory_lock($1)", [Migrator.lockKey])
            do {
                try await migrator(database, files).up(lockWait: .milliseconds(400))
                Issue.record("up should not run while another deployer holds the lock")
            } catch let error as MigrationError {
                #expect(error.code == .locked)
            }
            await holder.close()
            #expect(try await migrator(database, files).up(lockWait: .seconds(5)).count == 1)
        }
    }

    @Test func anEditedAppliedFileIsDriftAndBlocksUp() async throws {
        try await TestDatabase.with(migrated: false) { database in
            let folder = try MigrationFolder(["0001_t.sql": "CREATE TABLE t (id int);"])
            try await migrator(database, try folder.migrations()).up()
            try folder.write("0001_t.sql", "CREATE TABLE t (id bigint);")
            try folder.write("0002_u.sql", "CREATE TABLE u (id int);")
            let edited = try folder.migrations()
            let drift = try await migrator(database, edited).verify()
            #expect(drift.map(\.version) == [1])
            #expect(drift.first?.problem.contains("edited") == true)
            do {
                try await migrator(database, edited).up()
                Issue.record("up must refuse to run over drift")
            } catch let error as MigrationError {
                #expect(error.code == .drift)
            }
            let uExists = try await database.withConnection(database.owner) {
                try await $0.query("SELECT to_regclass('u') IS NOT NULL AS present").first?.decode("present", as: Bool.self)
            }
            #expect(uExists == false)
        }
    }

    @Test func aMissingAppliedFileAndAGapAreDrift() async throws {
        try await TestDatabase.with(migrated: false) { database in
            let folder = try MigrationFolder([
                "0001_a.sql": "CREATE TABLE a (id int);",
                "0003_c.sql": "CREATE TABLE c (id int);",
            ])
            try await migrator(database, try folder.migrations()).up()
            try folder.remove("0001_a.sql")
            try folder.write("0002_b.sql", "CREATE TABLE b (id int);")
            let drift = try await migrator(database, try folder.migrations()).verify()
            #expect(Set(drift.map(\.version)) == [1, 2])
            #expect(drift.first { $0.version == 1 }?.problem.contains("missing") == true)
            #expect(drift.first { $0.version == 2 }?.problem.contains("gap") == true)
        }
    }

    @Test func aFailingFileLeavesNoPartialChangeAndIsRecordedAsFailed() async throws {
        try await TestDatabase.with(migrated: false) { database in
            let folder = try MigrationFolder([
                "0001_ok.sql": "CREATE TABLE ok (id int);",
                "0002_broken.sql": "CREATE TABLE half (id int);\nINSERT INTO ok VALUES (1);\n\nINSERT INTO missing_table VALUES (1);\n",
                "0003_never.sql": "CREATE TABLE never (id int);",
            ])
            do {
                try await migrator(database, try folder.migrations()).up()
                Issue.record("0002 should fail")
            } catch let error as MigrationError {
                #expect(error.code == .failed)
                #expect(error.message.contains("0002_broken.sql"))
                #expect(error.message.contains("line 4"))
            }
            let state = try await database.withConnection(database.owner) { connection in
                try await connection.query(
                    """
                    SELECT to_regclass('half') IS NULL AS no_half, to_regclass('never') IS NULL AS no_never,
                           (SELECT count(*) FROM ok) AS ok_rows,
                           (SELECT success FROM schema_migrations WHERE version = 2) AS success
                    """
                ).first
            }
            #expect(try state?.decode("no_half", as: Bool.self) == true)
            #expect(try state?.decode("no_never", as: Bool.self) == true)
            #expect(try state?.decode("ok_rows", as: Int.self) == 0)
            #expect(try state?.decode("success", as: Bool.self) == false)
            #expect(try await migrator(database, try folder.migrations()).status().map(\.state) == [.applied, .failed, .pending])

            // Fixed, it applies on the next run.
            try folder.write("0002_broken.sql", "CREATE TABLE half (id int);")
            #expect(try await migrator(database, try folder.migrations()).up().map(\.version) == [2, 3])
        }
    }

    @Test func aNoTransactionFileRunsCreateIndexConcurrently() async throws {
        try await TestDatabase.with(migrated: false) { database in
            let folder = try MigrationFolder([
                "0001_t.sql": "CREATE TABLE t (id int, body text);",
                "0002_index.sql": "-- migrate: no-transaction\n-- migrate: lock_timeout=2s\nCREATE INDEX CONCURRENTLY t_body ON t (body);\nCREATE INDEX CONCURRENTLY t_id ON t (id);\n",
            ])
            #expect(try await migrator(database, try folder.migrations()).up().count == 2)
            let indexes = try await database.withConnection(database.owner) {
                try await $0.query("SELECT count(*) AS n FROM pg_indexes WHERE tablename = 't'").first?.decode("n", as: Int.self)
            }
            #expect(indexes == 2)
        }
    }

    @Test func theSessionSettingsOfAFileDoNotLeakIntoTheNext() async throws {
        try await TestDatabase.with(migrated: false) { database in
            let folder = try MigrationFolder([
                // Had 0001's 1 s limit leaked, 0002's 1.5 s sleep would be cancelled. (A 200 ms limit
                // sometimes cancelled the CREATE TABLE itself while the suite loaded the machine.)
                "0001_a.sql": "-- migrate: no-transaction\n-- migrate: statement_timeout=1s\nCREATE TABLE a (id int);",
                "0002_b.sql": "SELECT pg_sleep(1.5);",
            ])
            #expect(try await migrator(database, try folder.migrations()).up().count == 2)
        }
    }
}
