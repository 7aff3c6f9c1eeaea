import Crypto
import Foundation
import Logging
import Migrations
import Postgres

/// The PostgreSQL cluster the tests run against.
///
/// `scripts/test` starts a throwaway cluster and names it in `PLATFORM_TEST_CLUSTER`
/// (its folder) and `PLATFORM_TEST_PORT`. Without them, the tests start (once) a cluster of
/// their own under `.data/test-cluster`, so plain `swift test` works too.
public enum TestCluster {
    public static let shared: LocalCluster = {
        let environment = ProcessInfo.processInfo.environment
        if let root = environment["PLATFORM_TEST_CLUSTER"] {
            return LocalCluster(root: URL(fileURLWithPath: root), port: Int(environment["PLATFORM_TEST_PORT"] ?? "") ?? 54330)
        }
        return LocalCluster(root: packageRoot.appendingPathComponent(".data/test-cluster"), port: 54330)
    }()

    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    private static let started: Task<Void, any Error> = Task {
        let cluster = shared
        if !cluster.isRunning {
            try cluster.initialize()
            try cluster.start()
        }
    }

    /// Waits until the shared cluster runs.
    public static func ready() async throws {
        try await started.value
    }

    public static var superuser: PostgresConfiguration {
        PostgresConfiguration(shared.superuserURL, applicationName: "tests")
    }
}

/// A fresh database in the test cluster, owned by `platform_owner`, optionally migrated.
public struct TestDatabase: Sendable {
    public let name: String
    public let cluster: LocalCluster

    public init(name: String, cluster: LocalCluster) {
        self.name = name
        self.cluster = cluster
    }

    public var owner: PostgresConfiguration { PostgresConfiguration(cluster.url(database: name, user: "platform_owner"), applicationName: "tests") }
    public var app: PostgresConfiguration { PostgresConfiguration(cluster.url(database: name, user: "platform_app"), applicationName: "tests") }
    public var superuser: PostgresConfiguration { PostgresConfiguration(cluster.url(database: name, user: "postgres"), applicationName: "tests") }

    /// Creates `test_<random>`; with `migrated`, applies the bundled migrations as the owner.
    /// On the shared cluster a migrated database is a copy of one migrated once per set of
    /// migrations (`CREATE DATABASE … TEMPLATE`), which takes a fraction of migrating anew.
    public static func make(migrated: Bool = true, cluster: LocalCluster? = nil) async throws -> TestDatabase {
        let cluster = cluster ?? TestCluster.shared
        let name = "test_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased()
        let database = TestDatabase(name: name, cluster: cluster)
        if cluster.root == TestCluster.shared.root {
            try await TestCluster.ready()
            if migrated {
                let template = try await migratedTemplate.value
                try await PostgresConnection.with(TestCluster.superuser, logger: quietLogger) { connection in
                    try await connection.script("CREATE DATABASE \(PostgresLiteral.identifier(name)) OWNER platform_owner TEMPLATE \(PostgresLiteral.identifier(template))")
                }
                return database
            }
        }
        try await DatabaseBootstrap.prepare(superuser: PostgresConfiguration(cluster.superuserURL), database: name)
        if migrated {
            try await Migrator(configuration: database.owner, migrations: MigrationSource.bundled(), logger: quietLogger).up()
        }
        return database
    }

    /// The shared cluster's migrated template, named by the migrations' checksums so a
    /// changed migration makes a new one; built under another name and renamed when
    /// complete, so an interrupted run never leaves a half-migrated template to copy.
    private static let migratedTemplate: Task<String, any Error> = Task {
        let migrations = try MigrationSource.bundled()
        let digest = SHA256.hash(data: Data(migrations.map(\.checksum).joined().utf8)).prefix(6).map { String(format: "%02x", $0) }.joined()
        let template = "template_platform_\(digest)"
        let cluster = TestCluster.shared
        let exists = try await PostgresConnection.with(TestCluster.superuser, logger: quietLogger) { connection in
            try await !connection.query("SELECT 1 FROM pg_database WHERE datname = $1", [template], prepared: false).isEmpty
        }
        if exists { return template }
        let building = "\(template)_\(ProcessInfo.processInfo.processIdentifier)"
        try await DatabaseBootstrap.prepare(superuser: PostgresConfiguration(cluster.superuserURL), database: building)
        try await Migrator(configuration: TestDatabase(name: building, cluster: cluster).owner, migrations: migrations, logger: quietLogger).up()
        try await PostgresConnection.with(TestCluster.superuser, logger: quietLogger) { connection in
            do {
                try await connection.script("ALTER DATABASE \(PostgresLiteral.identifier(building)) RENAME TO \(PostgresLiteral.identifier(template))")
            } catch {
                // Another test process finished the same template first: use theirs.
                try await connection.script("DROP DATABASE IF EXISTS \(PostgresLiteral.identifier(building)) WITH (FORCE)")
            }
        }
        return template
    }

    /// Runs `body` on a one-off connection.
    @discardableResult
    public func withConnection<T: Sendable>(_ configuration: PostgresConfiguration, _ body: (PostgresConnection) async throws -> T) async throws -> T {
        try await PostgresConnection.with(configuration, logger: quietLogger, body)
    }

    /// Drops the database (forcing out leftover sessions).
    public func drop() async throws {
        try await PostgresConnection.with(PostgresConfiguration(cluster.superuserURL), logger: quietLogger) { connection in
            try await connection.script("DROP DATABASE IF EXISTS \(PostgresLiteral.identifier(name)) WITH (FORCE)")
        }
    }
}

public let quietLogger: Logger = {
    var logger = Logger(label: "tests")
    logger.logLevel = .error
    return logger
}()

/// A log handler that keeps messages in memory, for asserting what was logged.
public final class CapturingLogHandler: LogHandler, @unchecked Sendable {
    // @unchecked Sendable: `messages` is guarded by `lock`; the other stored properties are
    // only set before the handler is shared.
    private let lock = NSLock()
    private var stored: [String] = []
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .trace

    public init() {}

    public var messages: [String] { lock.withLock { stored } }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        lock.withLock { stored.append("\(event.level): \(event.message)") }
    }
}

extension TestDatabase {
    /// Runs `body` on a fresh database and drops it afterwards, whether `body` returns or
    /// throws (a failing test leaves nothing behind on a long-lived cluster).
    public static func with<T: Sendable>(migrated: Bool = true, cluster: LocalCluster? = nil, _ body: (TestDatabase) async throws -> T) async throws -> T {
        let database = try await make(migrated: migrated, cluster: cluster)
        do {
            let result = try await body(database)
            try await database.drop()
            return result
        } catch {
            try? await database.drop()
            throw error
        }
    }
}

extension PostgresConnection {
    /// Seconds from `start` to the last change of state of the sessions `matching` (a condition
    /// on `pg_stat_activity`) that are no longer active, by the server's own record
    /// (`state_change`; the server and the tests read the same clock): when a cancelled statement
    /// stopped, however late a test's polling saw it on a loaded machine. With no such session,
    /// 1e12 s ("never").
    public func secondsUntilSettled(since start: Date, matching condition: String, _ parameters: [(any PostgresEncodable)?] = []) async throws -> Double {
        let settled = try await query("""
            SELECT coalesce(extract(epoch FROM max(state_change))::float8, 1e12) FROM pg_stat_activity
            WHERE state <> 'active' AND (\(condition))
            """, parameters, prepared: false)[0].decode(at: 0, as: Double.self)
        return settled - start.timeIntervalSince1970
    }
}
