import ArgumentParser
import Foundation
import Logging
import Migrations
import Platform
import Postgres

/// Where the database is, shared by every command that connects.
struct ConnectionOptions: ParsableArguments {
    @Option(name: .customLong("database-url"), help: "libpq URL as platform_app (default: DATABASE_URL, else the dev cluster).")
    var databaseURL: String?

    @Option(name: .customLong("migration-database-url"), help: "libpq URL as platform_owner (default: MIGRATION_DATABASE_URL, else the dev cluster).")
    var migrationDatabaseURL: String?

    func configuration() throws -> PlatformConfiguration {
        var configuration: PlatformConfiguration
        do {
            configuration = try PlatformConfiguration.fromEnvironment()
        } catch let error as ConfigurationError {
            throw ValidationError(error.message)
        }
        if let databaseURL { configuration.databaseURL = databaseURL }
        if let migrationDatabaseURL { configuration.migrationDatabaseURL = migrationDatabaseURL }
        return configuration
    }

    var app: PostgresConfiguration {
        get throws { PostgresConfiguration(try configuration().databaseURL, applicationName: "platform-admin") }
    }

    var owner: PostgresConfiguration {
        get throws { PostgresConfiguration(try configuration().migrationDatabaseURL, applicationName: "platform-admin") }
    }

    /// Runs `body` with a small pool on the app URL, closing it afterwards.
    func withDatabase<T: Sendable>(connections: Int = 2, _ body: (PlatformDatabase) async throws -> T) async throws -> T {
        let pool = PostgresPool(try app, options: .init(maxConnections: connections, acquireTimeout: .seconds(10)), logger: cliLogger)
        let outcome: Result<T, any Error>
        do { outcome = .success(try await body(PlatformDatabase(pool: pool))) } catch { outcome = .failure(error) }
        await pool.close()
        return try outcome.get()
    }
}

/// Exit statuses scripts can branch on (documented in `platform-admin --help`).
enum AdminExit {
    static let failure = ExitCode(1)
    static let drift = ExitCode(3)
    static let locked = ExitCode(4)
    static let migrationFailed = ExitCode(5)
    static let lintFindings = ExitCode(6)
    static let doctorProblems = ExitCode(7)
    static let importRejected = ExitCode(8)
    static let exportMismatch = ExitCode(9)
}

let cliLogger: Logger = {
    var logger = Logger(label: "platform-admin")
    logger.logLevel = ProcessInfo.processInfo.environment["LOG_LEVEL"].flatMap { Logger.Level(rawValue: $0.lowercased()) } ?? .warning
    return logger
}()

/// Prints to stderr.
func report(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}

/// Runs a command body, turning known failures into a message on stderr and an exit status.
func runReporting(_ body: () async throws -> Void) async throws {
    do {
        try await body()
    } catch let error as MigrationError {
        report("error: \(error.message)")
        switch error.code {
        case .drift: throw AdminExit.drift
        case .locked: throw AdminExit.locked
        case .failed: throw AdminExit.migrationFailed
        default: throw AdminExit.failure
        }
    } catch let error as DomainError {
        report("error: \(error)")
        throw AdminExit.failure
    } catch let error as PostgresError {
        report("error: \(error.isUnavailable ? "cannot reach the database: " : "")\(error)")
        throw AdminExit.failure
    } catch let error as LocalClusterError {
        report("error: \(error.message)")
        throw AdminExit.failure
    }
}

/// Left-aligned columns for terminal output.
func table(_ header: [String], _ rows: [[String]]) -> String {
    let all = [header] + rows
    let widths = header.indices.map { column in all.map { displayWidth($0[column]) }.max() ?? 0 }
    return all.map { row in
        row.enumerated().map { column, cell in
            cell + String(repeating: " ", count: column == row.count - 1 ? 0 : widths[column] - displayWidth(cell) + 2)
        }.joined()
    }.joined(separator: "\n")
}

/// Terminal columns: CJK characters take two.
func displayWidth(_ text: String) -> Int {
    text.unicodeScalars.reduce(0) { width, scalar in
        width + ((0x1100...0x115F).contains(scalar.value) || (0x2E80...0xA4CF).contains(scalar.value) || (0xAC00...0xD7A3).contains(scalar.value)
            || (0xF900...0xFAFF).contains(scalar.value) || (0xFF00...0xFF60).contains(scalar.value) ? 2 : 1)
    }
}

func printJSON<T: Encodable>(_ value: T) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    encoder.dateEncodingStrategy = .iso8601
    print(String(decoding: try encoder.encode(value), as: UTF8.self))
}
