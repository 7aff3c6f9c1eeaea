import Domain
import Foundation
import Testing

@Suite("Who may give whom which role, and reach which users")
struct RoleGrantRulesTests {
    @Test func grantRulesFollowTheHierarchy() throws {
        #expect(RoleGrantRules.mayGrant(.siteAgent, grantor: .siteManager))
        #expect(!RoleGrantRules.mayGrant(.siteManager, grantor: .siteManager))
        #expect(RoleGrantRules.mayGrant(.siteManager, grantor: .regionalManager))
        #expect(!RoleGrantRules.mayGrant(.regionalManager, grantor: .regionalManager))
        #expect(RoleGrantRules.mayGrant(.regionalManager, grantor: .hqAdmin))
        #expect(!RoleGrantRules.mayGrant(.siteAgent, grantor: .hqAnalyst))
        #expect(throws: DomainError.self) { try RoleGrantRules.check(role: .siteAgent, staffLinked: false, grantor: .siteManager, grantorIsGrantee: true) }
        #expect(throws: DomainError.self) { try RoleGrantRules.check(role: .siteStaff, staffLinked: false, grantor: .siteManager, grantorIsGrantee: false) }
        // Demoting a site manager is a change to a site manager's role: not the site manager's to make.
        #expect(throws: DomainError.self) { try RoleGrantRules.check(role: .siteAgent, staffLinked: false, grantor: .siteManager, grantorIsGrantee: false, currentRole: .siteManager) }
    }

    @Test func aUserOfAnotherSiteIsReachedOnlyByWhoeverRunsEverySiteInvolved() throws {
        let (a, b, c) = (UUID(), UUID(), UUID())
        func principal(_ global: Role? = nil, _ grants: [(UUID, Role)]) -> Principal {
            Principal(userID: UUID(), username: "x", displayName: "x", globalRole: global,
                      grants: grants.map { .init(siteId: $0.0, siteCode: $0.0.uuidString, role: $0.1, staffId: nil) })
        }
        let manager = principal(nil, [(a, .siteManager)])
        #expect(try UserReach.of(user: [a], isHeadquarters: false, at: a, by: manager) == .reachable(alsoAt: []))
        #expect(try UserReach.of(user: [a, b], isHeadquarters: false, at: a, by: manager) == .reachable(alsoAt: []))
        #expect(try UserReach.of(user: [b], isHeadquarters: false, at: a, by: manager) == .hidden)
        #expect(try UserReach.of(user: [], isHeadquarters: false, at: a, by: manager) == .hidden)
        #expect(try UserReach.of(user: [], isHeadquarters: true, at: a, by: manager) == .hidden)
        let regional = principal(nil, [(a, .regionalManager), (b, .regionalManager)])
        #expect(try UserReach.of(user: [b], isHeadquarters: false, at: a, by: regional) == .reachable(alsoAt: [b]))
        #expect(try UserReach.of(user: [b, c], isHeadquarters: false, at: a, by: regional) == .hidden)
        #expect(throws: DomainError.self) { try UserReach.of(user: [b], isHeadquarters: false, at: a, by: principal(nil, [(a, .siteManager), (b, .siteManager)])) }
        #expect(try UserReach.of(user: [b, c], isHeadquarters: false, at: a, by: principal(.hqAdmin, [])) == .reachable(alsoAt: [b, c].sorted { $0.uuidString < $1.uuidString }))
    }
}
