import ArgumentParser
import Foundation
import Migrations
import Platform
import Postgres

struct DevCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dev",
        abstract: "Run a private PostgreSQL cluster for development under .data/.",
        discussion: "The cluster listens on a Unix socket in .data/run only. DATABASE_URL and MIGRATION_DATABASE_URL override it everywhere.",
        subcommands: [Up.self, Down.self, Reset.self])

    struct Location: ParsableArguments {
        @Option(help: "Folder for the cluster (default: PLATFORM_DATA_DIR or ./.data).") var dataDir: String?
        @Option(help: "Port number of the socket (default: PLATFORM_DEV_PORT or 54329).") var port: Int?

        var cluster: LocalCluster {
            let fallback = DevelopmentCluster.default.cluster
            return LocalCluster(root: dataDir.map { URL(fileURLWithPath: $0) } ?? fallback.root, port: port ?? fallback.port)
        }
    }

    struct Up: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create (if needed) and start the cluster, then create the database and migrate it.")
        @OptionGroup var location: Location

        func run() async throws {
            try await runReporting { try await DevCommand.up(location.cluster) }
        }
    }

    struct Down: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Stop the cluster; its data stays in place.")
        @OptionGroup var location: Location

        func run() async throws {
            try await runReporting {
                try location.cluster.stop()
                print("development cluster stopped")
            }
        }
    }

    struct Reset: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete the cluster and its data, then start a fresh one.")
        @OptionGroup var location: Location

        func run() async throws {
            try await runReporting {
                try location.cluster.destroy()
                try await DevCommand.up(location.cluster)
            }
        }
    }

    static func up(_ cluster: LocalCluster) async throws {
        try cluster.initialize()
        try cluster.start()
        let name = DevelopmentCluster.databaseName
        try await DatabaseBootstrap.prepare(superuser: PostgresConfiguration(cluster.superuserURL), database: name)
        let owner = PostgresConfiguration(cluster.url(database: name, user: "platform_owner"), applicationName: "platform-admin")
        let applied = try await Migrator(configuration: owner, migrations: try MigrationSource.bundled(), logger: cliLogger).up()
        print("development cluster running at \(cluster.socketDirectory.path) (port \(cluster.port)); \(applied.count) migration(s) applied")
        print("DATABASE_URL=\(cluster.url(database: name, user: "platform_app"))")
        print("MIGRATION_DATABASE_URL=\(cluster.url(database: name, user: "platform_owner"))")
    }
}
