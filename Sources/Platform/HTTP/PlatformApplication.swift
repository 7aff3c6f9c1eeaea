import Hummingbird
import Logging
import Migrations
import Postgres

/// The platform's HTTP application: routes, middleware, and the services it runs
/// (the database pool), ready for `runService()`.
public enum PlatformApplication {
    /// Builds the application from a configuration. The pool connects lazily, so the server
    /// starts (and `/healthz` answers) even while the database is still coming up.
    public static func build(_ configuration: PlatformConfiguration, logger: Logger) throws -> some ApplicationProtocol {
        let pool = PostgresPool(
            PostgresConfiguration(configuration.databaseURL, applicationName: "platform-server"),
            options: .init(maxConnections: configuration.poolSize, acquireTimeout: configuration.poolTimeout),
            logger: logger)
        let database = PlatformDatabase(pool: pool)
        let router = Router()
        router.add(middleware: ProblemMiddleware())
        HealthRoutes(database: database, expectedVersions: try MigrationSource.bundled().map(\.version)).register(on: router)
        return Application(
            router: router,
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "sites-platform"),
            services: [pool],
            logger: logger)
    }
}
