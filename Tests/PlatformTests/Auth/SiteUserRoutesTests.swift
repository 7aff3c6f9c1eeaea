import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Platform
import Postgres
import TestSupport
import Testing

@Suite("Managers give people roles at their site")
struct SiteUserRoutesTests {
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

    @Test func aManagerCreatesReceptionAndStaffUsersWhoCanSignIn() async throws {
        let fixture = try await APIFixture.make()
        let engineering = try await fixture.departmentID(fixture.h01, "engineering")
        try await PlatformApplication.build(fixture.configuration, logger: quietLogger).test(.live) { client in
            let manager = fixture.bearer("h01.manager")
            let staff = try await client.call(.post, "/api/v1/sites/H01/staff", token: manager,
                json: #"{"employeeNo":"E9","name":"刘电工","departmentId":"\#(engineering)","hireDate":"2020-01-01"}"#)
            let staffID = try #require(staff.json["id"] as? String)
            let unlinked = try await client.call(.post, "/api/v1/sites/H01/users", token: manager,
                json: #"{"username":"h01.liu","displayName":"刘电工","role":"site_staff"}"#)
            #expect(unlinked.status == .unprocessableContent && unlinked.fields == ["staffId"])
            let created = try await client.call(.post, "/api/v1/sites/H01/users", token: manager,
                json: #"{"username":"h01.liu","displayName":"刘电工","role":"site_staff","staffId":"\#(staffID)","password":"电工刘师傅的登录密码2026"}"#)
            #expect(created.status == .created, "\(created.body)")
            #expect(created.json["role"] as? String == "site_staff" && created.json["staffId"] as? String == staffID)
            let managerMade = try await client.call(.post, "/api/v1/sites/H01/users", token: manager,
                json: #"{"username":"h01.boss","displayName":"新经理","role":"site_manager"}"#)
            #expect(managerMade.status == .forbidden)
            let signIn = try await client.call(.post, "/api/v1/auth/tokens", token: nil, json: #"{"username":"h01.liu","password":"电工刘师傅的登录密码2026"}"#)
            #expect(signIn.status == .created)
            let list = try await client.call(.get, "/api/v1/sites/H01/users?role=site_staff", token: manager)
            #expect(Set(list.items.compactMap { $0["username"] as? String }) == ["h01.liu", "h01.staff", "h01.guard"])
        }
        try await fixture.close()
    }

    @Test func rolesChangeAndEndWithImmediateEffect() async throws {
        let fixture = try await APIFixture.make()
        let agent = try #require(try await fixture.platform.users.find(username: "h01.agent", scope: .operations))
        let managerUser = try #require(try await fixture.platform.users.find(username: "h01.manager", scope: .operations))
        let r01Manager = try #require(try await fixture.platform.users.find(username: "r01.manager", scope: .operations))
        try await PlatformApplication.build(fixture.configuration, logger: quietLogger).test(.live) { client in
            let manager = fixture.bearer("h01.manager")
            // The agent can read; after losing the role, no longer.
            #expect(try await client.call(.get, "/api/v1/sites/H01", token: fixture.bearer("h01.agent")).status == .ok)
            let removed = try await client.call(.delete, "/api/v1/sites/H01/users/\(agent.id.uuidString)/role", token: manager)
            #expect(removed.status == .noContent)
            #expect(try await client.call(.get, "/api/v1/sites/H01", token: fixture.bearer("h01.agent")).status == .unauthorized)
            // Nobody edits their own role; a site manager cannot appoint managers.
            let own = try await client.call(.delete, "/api/v1/sites/H01/users/\(managerUser.id.uuidString)/role", token: manager)
            #expect(own.status == .forbidden && own.code == "user.own_role")
            let promote = try await client.call(.put, "/api/v1/sites/H01/users/\(agent.id.uuidString)/role", token: manager, json: #"{"role":"site_manager"}"#)
            #expect(promote.status == .forbidden)
            // The regional manager adds R01's manager as reception at H01 too: one person, two sites.
            let twoSites = try await client.call(.put, "/api/v1/sites/H01/users/\(r01Manager.id.uuidString)/role", token: fixture.bearer("east"), json: #"{"role":"site_agent"}"#)
            #expect(twoSites.status == .ok, "\(twoSites.body)")
            #expect(try await client.call(.get, "/api/v1/sites/H01", token: fixture.bearer("r01.manager")).status == .ok)
            #expect(try await client.call(.get, "/api/v1/sites/R01", token: fixture.bearer("r01.manager")).status == .ok)
        }
        let actions = try await fixture.platform.platform.pipeline(.operations, [PostgresStatement("SELECT action FROM audit_log WHERE target_type = 'user' ORDER BY at")])
        #expect(try actions[0].map { try $0.decode("action", as: String.self) } == ["user.revoke", "user.grant"])
        try await fixture.close()
    }
}
