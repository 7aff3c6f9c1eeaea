import Foundation
import Postgres
import TestSupport
import Testing

@Suite("The pool bounds connections and heals after the server goes away")
struct PoolTests {
    @Test func anExhaustedPoolFailsAcquireAfterItsTimeoutWithADistinctError() async throws {
        try await TestDatabase.with(migrated: false) { database in
            let pool = PostgresPool(database.superuser, options: .init(maxConnections: 1, acquireTimeout: .milliseconds(200)), logger: quietLogger)
            let held = try await pool.acquire()
            let started = ContinuousClock.now
            do {
                _ = try await pool.acquire()
                Issue.record("a second acquire should time out")
            } catch let error as PostgresError {
                #expect(error.kind == .poolTimeout)
                #expect(error.isUnavailable)
            }
            #expect(ContinuousClock.now - started >= .milliseconds(200))
            #expect(await pool.statistics == .init(inUse: 1, idle: 0, waiting: 0, open: 1))
            await pool.release(held)
            // Freed: the next acquire succeeds at once and reuses the connection.
            let rows = try await pool.query("SELECT 1 AS one")
            #expect(try rows.first?.decode("one", as: Int.self) == 1)
            #expect(await pool.statistics.open == 1)
            await pool.close()
        }
    }

    @Test func waitersAreServedInTurnAsConnectionsReturn() async throws {
        try await TestDatabase.with(migrated: false) { database in
            let pool = PostgresPool(database.superuser, options: .init(maxConnections: 2, acquireTimeout: .seconds(10)), logger: quietLogger)
            let sums = try await withThrowingTaskGroup(of: Int.self) { group in
                for n in 1...40 {
                    group.addTask { try await pool.query("SELECT $1::int * 2 AS doubled, pg_sleep(0.005)", [n]).first?.decode("doubled", as: Int.self) ?? 0 }
                }
                return try await group.reduce(0, +)
            }
            #expect(sums == (1...40).reduce(0, +) * 2)
            #expect(await pool.statistics.open <= 2)
            await pool.close()
        }
    }

    @Test func aClosedPoolRefusesWork() async throws {
        try await TestDatabase.with(migrated: false) { database in
            let pool = PostgresPool(database.superuser, logger: quietLogger)
            await pool.close()
            await #expect(throws: PostgresError.self) { try await pool.query("SELECT 1") }
        }
    }

    @Test func terminatedBackendsAreReplacedOnTheirNextUse() async throws {
        try await TestDatabase.with(migrated: false) { database in
            let pool = PostgresPool(database.superuser, options: .init(maxConnections: 2), logger: quietLogger)
            let before = try await pool.query("SELECT pg_backend_pid() AS pid").first?.decode("pid", as: Int.self)
            try await database.withConnection(database.superuser) { admin in
                try await admin.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()")
            }
            try await Task.sleep(for: .milliseconds(100))
            let after = try await pool.query("SELECT pg_backend_pid() AS pid").first?.decode("pid", as: Int.self)
            #expect(before != nil && after != nil && before != after)
            await pool.close()
        }
    }

    /// Runs on a cluster of its own so the restart does not disturb other tests.
    @Test(.timeLimit(.minutes(3)))
    func aServerRestartHealsWithoutLosingCommittedRows() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("pg-restart-\(UUID().uuidString.prefix(8))")
        let cluster = LocalCluster(root: root, port: 54331 + Int.random(in: 0..<200))
        try cluster.initialize()
        try cluster.start()
        defer { try? cluster.destroy() }
        let database = try await TestDatabase.make(migrated: false, cluster: cluster)
        let pool = PostgresPool(database.superuser, options: .init(maxConnections: 4, acquireTimeout: .seconds(5)), logger: quietLogger)
        try await pool.query("CREATE TABLE receipts (id int PRIMARY KEY)")
        for id in 1...10 { try await pool.query("INSERT INTO receipts VALUES ($1)", [id]) }

        try cluster.restart()

        // Every pooled connection was dropped by the restart; each heals before its next use.
        var committed = 10
        for id in 11...30 {
            try await pool.query("INSERT INTO receipts VALUES ($1)", [id])
            committed += 1
        }
        let count = try await pool.query("SELECT count(*) AS n FROM receipts").first?.decode("n", as: Int.self)
        #expect(count == committed)
        #expect(count == 30)
        await pool.close()
    }
    /// A cancelled task cancels its statement on the server within a second (`PQcancel`), and the
    /// connection goes back to the pool clean: the next statement runs on it.
    @Test func cancellingATaskCancelsItsStatementOnTheServer() async throws {
        try await TestDatabase.with(migrated: false) { database in
            let pool = PostgresPool(database.superuser, options: .init(maxConnections: 1), logger: quietLogger)
            let watcher = try await PostgresConnection.connect(database.superuser, logger: quietLogger)
            let pid = try #require(try await pool.withConnection { await $0.backendPID })
            func state() async throws -> String {
                try await watcher.query("SELECT coalesce((SELECT state FROM pg_stat_activity WHERE pid = $1), 'gone') AS state", [Int(pid)], prepared: false)[0]
                    .decode("state")
            }
            let sleeper = Task { try await pool.query("SELECT pg_sleep(30)") }
            var waited = 0
            while try await state() != "active", waited < 200 {
                try await Task.sleep(for: .milliseconds(25))
                waited += 1
            }
            #expect(try await state() == "active")
            let cancelled = Date()
            sleeper.cancel()
            while try await state() == "active", Date().timeIntervalSince(cancelled) < 20 {
                try await Task.sleep(for: .milliseconds(10))
            }
            // When it stopped is the session's own last change of state, by the server's record.
            #expect(try await state() != "active", "the statement still runs")
            let took = try await watcher.secondsUntilSettled(since: cancelled, matching: "pid = $1", [Int(pid)])
            #expect(took < 1, "the statement stopped running on the server within a second, not \(took) s")
            do {
                _ = try await sleeper.value
                Issue.record("the cancelled statement should fail")
            } catch let error as PostgresError {
                #expect(error.code == .queryCanceled, "\(error)")
            }
            // The same connection serves the next statement.
            #expect(try await pool.withConnection { connection in try await connection.execute(PostgresStatement("SELECT 1 AS one"))[0].decode("one", as: Int.self) } == 1)
            #expect(try await pool.withConnection { await $0.backendPID } == pid)
            await watcher.close()
            await pool.close()
        }
    }

    /// A statement that fails in the middle of a pipeline leaves the connection usable: pipeline
    /// mode is left, the transaction rolled back, the next pipeline runs on the same backend.
    @Test func anErrorMidPipelineLeavesTheConnectionUsable() async throws {
        try await TestDatabase.with(migrated: false) { database in
            let pool = PostgresPool(database.superuser, options: .init(maxConnections: 1), logger: quietLogger)
            let pid = try await pool.withConnection { await $0.backendPID }
            do {
                _ = try await pool.pipeline([.begin, PostgresStatement("SELECT 1"), PostgresStatement("SELECT 1 / 0"), PostgresStatement("SELECT 2"), .commit])
                Issue.record("division by zero should fail")
            } catch let error as PostgresError {
                #expect(error.statementIndex == 2 && error.code?.rawValue == "22012", "\(error)")
            }
            let after = try await pool.pipeline([.begin, PostgresStatement("SELECT 3 AS three"), .commit])
            #expect(try after[1][0].decode("three", as: Int.self) == 3)
            #expect(try await pool.withConnection { await $0.backendPID } == pid)
            #expect(try await pool.query("SELECT pg_current_xact_id_if_assigned() IS NULL AS clean")[0].decode("clean", as: Bool.self))
            await pool.close()
        }
    }

    /// Shutting down with a connection lent: waiters fail at once, `close()` returns after its
    /// bounded wait, the borrower keeps a working connection, and returning it closes it.
    @Test func shuttingDownWithALentConnectionFailsWaitersAndNeverHangs() async throws {
        try await TestDatabase.with(migrated: false) { database in
            let pool = PostgresPool(database.superuser, options: .init(maxConnections: 1, acquireTimeout: .seconds(30), shutdownTimeout: .milliseconds(300)),
                                    logger: quietLogger)
            let lent = try await pool.acquire()
            let waiter = Task { try await pool.acquire() }
            while await pool.statistics.waiting == 0 { try await Task.sleep(for: .milliseconds(5)) }
            let started = ContinuousClock.now
            await pool.close()
            let took = ContinuousClock.now - started
            // The lent connection is never returned before `close()` ends, so an unbounded wait
            // would never end; 10 s allows for a loaded machine.
            #expect(took >= .milliseconds(300) && took < .seconds(10), "bounded: \(took)")
            do {
                _ = try await waiter.value
                Issue.record("a waiter must fail when the pool shuts down")
            } catch let error as PostgresError {
                #expect(error.kind == .poolClosed)
            }
            await #expect(throws: PostgresError.self) { try await pool.acquire() }
            // The borrower's connection still works on its own event loop until it is returned.
            #expect(try await lent.execute(PostgresStatement("SELECT 1 AS one"))[0].decode("one", as: Int.self) == 1)
            await pool.release(lent)
            #expect(await pool.statistics == .init(inUse: 0, idle: 0, waiting: 0, open: 0))
        }
    }
}
