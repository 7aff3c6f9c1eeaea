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

    /// The `SET LOCAL` statements that open a transaction in this scope.
    public var settings: [PostgresStatement] {
        var statements: [PostgresStatement]
        switch sites {
        case .all:
            statements = [.setLocal("app.scope", "all"), .setLocal("app.site_ids", "{}")]
        case .only(let ids):
            statements = [.setLocal("app.scope", "sites"), .setLocal("app.site_ids", "{" + ids.map(\.postgresText).joined(separator: ",") + "}")]
        }
        statements.append(.setLocal("app.actor_id", actorID?.postgresText ?? ""))
        statements.append(.setLocal("app.role", role))
        return statements
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
