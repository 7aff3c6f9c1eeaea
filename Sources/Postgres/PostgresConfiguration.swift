import Foundation

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

    /// The same server and credentials, another database.
    public func database(_ name: String) -> PostgresConfiguration {
        var copy = self
        if let scheme = connectionString.range(of: "://"), connectionString.hasPrefix("postgres") {
            // scheme://authority[/database][?query]: replace the database, keep the rest.
            let rest = connectionString[scheme.upperBound...]
            let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" } ?? rest.endIndex
            let query = rest[authorityEnd...].firstIndex(of: "?").map { rest[$0...] } ?? ""
            let encoded = name.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/?#"))) ?? name
            copy.connectionString = connectionString[..<scheme.upperBound] + rest[..<authorityEnd] + "/" + encoded + query
        } else {
            copy.connectionString += " dbname='\(name.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'"))'"
        }
        return copy
    }
}
