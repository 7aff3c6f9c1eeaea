import Domain
import Foundation
import Logging
import Postgres

/// Everything the server and the admin CLI read from the environment, in one place.
///
/// `DATABASE_URL` (the app role) and `MIGRATION_DATABASE_URL` (the owner) point at any
/// PostgreSQL. Without them, the private development cluster that `platform-admin dev up`
/// starts under `.data/` is used, so a fresh checkout runs with no configuration at all.
public struct PlatformConfiguration: Sendable {
    public var host: String
    public var port: Int
    public var databaseURL: String
    public var migrationDatabaseURL: String
    public var logLevel: Logger.Level
    public var poolSize: Int
    public var poolTimeout: Duration
    /// The time source of every rule; the system clock outside tests.
    public var clock: PlatformClock = .system
    /// How often the background jobs (SLA breaches, overdue follow-ups) run.
    public var jobInterval: Duration = .seconds(60)
    /// How long a request's statement may run before the server cancels it (answered 504).
    public var statementTimeout: Duration = .seconds(5)
    /// The same for reports, exports and the background jobs.
    public var reportStatementTimeout: Duration = .seconds(60)

    public init(
        host: String = "127.0.0.1", port: Int = 8080, databaseURL: String, migrationDatabaseURL: String,
        logLevel: Logger.Level = .info, poolSize: Int = 8, poolTimeout: Duration = .seconds(2)
    ) {
        self.host = host
        self.port = port
        self.databaseURL = databaseURL
        self.migrationDatabaseURL = migrationDatabaseURL
        self.logLevel = logLevel
        self.poolSize = poolSize
        self.poolTimeout = poolTimeout
    }

    /// Reads `HOST`, `PORT`, `DATABASE_URL`, `MIGRATION_DATABASE_URL`, `LOG_LEVEL`,
    /// `DB_POOL_SIZE`, `DB_POOL_TIMEOUT_MS`, `DB_STATEMENT_TIMEOUT_MS` (5000) and
    /// `DB_REPORT_STATEMENT_TIMEOUT_MS` (60000), falling back to the dev cluster.
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws -> PlatformConfiguration {
        let dev = DevelopmentCluster.default
        func integer(_ name: String, default value: Int, range: ClosedRange<Int>) throws -> Int {
            guard let text = environment[name], !text.isEmpty else { return value }
            guard let number = Int(text), range.contains(number) else {
                throw ConfigurationError(message: "\(name) must be a whole number in \(range.lowerBound)...\(range.upperBound), got '\(text)'")
            }
            return number
        }
        var logLevel = Logger.Level.info
        if let text = environment["LOG_LEVEL"], !text.isEmpty {
            guard let level = Logger.Level(rawValue: text.lowercased()) else {
                throw ConfigurationError(message: "LOG_LEVEL must be one of \(Logger.Level.allCases.map(\.rawValue).joined(separator: ", ")), got '\(text)'")
            }
            logLevel = level
        }
        var configuration = PlatformConfiguration(
            host: environment["HOST"].flatMap { $0.isEmpty ? nil : $0 } ?? "127.0.0.1",
            port: try integer("PORT", default: 8080, range: 0...65535),
            databaseURL: environment["DATABASE_URL"].flatMap { $0.isEmpty ? nil : $0 } ?? dev.cluster.url(database: DevelopmentCluster.databaseName, user: "platform_app"),
            migrationDatabaseURL: environment["MIGRATION_DATABASE_URL"].flatMap { $0.isEmpty ? nil : $0 }
                ?? dev.cluster.url(database: DevelopmentCluster.databaseName, user: "platform_owner"),
            logLevel: logLevel,
            poolSize: try integer("DB_POOL_SIZE", default: 8, range: 1...200),
            poolTimeout: .milliseconds(try integer("DB_POOL_TIMEOUT_MS", default: 2000, range: 1...600_000)))
        configuration.statementTimeout = .milliseconds(try integer("DB_STATEMENT_TIMEOUT_MS", default: 5000, range: 1...3_600_000))
        configuration.reportStatementTimeout = .milliseconds(try integer("DB_REPORT_STATEMENT_TIMEOUT_MS", default: 60_000, range: 1...3_600_000))
        return configuration
    }
}

public struct ConfigurationError: Error, CustomStringConvertible, Sendable {
    public var message: String
    public var description: String { message }
}

/// The development cluster's location: `.data/` under the working directory, or
/// `PLATFORM_DATA_DIR`; its port from `PLATFORM_DEV_PORT` (default 54329).
public struct DevelopmentCluster: Sendable {
    public static let databaseName = "platform"
    public var cluster: LocalCluster

    public static var `default`: DevelopmentCluster {
        let environment = ProcessInfo.processInfo.environment
        let root = environment["PLATFORM_DATA_DIR"].map { URL(fileURLWithPath: $0) }
            ?? URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent(".data")
        let port = environment["PLATFORM_DEV_PORT"].flatMap(Int.init) ?? 54329
        return DevelopmentCluster(cluster: LocalCluster(root: root, port: port))
    }
}

/// Where the platform reads the time. Rules take `now` from here so that tests can move it
/// (deadlines across weekends, 30-minute no-shows) without waiting.
public struct PlatformClock: Sendable {
    public let now: @Sendable () -> Date

    public init(_ now: @escaping @Sendable () -> Date) {
        self.now = now
    }

    public static let system = PlatformClock { Date() }
}
