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
