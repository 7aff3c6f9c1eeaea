import Foundation
import Logging
import Postgres

/// Applies, plans and verifies migrations against one database.
///
/// `up` takes a session-level advisory lock on a connection of its own (polled with
/// `pg_try_advisory_lock`), so two deployers never both run and a non-transactional file
/// cannot deadlock against the lock. It refuses to run over drift, applies each pending file
/// in its own transaction (unless marked `no-transaction`), and records every attempt in
/// `schema_migrations` with checksum, who, when and how long.
public struct Migrator: Sendable {
    /// One file compared with the history.
    public struct Status: Sendable, Equatable {
        public enum State: String, Sendable {
            case applied, pending, failed
            /// Applied, but the file's checksum no longer matches.
            case edited
            /// Applied, but no file with this version ships any more.
            case missing
        }
        public var version: Int
        public var name: String
        public var state: State
        public var appliedAt: Date?
        public var appliedBy: String?
        public var durationMs: Int?
    }

    /// A mismatch between history and files that blocks `up`.
    public struct Drift: Sendable, Equatable, CustomStringConvertible {
        public var version: Int
        public var name: String
        public var problem: String
        public var description: String { "\(Migration.fileStem(version: version, name: name)): \(problem)" }
    }

    /// A file that `up` applied.
    public struct Applied: Sendable, Equatable {
        public var version: Int
        public var name: String
        public var durationMs: Int
    }

    /// Arbitrary constant identifying the migration lock among advisory locks.
    public static let lockKey: Int64 = 7_326_001_001

    public var configuration: PostgresConfiguration
    public var migrations: [Migration]
    public var defaultLockTimeout = "5s"
    public var defaultStatementTimeout = "15min"
    public var logger: Logger

    public init(configuration: PostgresConfiguration, migrations: [Migration], logger: Logger = Logger(label: "migrations")) {
        self.configuration = configuration
        self.migrations = migrations
        self.logger = logger
    }

    struct HistoryRow {
        var version: Int
        var name: String
        var checksum: String
        var appliedBy: String
        var appliedAt: Date
        var durationMs: Int
        var success: Bool
    }

    static let historyDDL = """
        CREATE TABLE IF NOT EXISTS public.schema_migrations (
            version int PRIMARY KEY,
            name text NOT NULL,
            checksum text NOT NULL,
            applied_by text NOT NULL,
            applied_at timestamptz NOT NULL DEFAULT now(),
            duration_ms int NOT NULL,
            success boolean NOT NULL
        )
        """

    func history(_ connection: PostgresConnection) async throws -> [HistoryRow] {
        let exists = try await connection.query("SELECT to_regclass('public.schema_migrations') IS NOT NULL AS present", prepared: false)
        guard try exists.first?.decode("present", as: Bool.self) == true else { return [] }
        let rows = try await connection.query(
            "SELECT version, name, checksum, applied_by, applied_at, duration_ms, success FROM public.schema_migrations ORDER BY version",
            prepared: false)
        return try rows.map { row in
            HistoryRow(
                version: try row.decode("version"), name: try row.decode("name"), checksum: try row.decode("checksum"),
                appliedBy: try row.decode("applied_by"), appliedAt: try row.decode("applied_at"),
                durationMs: try row.decode("duration_ms"), success: try row.decode("success"))
        }
    }

    /// Every file and every history row, in version order.
    public func status() async throws -> [Status] {
        try await withSession { connection in
            Self.status(files: migrations, history: try await history(connection))
        }
    }

    static func status(files: [Migration], history: [HistoryRow]) -> [Status] {
        let byVersion = Dictionary(uniqueKeysWithValues: history.map { ($0.version, $0) })
        var result: [Status] = files.map { file in
            guard let row = byVersion[file.version] else {
                return Status(version: file.version, name: file.name, state: .pending)
            }
            let state: Status.State = !row.success ? .failed : (row.checksum == file.checksum && row.name == file.name ? .applied : .edited)
            return Status(version: file.version, name: file.name, state: state, appliedAt: row.appliedAt, appliedBy: row.appliedBy, durationMs: row.durationMs)
        }
        let known = Set(files.map(\.version))
        for row in history where row.success && !known.contains(row.version) {
            result.append(Status(version: row.version, name: row.name, state: .missing, appliedAt: row.appliedAt, appliedBy: row.appliedBy, durationMs: row.durationMs))
        }
        return result.sorted { $0.version < $1.version }
    }

    /// Edited or missing applied files, and pending files older than the newest applied one.
    public func verify() async throws -> [Drift] {
        try await withSession { connection in Self.drift(files: migrations, history: try await history(connection)) }
    }

    static func drift(files: [Migration], history: [HistoryRow]) -> [Drift] {
        var drift: [Drift] = []
        let newestApplied = history.filter(\.success).map(\.version).max() ?? 0
        for status in status(files: files, history: history) {
            switch status.state {
            case .edited: drift.append(Drift(version: status.version, name: status.name, problem: "applied file was edited (checksum or name differs)"))
            case .missing: drift.append(Drift(version: status.version, name: status.name, problem: "applied, but the file is missing from this build"))
            case .pending where status.version < newestApplied:
                drift.append(Drift(version: status.version, name: status.name, problem: "not applied, but newer migrations are (a gap)"))
            default: break
            }
        }
        return drift
    }

    /// The files `up` would apply, in order.
    public func pending() async throws -> [Migration] {
        try await withSession { connection in
            let applied = Set(try await history(connection).filter(\.success).map(\.version))
            return migrations.filter { !applied.contains($0.version) }
        }
    }

    /// Applies every pending file. Waits up to `lockWait` for another deployer to finish.
    @discardableResult
    public func up(lockWait: Duration = .seconds(30), appliedBy: String? = nil) async throws -> [Applied] {
        let lockSession = try await PostgresConnection.connect(configuration, logger: logger)
        do {
            try await acquireLock(lockSession, wait: lockWait)
            let applied = try await withSession { connection in try await applyPending(connection, appliedBy: appliedBy) }
            // Closing the session releases the session-level advisory lock.
            await lockSession.close()
            return applied
        } catch {
            await lockSession.close()
            throw error
        }
    }

    private func acquireLock(_ session: PostgresConnection, wait: Duration) async throws {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: wait)
        var announced = false
        while true {
            let rows = try await session.query("SELECT pg_try_advisory_lock($1) AS locked", [Self.lockKey], prepared: false)
            if try rows.first?.decode("locked", as: Bool.self) == true { return }
            if clock.now >= deadline {
                throw MigrationError(code: .locked, message: "another migration run holds the lock; gave up after \(wait)")
            }
            if !announced {
                logger.info("waiting for another migration run to finish")
                announced = true
            }
            try await Task.sleep(for: .milliseconds(200))
        }
    }

    private func applyPending(_ connection: PostgresConnection, appliedBy: String?) async throws -> [Applied] {
        try await connection.script(Self.historyDDL)
        let history = try await history(connection)
        let drift = Self.drift(files: migrations, history: history)
        guard drift.isEmpty else {
            throw MigrationError(code: .drift, message: "refusing to migrate over drift:\n" + drift.map { "  \($0)" }.joined(separator: "\n"))
        }
        let applied = Set(history.filter(\.success).map(\.version))
        var done: [Applied] = []
        for migration in migrations where !applied.contains(migration.version) {
            done.append(try await apply(migration, on: connection, appliedBy: appliedBy))
        }
        return done
    }

    private func apply(_ migration: Migration, on connection: PostgresConnection, appliedBy: String?) async throws -> Applied {
        let lockTimeout = migration.lockTimeout ?? defaultLockTimeout
        let statementTimeout = migration.statementTimeout ?? defaultStatementTimeout
        let started = ContinuousClock.now
        logger.info("applying \(migration.fileName)")
        @Sendable func elapsedMs() -> Int {
            let elapsed = ContinuousClock.now - started
            return Int(elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000)
        }
        @Sendable func record(_ success: Bool) -> PostgresStatement {
            PostgresStatement(
                """
                INSERT INTO public.schema_migrations (version, name, checksum, applied_by, applied_at, duration_ms, success)
                VALUES ($1, $2, $3, coalesce($4, current_user), now(), $5, $6)
                ON CONFLICT (version) DO UPDATE SET name = EXCLUDED.name, checksum = EXCLUDED.checksum,
                    applied_by = EXCLUDED.applied_by, applied_at = EXCLUDED.applied_at,
                    duration_ms = EXCLUDED.duration_ms, success = EXCLUDED.success
                """, [migration.version, migration.name, migration.checksum, appliedBy, elapsedMs(), success], prepared: false)
        }
        do {
            if migration.transactional {
                try await connection.withTransaction([
                    .setLocal("lock_timeout", lockTimeout), .setLocal("statement_timeout", statementTimeout),
                ]) { connection in
                    try await connection.script(migration.sql)
                    try await connection.execute(record(true))
                }
            } else {
                try await connection.script(
                    "SET lock_timeout = \(PostgresLiteral.quote(lockTimeout)); SET statement_timeout = \(PostgresLiteral.quote(statementTimeout))")
                for statement in SQLScript(migration.sql).statements {
                    do {
                        try await connection.script(statement.text)
                    } catch var error as PostgresError {
                        // Point at the statement's line; a position inside it is relative to it.
                        error.position = nil
                        _ = try? await connection.script("RESET lock_timeout; RESET statement_timeout")
                        throw FailedStatement(error: error, line: statement.line)
                    }
                }
                try await connection.script("RESET lock_timeout; RESET statement_timeout")
                try await connection.execute(record(true))
            }
        } catch {
            _ = try? await connection.execute(record(false))
            let kept = migration.transactional
                ? "it was rolled back, nothing of it was kept"
                : "it is not transactional: statements before the failing one stay applied; the file is marked failed and runs again from the top"
            throw MigrationError(code: .failed, message: "\(migration.fileName) failed: \(describe(error, in: migration)); \(kept)")
        }
        let duration = elapsedMs()
        logger.info("applied \(migration.fileName) in \(duration) ms")
        return Applied(version: migration.version, name: migration.name, durationMs: duration)
    }

    private struct FailedStatement: Error {
        var error: PostgresError
        var line: Int
    }

    private func describe(_ error: any Error, in migration: Migration) -> String {
        if let failed = error as? FailedStatement {
            return "line \(failed.line): \(failed.error)"
        }
        if let error = error as? PostgresError {
            if let position = error.position { return "line \(migration.line(ofCharacterOffset: position)): \(error)" }
            return "\(error)"
        }
        return "\(error)"
    }

    private func withSession<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        try await PostgresConnection.with(configuration, logger: logger, body)
    }
}
