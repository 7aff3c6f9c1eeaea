import Domain
import Logging
import Postgres

/// The application's way into PostgreSQL: every unit of work is one transaction opened in
/// an `AccessScope`, bounded by a statement timeout.
public struct PlatformDatabase: Sendable {
    public let pool: PostgresPool
    /// How long each statement of a transaction may run before the server cancels it (57014,
    /// answered 504); nil: no limit (ops tooling). Requests get `PlatformConfiguration`'s
    /// `statementTimeout`; reports and exports their own (`allowing`).
    public var statementTimeout: Duration?

    public init(pool: PostgresPool, statementTimeout: Duration? = nil) {
        self.pool = pool
        self.statementTimeout = statementTimeout
    }

    /// The same database with another statement timeout (reports, exports, background jobs).
    public func allowing(_ timeout: Duration?) -> PlatformDatabase {
        PlatformDatabase(pool: pool, statementTimeout: timeout)
    }

    /// Runs independent statements as one transaction in one round trip:
    /// `BEGIN; SELECT set_config(…); statements; COMMIT`. Returns one result per statement.
    public func pipeline(_ scope: AccessScope, _ statements: [PostgresStatement]) async throws -> [PostgresRows] {
        let opening = [PostgresStatement.begin] + scope.settings(statementTimeout: statementTimeout)
        let results = try await pool.pipeline(opening + statements + [.commit])
        return Array(results[opening.count..<(opening.count + statements.count)])
    }

    /// Runs `body` in one transaction for statements that depend on each other's results.
    public func transaction<T: Sendable>(_ scope: AccessScope, _ body: @Sendable @escaping (isolated PostgresConnection) async throws -> T) async throws -> T {
        let settings = scope.settings(statementTimeout: statementTimeout)
        return try await pool.withConnection { connection in
            try await connection.withTransaction(settings, body)
        }
    }
}
