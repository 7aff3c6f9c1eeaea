import Foundation

/// The signed-in user behind a request: who they are and which sites they reach, in what role.
public struct Principal: Sendable, Equatable {
    public struct SiteGrant: Sendable, Equatable, Codable {
        public var siteId: UUID
        public var siteCode: String
        public var role: Role
        public var staffId: UUID?

        public init(siteId: UUID, siteCode: String, role: Role, staffId: UUID? = nil) {
            self.siteId = siteId
            self.siteCode = siteCode
            self.role = role
            self.staffId = staffId
        }
    }

    public var userID: UUID
    public var username: String
    public var displayName: String
    /// `hq_admin` or `hq_analyst`, reaching every site.
    public var globalRole: Role?
    /// Roles on active sites only: a suspended site grants nothing.
    public var grants: [SiteGrant]

    public init(userID: UUID, username: String, displayName: String, globalRole: Role? = nil, grants: [SiteGrant]) {
        self.userID = userID
        self.username = username
        self.displayName = displayName
        self.globalRole = globalRole
        self.grants = grants
    }
}
