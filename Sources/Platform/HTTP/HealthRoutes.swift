import Foundation
import Hummingbird
import Migrations
import Postgres

/// `/healthz` (the process is up) and `/readyz` (the database answers and its schema is
/// exactly the one this build expects), for load balancers and orchestrators.
struct HealthRoutes: Sendable {
    let database: PlatformDatabase
    /// Migration versions built into this binary.
    let expectedVersions: [Int]

    struct Health: ResponseEncodable {
        var status: String
    }

    struct Readiness: ResponseEncodable {
        var status: String
        var database: String
        var appliedMigrations: Int
        var pendingMigrations: [Int]
    }

    func register(on router: Router<some RequestContext>) {
        router.get("/healthz") { _, _ in Health(status: "ok") }
        router.get("/readyz") { _, _ in try await readiness() }
    }

    func readiness() async throws -> Readiness {
        let applied: [Int]
        do {
            let rows = try await database.pool.query("SELECT app.applied_migrations() AS versions")
            applied = try rows.first?.decode("versions", as: [Int].self) ?? []
        } catch let error as PostgresError {
            throw Problem(status: .serviceUnavailable, code: "service.database_unavailable", detail: "database check failed: \(error.message)", retryAfter: 1)
        }
        let pending = expectedVersions.filter { !applied.contains($0) }
        let unknown = applied.filter { !expectedVersions.contains($0) }
        guard pending.isEmpty else {
            throw Problem(status: .serviceUnavailable, code: "service.migrations_pending", detail: "migrations not applied yet: \(pending.map(String.init).joined(separator: ", ")); run platform-admin migrate up", retryAfter: 5)
        }
        guard unknown.isEmpty else {
            throw Problem(status: .serviceUnavailable, code: "service.schema_newer", detail: "the database has migrations this build does not know: \(unknown.map(String.init).joined(separator: ", ")); deploy the newer build")
        }
        return Readiness(status: "ready", database: "ok", appliedMigrations: applied.count, pendingMigrations: [])
    }
}
