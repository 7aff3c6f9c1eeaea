import Foundation
import Postgres
import TestSupport
import Testing

@Suite("A listening connection hears notifications, stops when cancelled, and reports a lost session")
struct NotificationTests {
    @Test(.timeLimit(.minutes(5))) func notificationsSentAfterListenArriveWithTheirChannelAndPayload() async throws {
        try await TestDatabase.with(migrated: false) { database in
            let listener = try await PostgresConnection.connect(database.superuser)
            try await listener.query("LISTEN things", prepared: false)
            let waiting = Task { try await listener.notifications() }
            try await database.withConnection(database.superuser) { sender in
                try await sender.query("SELECT pg_notify('others', 'not for us')", prepared: false)
                try await sender.query("SELECT pg_notify('things', 'changed: 1')", prepared: false)
            }
            #expect(try await waiting.value == [PostgresConnection.Notification(channel: "things", payload: "changed: 1")])
            // Two sent while nobody waits arrive together, in order.
            try await database.withConnection(database.superuser) { sender in
                try await sender.script("NOTIFY things, 'a'; NOTIFY things, 'b'")
            }
            var payloads: [String] = []
            while payloads.count < 2 { payloads += try await listener.notifications().map(\.payload) }
            #expect(payloads == ["a", "b"])
            await listener.close()
        }
    }

    @Test(.timeLimit(.minutes(5))) func cancellingTheWaitReturnsPromptlyAndTheConnectionStaysUsable() async throws {
        try await TestDatabase.with(migrated: false) { database in
            let listener = try await PostgresConnection.connect(database.superuser)
            try await listener.query("LISTEN things", prepared: false)
            let waiting = Task { try await listener.notifications() }
            try await Task.sleep(for: .milliseconds(200))
            let cancelled = ContinuousClock.now
            waiting.cancel()
            await #expect(throws: CancellationError.self) { try await waiting.value }
            // Nothing is ever notified on this channel: only the cancellation can end the wait.
            #expect(ContinuousClock.now - cancelled < .seconds(10))
            // A task cancelled before it waits does not wait at all.
            let early = Task {
                withUnsafeCurrentTask { $0?.cancel() }
                return try await listener.notifications()
            }
            await #expect(throws: CancellationError.self) { try await early.value }
            #expect(try await listener.query("SELECT 1 AS one").first?.decode("one", as: Int.self) == 1)
            await listener.close()
        }
    }

    @Test(.timeLimit(.minutes(5))) func aSessionEndedByTheServerEndsTheWaitWithAConnectionError() async throws {
        try await TestDatabase.with(migrated: false) { database in
            let listener = try await PostgresConnection.connect(database.superuser)
            try await listener.query("LISTEN things", prepared: false)
            let pid = try #require(await listener.backendPID)
            let waiting = Task { try await listener.notifications() }
            try await Task.sleep(for: .milliseconds(200))
            try await database.withConnection(database.superuser) { other in
                try await other.query("SELECT pg_terminate_backend($1)", [Int(pid)])
            }
            do {
                _ = try await waiting.value
                Issue.record("the wait returned instead of reporting the lost session")
            } catch let error as PostgresError {
                #expect(error.kind == .connection)
            }
            await listener.close()
        }
    }
}
