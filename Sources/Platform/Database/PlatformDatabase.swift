import Domain
import Logging
import Postgres

/// The application's way into PostgreSQL: every unit of work is one transaction opened in
/// an `AccessScope`.
public struct PlatformDatabase: Sendable {
    public let pool: PostgresPool

    public init(pool: PostgresPool) {
        self.pool = pool
    }

    /// Runs independent statements as one transaction in one round trip:
    /// `BEGIN; SET LOCAL …; statements; COMMIT`. Returns one result per statement.
    public func pipeline(_ scope: AccessScope, _ statements: [PostgresStatement]) async throws -> [PostgresRows] {
        let opening = [PostgresStatement.begin] + scope.settings
        let results = try await pool.pipeline(opening + statements + [.commit])
        return Array(results[opening.count..<(opening.count + statements.count)])
    }

    /// Runs `body` in one transaction for statements that depend on each other's results.
    public func transaction<T: Sendable>(_ scope: AccessScope, _ body: @Sendable @escaping (isolated PostgresConnection) async throws -> T) async throws -> T {
        try await pool.withConnection { connection in
            try await connection.withTransaction(scope.settings, body)
        }
    }
}
