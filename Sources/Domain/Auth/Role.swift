/// What a user may do, and where. DESIGN.md / the API platform issue define the reach.
public enum Role: String, Sendable, Codable, CaseIterable {
    /// Every site: everything, including creating sites and users.
    case hqAdmin = "hq_admin"
    /// Every site: read everything, run reports and exports.
    case hqAnalyst = "hq_analyst"
    /// Listed sites: as a site manager on each.
    case regionalManager = "regional_manager"
    /// Listed sites: everything inside the site.
    case siteManager = "site_manager"
    /// One site: intake, dispatch, verify, follow up, book (reception, 客服接待员).
    case siteAgent = "site_agent"
    /// One site: work on what is dispatched to their department.
    case siteStaff = "site_staff"

    /// Headquarters roles reach every site through the all-sites scope.
    public var isHeadquarters: Bool { self == .hqAdmin || self == .hqAnalyst }
}
