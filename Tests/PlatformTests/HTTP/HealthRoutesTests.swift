import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Migrations
import Platform
import TestSupport
import Testing

@Suite("Health and readiness endpoints")
struct HealthRoutesTests {
    func configuration(_ database: TestDatabase) -> PlatformConfiguration {
        PlatformConfiguration(port: 0, databaseURL: database.app.connectionString, migrationDatabaseURL: database.owner.connectionString, logLevel: .error)
    }

    @Test func aMigratedDatabaseIsReady() async throws {
        try await TestDatabase.with { database in
            let app = try PlatformApplication.build(configuration(database), logger: quietLogger)
            try await app.test(.live) { client in
                try await client.execute(uri: "/healthz", method: .get) { response in
                    #expect(response.status == .ok)
                    #expect(String(buffer: response.body) == #"{"status":"ok"}"#)
                }
                try await client.execute(uri: "/readyz", method: .get) { response in
                    #expect(response.status == .ok)
                    let body = try JSONSerialization.jsonObject(with: Data(String(buffer: response.body).utf8)) as? [String: Any]
                    #expect(body?["status"] as? String == "ready")
                    #expect(body?["appliedMigrations"] as? Int == (try MigrationSource.bundled().count))
                }
            }
        }
    }

    @Test func pendingMigrationsMakeTheServerUnreadyWithAProblem() async throws {
        try await TestDatabase.with { database in
            try await database.withConnection(database.owner) { try await $0.query("DELETE FROM schema_migrations WHERE version = 2") }
            let app = try PlatformApplication.build(configuration(database), logger: quietLogger)
            try await app.test(.live) { client in
                try await client.execute(uri: "/readyz", method: .get) { response in
                    #expect(response.status == .serviceUnavailable)
                    #expect(response.headers[.contentType] == "application/problem+json")
                    #expect(response.headers[.retryAfter] == "5")
                    let body = try JSONSerialization.jsonObject(with: Data(String(buffer: response.body).utf8)) as? [String: Any]
                    #expect(body?["code"] as? String == "service.migrations_pending")
                    #expect(body?["status"] as? Int == 503)
                }
            }
        }
    }

    @Test func anUnreachableDatabaseIsA503NotAHang() async throws {
        let unreachable = PlatformConfiguration(
            port: 0, databaseURL: "postgresql:///none?host=/nonexistent&port=1&user=platform_app", migrationDatabaseURL: "", logLevel: .error)
        let app = try PlatformApplication.build(unreachable, logger: quietLogger)
        try await app.test(.live) { client in
            try await client.execute(uri: "/readyz", method: .get) { response in
                #expect(response.status == .serviceUnavailable)
                #expect(response.headers[.retryAfter] == "1")
            }
            try await client.execute(uri: "/healthz", method: .get) { response in
                #expect(response.status == .ok)
            }
        }
    }

    @Test func unknownRoutesAnswerProblemJSON() async throws {
        try await TestDatabase.with { database in
            let app = try PlatformApplication.build(configuration(database), logger: quietLogger)
            try await app.test(.live) { client in
                try await client.execute(uri: "/api/v1/nothing", method: .get) { response in
                    #expect(response.status == .notFound)
                    #expect(response.headers[.contentType] == "application/problem+json")
                }
            }
        }
    }
}
