import Domain
import Foundation
import Postgres

/// Which rows a transaction may touch, as the row-level security policies understand it.
///
/// Every request's transaction starts with `SET LOCAL` of these settings; the policies on
/// every tenant table read them. `.sites([])` sees nothing; only `.allSites` (headquarters
/// roles, ops tooling) sees every site, by a flag rather than by listing thousands of ids.
public struct AccessScope: Sendable, Equatable {
    public enum Sites: Sendable, Equatable {
        case all
        case only([UUID])
    }

    public var sites: Sites
    /// Who is acting (a user id), recorded in audit rows.
    public var actorID: UUID?
    /// The actor's role (`hq_admin`, `site_manager`, … or `ops` for the CLI).
    public var role: String

    public init(sites: Sites, actorID: UUID? = nil, role: String) {
        self.sites = sites
        self.actorID = actorID
        self.role = role
    }

    /// Ops tooling (the admin CLI): every site.
    public static let operations = AccessScope(sites: .all, role: "ops")

    /// The statement that opens a transaction in this scope: every setting in one prepared
    /// `set_config` call whose values are parameters, so that no user, site list or role ever
    /// adds a statement to a connection's prepared-statement cache. With `statementTimeout`,
    /// the transaction's statements are cancelled by the server past it (SQLSTATE 57014).
    public func settings(statementTimeout: Duration? = nil) -> [PostgresStatement] {
        let (scope, siteIDs): (String, String) = switch sites {
        case .all: ("all", "{}")
        case .only(let ids): ("sites", "{" + ids.map(\.postgresText).joined(separator: ",") + "}")
        }
        let values: [(any PostgresEncodable)?] = [scope, siteIDs, actorID?.postgresText ?? "", role]
        guard let statementTimeout else { return [PostgresStatement(Self.scopeSQL, values)] }
        return [PostgresStatement(Self.scopeWithTimeoutSQL, values + [String(Self.milliseconds(statementTimeout))])]
    }

    /// The settings without a timeout.
    public var settings: [PostgresStatement] { settings() }

    static let scopeSQL = """
        SELECT set_config('app.scope', $1, true), set_config('app.site_ids', $2, true), set_config('app.actor_id', $3, true), set_config('app.role', $4, true)
        """
    /// Built once, not on every request.
    static let scopeWithTimeoutSQL = scopeSQL + ", set_config('statement_timeout', $5, true)"

    /// Whole milliseconds, at least 1 (0 would mean no timeout at all).
    static func milliseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return max(1, seconds * 1000 + attoseconds / 1_000_000_000_000_000)
    }
}

extension Principal {
    /// The row-level security scope for this user's requests.
    public var scope: AccessScope {
        if let globalRole { return AccessScope(sites: .all, actorID: userID, role: globalRole.rawValue) }
        let role = grants.map(\.role.rawValue).sorted().first ?? "none"
        return AccessScope(sites: .only(grants.map(\.siteId)), actorID: userID, role: role)
    }
}
