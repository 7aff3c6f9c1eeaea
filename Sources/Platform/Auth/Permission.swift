/// What a request wants to do; `Role.may(_:)` says who may.
public enum Permission: Sendable {
    /// Read anything inside a site the user reaches.
    case read
    /// Manage a site's set-up: departments, staff, calendars, role grants.
    case manageSite
    /// Create and change sites, and headquarters users.
    case administerGroup
}

extension Role {
    public func may(_ permission: Permission) -> Bool {
        switch permission {
        case .read: true
        case .manageSite: self == .hqAdmin || self == .regionalManager || self == .siteManager
        case .administerGroup: self == .hqAdmin
        }
    }
}
