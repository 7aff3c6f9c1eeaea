import Foundation

/// The signed-in user behind a request: who they are and which sites they reach, in what role.
public struct Principal: Sendable, Equatable {
    public struct SiteGrant: Sendable, Equatable, Codable {
        public var siteId: UUID
        public var siteCode: String
        public var role: Role
        public var staffId: UUID?
    }

    public var userID: UUID
    public var username: String
    public var displayName: String
    /// `hq_admin` or `hq_analyst`, reaching every site.
    public var globalRole: Role?
    /// Roles on active sites only: a suspended site grants nothing.
    public var grants: [SiteGrant]

    /// The row-level security scope for this user's requests.
    public var scope: AccessScope {
        if let globalRole { return AccessScope(sites: .all, actorID: userID, role: globalRole.rawValue) }
        let role = grants.map(\.role.rawValue).sorted().first ?? "none"
        return AccessScope(sites: .only(grants.map(\.siteId)), actorID: userID, role: role)
    }
}
