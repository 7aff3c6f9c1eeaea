import Foundation

/// Who may give whom which role at a site.
///
/// - A site manager hands out reception (`site_agent`) and department (`site_staff`) roles.
/// - A regional manager or hq_admin may also appoint site managers.
/// - Only hq_admin appoints regional managers.
/// - Nobody changes or removes their own role, so a site cannot lose its last manager by a slip.
/// - Department staff are tied to a staff record: their work is what reaches their department.
public enum RoleGrantRules {
    public static func mayGrant(_ role: Role, grantor: Role) -> Bool {
        switch role {
        case .siteAgent, .siteStaff: grantor.may(.manageSite)
        case .siteManager: grantor == .regionalManager || grantor == .hqAdmin
        case .regionalManager: grantor == .hqAdmin
        case .hqAdmin, .hqAnalyst: false
        }
    }

    /// Checks a grant (or a change of one) and throws the reason it is refused.
    public static func check(role: Role, staffLinked: Bool, grantor: Role, grantorIsGrantee: Bool, currentRole: Role? = nil) throws {
        if grantorIsGrantee {
            throw DomainError(.forbidden, code: "user.own_role", message: "you cannot change or remove your own role; ask another manager")
        }
        for affected in [role] + (currentRole.map { [$0] } ?? []) where !mayGrant(affected, grantor: grantor) {
            throw DomainError(.forbidden, code: "auth.forbidden", message: "the \(grantor.rawValue) role may not grant or change \(affected.rawValue)")
        }
        if role == .siteStaff && !staffLinked {
            throw DomainError.invalid(field: "staffId", code: "user.staff_required", message: "department staff users must be linked to their staff record")
        }
    }
}

/// Whether a manager may reach a user through one site's user routes.
///
/// Users are global, but a manager sees only the people of the sites they run: a user who
/// holds a role at a site the caller does not manage is answered exactly like an unknown id,
/// so a manager can neither pull another site's people in nor learn who they are. Moving
/// someone who works at another site (a second role, as staff move between sites) is for
/// hq_admin or a regional manager over every site involved, and is audited at each.
public enum UserReach: Sendable, Equatable {
    /// The user may be given or changed a role here; `alsoAt` are the other sites where they
    /// hold a role, which the change must also be recorded at.
    case reachable(alsoAt: [UUID])
    /// As if there were no such user.
    case hidden

    /// Decides the reach of `caller` at `site` over a user who holds roles at `userSites`.
    /// A user with no role anywhere is reached by hq_admin only (they belong to no site).
    public static func of(user userSites: Set<UUID>, isHeadquarters: Bool, at site: UUID, by caller: Principal) throws -> UserReach {
        if caller.globalRole == .hqAdmin { return .reachable(alsoAt: userSites.subtracting([site]).sorted { $0.uuidString < $1.uuidString }) }
        if isHeadquarters || userSites.isEmpty { return .hidden }
        if userSites.contains(site) { return .reachable(alsoAt: []) }
        let managed = Set(caller.grants.filter { $0.role.may(.manageSite) }.map(\.siteId))
        guard userSites.isSubset(of: managed) else { return .hidden }
        let regional = Set(caller.grants.filter { $0.role == .regionalManager }.map(\.siteId))
        guard regional.contains(site) && userSites.isSubset(of: regional) else {
            throw DomainError(.forbidden, code: "user.cross_site_grant",
                              message: "this user works at another site; giving them a role here too is for hq_admin or a regional manager over both sites")
        }
        return .reachable(alsoAt: userSites.sorted { $0.uuidString < $1.uuidString })
    }
}
