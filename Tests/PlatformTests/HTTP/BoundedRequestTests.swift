import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
@testable import Platform
import Postgres
import TestSupport
import Testing

@Suite("Every request is bounded: statement timeouts, a fixed statement cache", .serialized)
struct BoundedRequestTests {
    /// A request whose statement runs past the timeout is cancelled by the server and answered
    /// 504 problem+json; the connection it used serves the next request.
    @Test func aStatementPastItsTimeoutIsAnswered504AndTheConnectionServesTheNextRequest() async throws {
        try await APIFixture.with { fixture in
            var configuration = fixture.configuration
            configuration.poolSize = 1
            configuration.statementTimeout = .milliseconds(300)
            try await fixture.withBlockerAndWatcher { blocker, watcher in
                try await PlatformApplication.build(configuration, logger: quietLogger).test(.live) { client in
                    let manager = fixture.bearer("h01.manager")
                    #expect(try await client.call(.get, "/api/v1/sites/H01/departments", token: manager).status == .ok)
                    try await blocker.script("BEGIN; LOCK TABLE departments IN ACCESS EXCLUSIVE MODE")
                    let started = ContinuousClock.now
                    let slow = try await client.call(.get, "/api/v1/sites/H01/departments", token: manager)
                    let waited = ContinuousClock.now - started
                    #expect(slow.status == .gatewayTimeout && slow.code == "service.timeout", "\(slow.status) \(slow.body)")
                    #expect(slow.headers[.contentType] == "application/problem+json")
                    // The lock is held until after the request, so only the timeout can end it.
                    #expect(waited >= .milliseconds(250) && waited < .seconds(10), "cancelled at the timeout, not after the lock: \(waited)")
                    try await blocker.script("COMMIT")
                    // The only connection is clean: the next request on it succeeds.
                    let next = try await client.call(.get, "/api/v1/sites/H01/departments", token: manager)
                    #expect(next.status == .ok, "\(next.body)")
                    let stillRunning = try await watcher.query(
                        "SELECT count(*)::int FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'platform-server' AND state <> 'idle'", prepared: false)
                    let sessions = try await watcher.query("SELECT string_agg(state || ':' || left(query, 80), ' | ') FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'platform-server'", prepared: false)
                    let described = try sessions[0].decode(at: 0, as: String.self)
                    #expect(try stillRunning[0].decode(at: 0, as: Int.self) == 0, "\(described)")
                }
            }
        }
    }

    /// Each transaction's settings are one prepared statement with parameters: 3,000 distinct
    /// users and site lists leave the connection's statement cache as it was.
    @Test func threeThousandDistinctScopesDoNotGrowTheStatementCache() async throws {
        try await APIFixture.with { fixture in
            let pool = PostgresPool(fixture.platform.database.app, options: .init(maxConnections: 1), logger: quietLogger)
            let database = PlatformDatabase(pool: pool, statementTimeout: .seconds(5))
            let probe = PostgresStatement("SELECT current_setting('app.site_ids') AS sites, current_setting('app.role') AS role, current_setting('statement_timeout') AS timeout")
            let before = try await pool.withConnection { connection in
                _ = try await connection.execute(PostgresStatement("SELECT 1"))
                return await connection.preparedStatementCount
            }
            var last: PostgresRows?
            for index in 0..<3000 {
                let scope = AccessScope(sites: .only([UUID(), UUID()]), actorID: UUID(), role: index % 2 == 0 ? "site_manager" : "site_agent")
                last = try await database.pipeline(scope, [probe])[0]
            }
            let after = try await pool.withConnection { await $0.preparedStatementCount }
            #expect(after - before <= 4, "begin, settings, probe, commit: \(before) → \(after)")
            let onServer = try await database.pipeline(.operations, [PostgresStatement("SELECT count(*)::int FROM pg_prepared_statements", prepared: false)])
            #expect(try onServer[0][0].decode(at: 0, as: Int.self) == after)
            // The settings did apply, with the timeout.
            #expect(try last?[0].decode("role", as: String.self) == "site_agent")
            #expect(try last?[0].decode("timeout", as: String.self) == "5s")
            #expect(try (last?[0].decode("sites", as: String.self) ?? "").split(separator: ",").count == 2)
            await pool.close()
        }
    }

    /// A client that goes away while its request waits in the database gets its statement
    /// cancelled on the server within a second, and the connection serves the next request.
    @Test func aClientThatDisconnectsHasItsStatementCancelled() async throws {
        try await APIFixture.with { fixture in
            var configuration = fixture.configuration
            configuration.poolSize = 1
            configuration.statementTimeout = .seconds(30)
            try await fixture.withBlockerAndWatcher { blocker, watcher in
                @Sendable func waitingOnTheLock() async throws -> Int {
                    try await watcher.query("""
                        SELECT count(*)::int FROM pg_stat_activity
                        WHERE datname = current_database() AND application_name = 'platform-server' AND state = 'active' AND wait_event_type = 'Lock'
                        """, prepared: false)[0].decode(at: 0, as: Int.self)
                }
                try await PlatformApplication.build(configuration, logger: quietLogger).test(.live) { client in
                    let manager = fixture.bearer("h01.manager")
                    #expect(try await client.call(.get, "/api/v1/sites/H01/departments", token: manager).status == .ok)
                    try await blocker.script("BEGIN; LOCK TABLE departments IN ACCESS EXCLUSIVE MODE")
                    let port = try #require(client.port)
                    // curl gives up after a second and closes its connection, mid-request.
                    let impatient = Task.detached {
                        try Subprocess.run(["/usr/bin/curl", "-s", "--max-time", "1", "-H", "Authorization: \(manager)",
                                            "http://127.0.0.1:\(port)/api/v1/sites/H01/departments"])
                    }
                    var seen = false
                    for _ in 0..<100 where !seen {
                        seen = try await waitingOnTheLock() > 0
                        if !seen { try await Task.sleep(for: .milliseconds(10)) }
                    }
                    #expect(seen, "the request waits on the lock")
                    _ = try? await impatient.value
                    let gone = Date()
                    while try await waitingOnTheLock() > 0, Date().timeIntervalSince(gone) < 20 {
                        try await Task.sleep(for: .milliseconds(10))
                    }
                    // The lock is held until later, so only the cancellation can end the wait. When
                    // it ended is the session's return to idle after its rollback, by the server's
                    // record, not by how soon this test's polling saw it.
                    #expect(try await waitingOnTheLock() == 0, "the statement still waits on the lock")
                    let took = try await watcher.secondsUntilSettled(
                        since: gone, matching: "datname = current_database() AND application_name = 'platform-server' AND state = 'idle'")
                    #expect(took < 1, "cancelled on the server within a second of the client leaving, not \(took) s")
                    try await blocker.script("COMMIT")
                    let next = try await client.call(.get, "/api/v1/sites/H01/departments", token: manager)
                    #expect(next.status == .ok, "\(next.body)")
                }
            }
        }
    }
}
