import ArgumentParser
import Foundation
import Migrations
import Postgres

struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Apply, plan, verify and lint schema migrations (as platform_owner).",
        subcommands: [Status.self, Plan.self, Up.self, Verify.self, Lint.self])

    /// Which files: the ones built into this binary, or a folder.
    struct Source: ParsableArguments {
        @Option(help: "Use the migrations in this folder instead of the ones built in.")
        var dir: String?

        func migrations() throws -> [Migration] {
            if let dir { return try MigrationSource.directory(URL(fileURLWithPath: dir)) }
            return try MigrationSource.bundled()
        }
    }

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show every migration and whether it is applied.")
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var source: Source

        func run() async throws {
            try await runReporting {
                let migrator = Migrator(configuration: try connection.owner, migrations: try source.migrations(), logger: cliLogger)
                let rows = try await migrator.status().map { status in
                    [String(status.version), status.name, status.state.rawValue,
                     status.appliedAt.map { $0.formatted(.iso8601) } ?? "", status.appliedBy ?? "", status.durationMs.map { "\($0) ms" } ?? ""]
                }
                print(table(["VERSION", "NAME", "STATE", "APPLIED AT", "BY", "TOOK"], rows))
            }
        }
    }

    struct Plan: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the SQL that `up` would run, without running it.")
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var source: Source

        func run() async throws {
            try await runReporting {
                let migrator = Migrator(configuration: try connection.owner, migrations: try source.migrations(), logger: cliLogger)
                let pending = try await migrator.pending()
                if pending.isEmpty {
                    print("-- nothing to apply: the schema is current")
                    return
                }
                for migration in pending {
                    let mode = migration.transactional ? "one transaction" : "no transaction, statement by statement"
                    print("-- \(migration.fileName) (\(mode); lock_timeout \(migration.lockTimeout ?? migrator.defaultLockTimeout), statement_timeout \(migration.statementTimeout ?? migrator.defaultStatementTimeout))")
                    print(migration.sql.trimmingCharacters(in: .whitespacesAndNewlines))
                    print("")
                }
            }
        }
    }

    struct Up: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Apply every pending migration, each in its own transaction.")
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var source: Source

        @Option(help: "Seconds to wait for another deployer holding the migration lock.")
        var lockWait: Int = 60

        @Option(help: "Superuser URL: first create role platform_owner and the database if missing.")
        var bootstrapURL: String?

        @Option(help: "Recorded as applied_by (default: the database user).")
        var appliedBy: String?

        func validate() throws {
            guard lockWait >= 0 else { throw ValidationError("--lock-wait cannot be negative") }
        }

        func run() async throws {
            try await runReporting {
                let owner = try connection.owner
                if let bootstrapURL {
                    try await DatabaseBootstrap.prepare(superuser: PostgresConfiguration(bootstrapURL), database: try databaseName(owner),
                                                        ownerPassword: ProcessInfo.processInfo.environment["PLATFORM_OWNER_PASSWORD"])
                }
                let migrator = Migrator(configuration: owner, migrations: try source.migrations(), logger: cliLogger)
                let applied = try await migrator.up(lockWait: .seconds(lockWait), appliedBy: appliedBy)
                if let bootstrapURL, !bootstrapURL.isEmpty {
                    let environment = ProcessInfo.processInfo.environment
                    try await DatabaseBootstrap.setPasswords(owner: owner, app: environment["PLATFORM_APP_PASSWORD"], report: environment["PLATFORM_REPORT_PASSWORD"])
                }
                if applied.isEmpty {
                    print("schema is current; nothing applied")
                } else {
                    for migration in applied { print("applied \(Migration.fileStem(version: migration.version, name: migration.name)) (\(migration.durationMs) ms)") }
                }
            }
        }

        /// The database named in the owner URL, found by asking libpq-style URLs' path.
        func databaseName(_ owner: PostgresConfiguration) throws -> String {
            let url = owner.connectionString
            if let components = URLComponents(string: url), components.scheme?.hasPrefix("postgres") == true {
                let name = components.path.trimmingCharacters(in: CharacterSet(charactersIn: "/"))
                if !name.isEmpty { return name }
            }
            if let match = url.split(separator: " ").first(where: { $0.hasPrefix("dbname=") }) { return String(match.dropFirst(7)) }
            throw ValidationError("cannot tell the database name from the migration URL; include it (postgresql://…/NAME)")
        }
    }

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Check applied migrations against the files: edited, missing, or out of order.")
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var source: Source

        func run() async throws {
            try await runReporting {
                let drift = try await Migrator(configuration: try connection.owner, migrations: try source.migrations(), logger: cliLogger).verify()
                guard !drift.isEmpty else {
                    print("ok: applied migrations match the files")
                    return
                }
                for item in drift { report("drift: \(item)") }
                throw AdminExit.drift
            }
        }
    }

    struct Lint: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Flag blocking DDL in pending migrations (or all with --all, no database needed).")
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var source: Source

        @Flag(help: "Lint every file, without asking the database which are pending.")
        var all = false

        func run() async throws {
            try await runReporting {
                let files = try source.migrations()
                let pending = all ? files : try await Migrator(configuration: try connection.owner, migrations: files, logger: cliLogger).pending()
                let findings = MigrationLinter().lint(pending)
                guard !findings.isEmpty else {
                    print("ok: \(pending.count) file(s) checked, no blocking DDL found")
                    return
                }
                for finding in findings { print(finding.description) }
                report("\(findings.count) finding(s)")
                throw AdminExit.lintFindings
            }
        }
    }
}
