/// How to reach PostgreSQL: a libpq connection string or URL plus client-side settings.
public struct PostgresConfiguration: Sendable {
    /// Anything libpq accepts: `postgresql://user@host/db?…` or `host=… dbname=…`.
    public var connectionString: String
    /// Shown in `pg_stat_activity`.
    public var applicationName: String
    /// Seconds libpq waits for a connection before giving up.
    public var connectTimeout: Int

    public init(_ connectionString: String, applicationName: String = "sites-platform", connectTimeout: Int = 5) {
        self.connectionString = connectionString
        self.applicationName = applicationName
        self.connectTimeout = connectTimeout
    }
}
