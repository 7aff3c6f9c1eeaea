import Domain
import Hummingbird
import Logging
import Migrations
import Postgres

/// The platform's HTTP application: routes, middleware, and the services it runs (the
/// database pool, the listener for principal changes, the background jobs), ready for
/// `runService()`.
public enum PlatformApplication {
    /// Builds the application from a configuration. The pool connects lazily, so the server
    /// starts (and `/healthz` answers) even while the database is still coming up.
    public static func build(_ configuration: PlatformConfiguration, logger: Logger) throws -> some ApplicationProtocol {
        let pool = PostgresPool(
            PostgresConfiguration(configuration.databaseURL, applicationName: "platform-server"),
            options: .init(maxConnections: configuration.poolSize, acquireTimeout: configuration.poolTimeout),
            logger: logger)
        let principals = PrincipalCache()
        let (router, _) = try router(pool: pool, clock: configuration.clock, statementTimeout: configuration.statementTimeout,
                                     reportTimeout: configuration.reportStatementTimeout, principals: principals)
        let jobs = PlatformDatabase(pool: pool, statementTimeout: configuration.reportStatementTimeout)
        return Application(
            router: router,
            server: .watchedHTTP1,
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "sites-platform"),
            services: [
                pool,
                PrincipalChangeListener(
                    configuration: PostgresConfiguration(configuration.databaseURL, applicationName: "platform-server listener"),
                    cache: principals, logger: logger),
                TicketSweeper(database: jobs, clock: configuration.clock, interval: configuration.jobInterval, logger: logger),
                AppointmentSweeper(database: jobs, clock: configuration.clock, interval: configuration.jobInterval, logger: logger),
                ReportRollup(database: jobs, clock: configuration.clock, interval: configuration.jobInterval, logger: logger),
            ],
            logger: logger)
    }

    /// The router with every route, and the endpoints it documents.
    static func router(pool: PostgresPool, clock: PlatformClock = .system, statementTimeout: Duration? = .seconds(5),
                       reportTimeout: Duration? = .seconds(60), principals: PrincipalCache = PrincipalCache()) throws -> (Router<PlatformRequestContext>, [Endpoint]) {
        let database = PlatformDatabase(pool: pool, statementTimeout: statementTimeout)
        let metrics = PlatformMetrics(pool: pool)
        let services = APIServices(database: database, directory: SiteDirectory(store: SiteStore(database: database)),
                                   rulebook: SiteRulebook(database: database), clock: clock, reportTimeout: reportTimeout)
        let router = Router(context: PlatformRequestContext.self)
        router.add(middleware: RequestIDMiddleware())
        router.add(middleware: MetricsMiddleware(metrics: metrics))
        router.add(middleware: ProblemMiddleware(metrics: metrics))
        router.add(middleware: ClientDisconnectMiddleware())
        var routes = APIRoutes(router: router, authentication: AuthenticationMiddleware(authenticator: Authenticator(database: database), cache: principals))
        OperationalRoutes(database: database, expectedVersions: try MigrationSource.bundled().map(\.version), metrics: metrics).register(&routes)
        AuthRoutes(services: services, throttle: SharedSignInThrottle(), cache: principals).register(&routes)
        SiteRoutes(services: services).register(&routes)
        DepartmentRoutes(services: services).register(&routes)
        StaffRoutes(services: services).register(&routes)
        CertificateRoutes(services: services).register(&routes)
        PostRoutes(services: services).register(&routes)
        PlaceRoutes(services: services).register(&routes)
        RepairItemRoutes(services: services).register(&routes)
        CalendarRoutes(services: services).register(&routes)
        SiteUserRoutes(services: services, cache: principals).register(&routes)
        AuditRoutes(services: services).register(&routes)
        TicketRoutes(services: services).register(&routes)
        AppointmentRoutes(services: services).register(&routes)
        AssessmentRoutes(services: services).register(&routes)
        AssessmentSummaryRoutes(services: services).register(&routes)
        ReportRoutes(services: services).register(&routes)
        DashboardRoutes().register(&routes)
        OperationalRoutes.registerDocument(&routes)
        router.add(middleware: MethodNotAllowedMiddleware(routes.endpoints))
        return (router, routes.endpoints)
    }
}
