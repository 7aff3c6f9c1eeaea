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
}
