import Domain
import Foundation
import Hummingbird
import Migrations
import Postgres

/// `/healthz` (the process is up), `/readyz` (the database answers and its schema is exactly
/// the one this build expects), `/metrics` (Prometheus) and `/openapi.json` (the contract).
struct OperationalRoutes {
    let database: PlatformDatabase
    /// Migration versions built into this binary.
    let expectedVersions: [Int]
    let metrics: PlatformMetrics

    struct Health: Encodable {
        var status: String
    }

    struct Readiness: Encodable {
        var status: String
        var database: String
        var appliedMigrations: Int
        var pendingMigrations: [Int]
    }

    func register(_ routes: inout APIRoutes) {
        routes.add(Endpoint(.get, "/healthz", summary: "The process is up", tag: "Operations", response: "Health", authenticated: false)) { _, _ in
            try Response.json(Health(status: "ok"))
        }
        routes.add(Endpoint(.get, "/readyz", summary: "The database answers and the schema is current", tag: "Operations", response: "Readiness", authenticated: false)) { _, _ in
            try Response.json(try await readiness())
        }
        routes.add(Endpoint(.get, "/metrics", summary: "Prometheus metrics", tag: "Operations", authenticated: false)) { _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: await metrics.scrape())))
        }
    }

    /// `/openapi.json`, registered last so the document lists every route, itself included.
    static func registerDocument(_ routes: inout APIRoutes) {
        let endpoint = Endpoint(.get, "/openapi.json", summary: "This API's OpenAPI 3.1 document", tag: "Operations", authenticated: false)
        let document = try? OpenAPIDocument.json(routes.endpoints + [endpoint])
        routes.add(endpoint) { _, _ in
            guard let document else { throw Problem(status: .internalServerError, code: "server.error", detail: "the API document could not be built") }
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(data: document)))
        }
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
