/// What a request wants to do; `Role.may(_:)` says who may.
public enum Permission: Sendable {
    /// Read anything inside a site the user reaches.
    case read
    /// Record contacts, dispatch, verify, follow up, answer (reception and managers).
    case intake
    /// Sign for, work on and return what was dispatched (department staff, and those who may take intake).
    case departmentWork
    /// Manage a site's set-up: departments, staff, calendars, role grants.
    case manageSite
    /// Create and change sites, and headquarters users.
    case administerGroup
}

extension Role {
    public func may(_ permission: Permission) -> Bool {
        switch permission {
        case .read: true
        case .intake: self != .hqAnalyst && self != .siteStaff
        case .departmentWork: self != .hqAnalyst
        case .manageSite: self == .hqAdmin || self == .regionalManager || self == .siteManager
        case .administerGroup: self == .hqAdmin
        }
    }
}
