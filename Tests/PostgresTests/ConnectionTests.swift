import Foundation
import Logging
import Postgres
import TestSupport
import Testing

@Suite("A connection runs statements, pipelines, transactions and COPY")
struct ConnectionTests {
    @Test func preparedStatementsArePreparedOncePerConnection() async throws {
        try await TestDatabase.with(migrated: false) { database in
            try await database.withConnection(database.superuser) { connection in
                for value in 1...5 {
                    let row = try #require(try await connection.query("SELECT $1::int + 1 AS next", [value]).first)
                    #expect(try row.decode("next", as: Int.self) == value + 1)
                }
                #expect(await connection.preparedStatementCount == 1)
            }
        }
    }

    @Test func serverErrorsCarryTheirSQLStateAndConstraint() async throws {
        try await TestDatabase.with(migrated: false) { database in
            try await database.withConnection(database.superuser) { connection in
                try await connection.script(
                    """
                    CREATE TABLE parent (id int PRIMARY KEY);
                    CREATE TABLE child (id int PRIMARY KEY, parent_id int REFERENCES parent, qty int CONSTRAINT qty_positive CHECK (qty > 0));
                    INSERT INTO parent VALUES (1);
                    """)
                await #expect(throws: PostgresError.self) { try await connection.query("INSERT INTO parent VALUES (1)") }
                do {
                    try await connection.query("INSERT INTO parent VALUES (1)")
                } catch let error as PostgresError {
                    #expect(error.code == .uniqueViolation)
                    #expect(error.constraint == "parent_pkey")
                    #expect(error.kind == .server)
                }
                do {
                    try await connection.query("INSERT INTO child VALUES (1, 99, 1)")
                } catch let error as PostgresError {
                    #expect(error.code == .foreignKeyViolation)
                }
                do {
                    try await connection.query("INSERT INTO child VALUES (1, 1, 0)")
                } catch let error as PostgresError {
                    #expect(error.code == .checkViolation)
                    #expect(error.constraint == "qty_positive")
                }
                // The connection is still usable after errors.
                #expect(try await connection.query("SELECT count(*) AS n FROM child").first?.decode("n", as: Int.self) == 0)
            }
        }
    }

    @Test func aPipelinedTransactionRunsInOneBatchAndSeesItsSettings() async throws {
        try await TestDatabase.with(migrated: false) { database in
            try await database.withConnection(database.superuser) { connection in
                try await connection.script("CREATE TABLE notes (id int PRIMARY KEY, body text)")
                let results = try await connection.pipeline([
                    .simple("BEGIN"),
                    .setLocal("app.site_ids", "{00000000-0000-0000-0000-000000000001}"),
                    PostgresStatement("INSERT INTO notes VALUES ($1, $2)", [1, "first"]),
                    PostgresStatement("INSERT INTO notes VALUES ($1, $2)", [2, "second"]),
                    PostgresStatement("SELECT current_setting('app.site_ids') AS sites, count(*) AS n FROM notes"),
                    .simple("COMMIT"),
                ])
                #expect(results.count == 6)
                #expect(results[2].affectedRows == 1)
                #expect(try results[4].first?.decode("sites", as: String.self) == "{00000000-0000-0000-0000-000000000001}")
                #expect(try results[4].first?.decode("n", as: Int.self) == 2)
                // SET LOCAL ended with the transaction.
                let after = try await connection.query("SELECT current_setting('app.site_ids', true) AS sites", prepared: false)
                #expect(try after.first?.decodeIfPresent("sites", as: String.self) ?? "" == "")
            }
        }
    }

    @Test func aFailingStatementInAPipelineIsNamedAndNothingOfTheTransactionIsKept() async throws {
        try await TestDatabase.with(migrated: false) { database in
            try await database.withConnection(database.superuser) { connection in
                try await connection.script("CREATE TABLE notes (id int PRIMARY KEY, body text)")
                do {
                    _ = try await connection.pipeline([
                        .simple("BEGIN"),
                        PostgresStatement("INSERT INTO notes VALUES ($1, $2)", [1, "kept?"]),
                        PostgresStatement("INSERT INTO notes VALUES ($1, $2)", [1, "duplicate"]),
                        PostgresStatement("INSERT INTO notes VALUES ($1, $2)", [3, "skipped"]),
                        .simple("COMMIT"),
                    ])
                    Issue.record("the duplicate key should have failed the pipeline")
                } catch let error as PostgresError {
                    #expect(error.code == .uniqueViolation)
                    #expect(error.statementIndex == 2)
                }
                // Rolled back, and the connection is clean and usable.
                #expect(try await connection.query("SELECT count(*) AS n FROM notes").first?.decode("n", as: Int.self) == 0)
                let ok = try await connection.pipeline([.simple("BEGIN"), PostgresStatement("INSERT INTO notes VALUES ($1, $2)", [1, "again"]), .simple("COMMIT")])
                #expect(ok[1].affectedRows == 1)
            }
        }
    }

    @Test func aStatementThatFailsToPrepareInAPipelineIsReportedAndNotCached() async throws {
        try await TestDatabase.with(migrated: false) { database in
            try await database.withConnection(database.superuser) { connection in
                do {
                    _ = try await connection.pipeline([.simple("BEGIN"), PostgresStatement("SELEC 1"), .simple("COMMIT")])
                    Issue.record("a syntax error should fail the pipeline")
                } catch let error as PostgresError {
                    #expect(error.code == .syntaxError)
                    #expect(error.statementIndex == 1)
                }
                #expect(await connection.preparedStatementCount == 0)
                #expect(try await connection.query("SELECT 41 + 1 AS answer").first?.decode("answer", as: Int.self) == 42)
            }
        }
    }

    @Test func aSessionEndedByTheServerMidPipelineIsAConnectionLossAndTheNextCallReconnects() async throws {
        try await TestDatabase.with(migrated: false) { database in
            try await database.withConnection(database.superuser) { connection in
                let before: Int = try await connection.query("SELECT pg_backend_pid() AS pid")[0].decode("pid")
                // The backend ends its own session between two statements of one pipeline, as a
                // restart or pg_terminate_backend does to a busy connection.
                do {
                    _ = try await connection.pipeline([PostgresStatement("SELECT pg_terminate_backend(pg_backend_pid())"), PostgresStatement("SELECT 1")])
                    Issue.record("the pipeline should have failed")
                } catch let error as PostgresError {
                    #expect(error.isUnavailable, "\(error)")
                }
                let after: Int = try await connection.query("SELECT pg_backend_pid() AS pid")[0].decode("pid")
                #expect(after != before)
            }
        }
    }

    @Test func aThrowingTransactionBodyRollsBack() async throws {
        struct Abandon: Error {}
        try await TestDatabase.with(migrated: false) { database in
            try await database.withConnection(database.superuser) { connection in
                try await connection.script("CREATE TABLE notes (id int PRIMARY KEY)")
                await #expect(throws: Abandon.self) {
                    try await connection.withTransaction { connection in
                        try await connection.query("INSERT INTO notes VALUES (1)")
                        throw Abandon()
                    }
                }
                let committed = try await connection.withTransaction { connection in
                    try await connection.query("INSERT INTO notes VALUES (2)").affectedRows
                }
                #expect(committed == 1)
                let ids = try await connection.query("SELECT id FROM notes").map { try $0.decode("id", as: Int.self) }
                #expect(ids == [2])
            }
        }
    }

    @Test func copyLoadsRowsWithTabsNewlinesAndNulls() async throws {
        try await TestDatabase.with(migrated: false) { database in
            try await database.withConnection(database.superuser) { connection in
                try await connection.script("CREATE TABLE people (n int PRIMARY KEY, name text, note text)")
                let rows: [[String?]] = (1...20_000).map { n in [String(n), "姓名\(n)", n % 3 == 0 ? nil : "tab\there\nnewline \\ slash"] }
                let copied = try await connection.copyIn("COPY people (n, name, note) FROM STDIN", rows: rows)
                #expect(copied == 20_000)
                let check = try #require(try await connection.query("SELECT count(*) AS n, count(note) AS notes, max(name) FILTER (WHERE n = 7) AS seven, max(note) FILTER (WHERE n = 1) AS one FROM people").first)
                #expect(try check.decode("n", as: Int.self) == 20_000)
                #expect(try check.decode("notes", as: Int.self) == 20_000 - 6_666)
                #expect(try check.decode("seven", as: String.self) == "姓名7")
                #expect(try check.decode("one", as: String.self) == "tab\there\nnewline \\ slash")
            }
        }
    }

    /// A COPY that fails to start, or a COPY sent as a plain statement, leaves the connection
    /// ready for the next command (non-blocking libpq must read every result of a command).
    @Test(.timeLimit(.minutes(1))) func aCopyThatFailsOrIsSentAsAStatementLeavesTheConnectionUsable() async throws {
        try await TestDatabase.with(migrated: false) { database in
            try await database.withConnection(database.superuser) { connection in
                await #expect(throws: PostgresError.self) {
                    try await connection.copyIn("COPY no_such_table FROM STDIN", rows: [["1"]])
                }
                #expect(try await connection.query("SELECT 1 AS one").first?.decode("one", as: Int.self) == 1)
                try await connection.script("CREATE TABLE copied (n int)")
                await #expect(throws: PostgresError.self) {
                    try await connection.execute(PostgresStatement("COPY copied FROM STDIN", prepared: false))
                }
                #expect(try await connection.query("SELECT count(*)::int AS n FROM copied").first?.decode("n", as: Int.self) == 0)
                #expect(try await connection.copyIn("COPY copied FROM STDIN", rows: [["1"], ["2"]]) == 2)
            }
        }
    }

    @Test func serverNoticesGoToTheLoggerNotStderr() async throws {
        try await TestDatabase.with(migrated: false) { database in
            let handler = CapturingLogHandler()
            let logger = Logger(label: "notices") { _ in handler }
            let connection = try await PostgresConnection.connect(database.superuser, logger: logger)
            try await connection.script("DO $$ BEGIN RAISE NOTICE 'site H01 provisioned'; END $$")
            await connection.close()
            #expect(handler.messages.contains { $0.contains("site H01 provisioned") })
        }
    }
}
