import ArgumentParser
import Hummingbird
import Logging
import Platform

/// `platform-server`: the REST API. Configured from the environment; flags override it.
struct PlatformServer: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "platform-server",
        abstract: "Serve the sites platform REST API.",
        discussion: """
            Reads HOST, PORT, DATABASE_URL, LOG_LEVEL, DB_POOL_SIZE and DB_POOL_TIMEOUT_MS from the
            environment; without DATABASE_URL it uses the development cluster that
            `platform-admin dev up` started under .data/.
            """)

    @Option(help: "Address to listen on (default: HOST or 127.0.0.1).")
    var host: String?

    @Option(help: "Port to listen on (default: PORT or 8080).")
    var port: Int?

    @Option(name: .customLong("database-url"), help: "libpq URL of the database, as platform_app (default: DATABASE_URL).")
    var databaseURL: String?

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical (default: LOG_LEVEL or info).")
    var logLevel: String?

    func validate() throws {
        if let port, !(0...65535).contains(port) { throw ValidationError("--port must be between 0 and 65535") }
        if let logLevel, Logger.Level(rawValue: logLevel.lowercased()) == nil {
            throw ValidationError("--log-level must be one of \(Logger.Level.allCases.map(\.rawValue).joined(separator: ", "))")
        }
    }

    func run() async throws {
        var configuration: PlatformConfiguration
        do {
            configuration = try PlatformConfiguration.fromEnvironment()
        } catch let error as ConfigurationError {
            throw ValidationError(error.message)
        }
        if let host { configuration.host = host }
        if let port { configuration.port = port }
        if let databaseURL { configuration.databaseURL = databaseURL }
        if let logLevel, let level = Logger.Level(rawValue: logLevel.lowercased()) { configuration.logLevel = level }
        let level = configuration.logLevel
        LoggingSystem.bootstrap { label in JSONLogHandler(label: label, level: level) }
        let logger = Logger(label: "platform-server")
        logger.info("tasks run on", metadata: ["executor": EventLoopGlobalExecutor.installed ? "the HTTP event loops" : "Swift's global pool (hook not installed)"])
        let application = try PlatformApplication.build(configuration, logger: logger)
        try await application.runService()
    }
}
