import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
@testable import Platform
import Postgres
import TestSupport
import Testing

@Suite("Managers give people roles at their site")
struct SiteUserRoutesTests {
    @Test func aManagerCreatesReceptionAndStaffUsersWhoCanSignIn() async throws {
        try await APIFixture.with { fixture in
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
        }
    }

    @Test func rolesChangeAndEndWithImmediateEffect() async throws {
        try await APIFixture.with { fixture in
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
                let guardUser = try #require(try await fixture.platform.users.find(username: "h01.guard", scope: .operations))
                let promote = try await client.call(.put, "/api/v1/sites/H01/users/\(guardUser.id.uuidString)/role", token: manager, json: #"{"role":"site_manager"}"#)
                #expect(promote.status == .forbidden && promote.code == "auth.forbidden")
                // Someone who now works nowhere belongs to no site: only hq_admin brings them back.
                let back = try await client.call(.put, "/api/v1/sites/H01/users/\(agent.id.uuidString)/role", token: manager, json: #"{"role":"site_agent"}"#)
                #expect(back.status == .notFound && back.code == "user.not_found")
                // hq_admin adds R01's manager as reception at H01 too: one person, two sites, recorded at both.
                let twoSites = try await client.call(.put, "/api/v1/sites/H01/users/\(r01Manager.id.uuidString)/role", token: fixture.bearer("hq.admin"), json: #"{"role":"site_agent"}"#)
                #expect(twoSites.status == .ok, "\(twoSites.body)")
                #expect(try await client.call(.get, "/api/v1/sites/H01", token: fixture.bearer("r01.manager")).status == .ok)
                #expect(try await client.call(.get, "/api/v1/sites/R01", token: fixture.bearer("r01.manager")).status == .ok)
            }
            let actions = try await fixture.platform.platform.pipeline(.operations, [PostgresStatement(
                "SELECT s.code || ':' || a.action AS line FROM audit_log a JOIN sites s ON s.id = a.site_id WHERE a.target_type = 'user' ORDER BY a.at, s.code")])
            #expect(try actions[0].map { try $0.decode("line", as: String.self) } == ["H01:user.revoke", "H01:user.grant", "R01:user.granted_elsewhere"])
        }
    }

    @Test func aManagerCannotPullAnotherSitesUserIntoTheirSite() async throws {
        try await APIFixture.with { fixture in
            let h01Staff = try await fixture.addStaff(fixture.h01, "E77", "钱工", department: "engineering")
            try await PlatformApplication.build(fixture.configuration, logger: quietLogger).test(.live) { client in
                // R01's manager makes a reception user at R01.
                let made = try await client.call(.post, "/api/v1/sites/R01/users", token: fixture.bearer("r01.manager"),
                                                 json: #"{"username":"r01.desk","displayName":"锦绣前台","role":"site_agent"}"#)
                let other = try #require(made.json["userId"] as? String)
                let unknown = UUID().uuidString
                let before = try await fixture.count("SELECT count(*) FROM user_site_roles") + fixture.count("SELECT count(*) FROM audit_log")
                // To H01's manager (and H01's regional manager, who does not run R01) that user is exactly an unknown id:
                // grant, change, link to a staff record and revoke are all 404 with the same words, and nothing is written.
                for token in ["h01.manager", "east"] {
                    for (body, method) in [(#"{"role":"site_agent"}"#, HTTPRequest.Method.put), (#"{"role":"site_staff","staffId":"\#(h01Staff)"}"#, .put), (nil, .delete)] {
                        let asked = try await client.call(method, "/api/v1/sites/H01/users/\(other)/role", token: fixture.bearer(token), json: body)
                        let none = try await client.call(method, "/api/v1/sites/H01/users/\(unknown)/role", token: fixture.bearer(token), json: body)
                        #expect(asked.status == .notFound && none.status == .notFound, "\(token) \(method): \(asked.status) \(asked.body)")
                        #expect(asked.code == none.code)
                        #expect(asked.body.replacingOccurrences(of: other, with: "ID") == none.body.replacingOccurrences(of: unknown, with: "ID"))
                        #expect(!asked.body.contains("r01.desk") && !asked.body.contains("锦绣前台"))
                    }
                }
                let list = try await client.call(.get, "/api/v1/sites/H01/users", token: fixture.bearer("h01.manager"))
                #expect(!list.body.contains("r01.desk"))
                let after = try await fixture.count("SELECT count(*) FROM user_site_roles") + fixture.count("SELECT count(*) FROM audit_log")
                #expect(after == before)
                // Headquarters users are not a site manager's to touch either.
                let hq = try #require(try await fixture.platform.users.find(username: "hq.analyst", scope: .operations))
                #expect(try await client.call(.put, "/api/v1/sites/H01/users/\(hq.id.uuidString)/role", token: fixture.bearer("h01.manager"), json: #"{"role":"site_agent"}"#).status == .notFound)
                // Someone who runs both sites as site manager still may not move people between them: that is a regional or hq matter.
                _ = try await fixture.platform.users.create(username: "both.manager", displayName: "两站经理", globalRole: nil,
                                                            grants: [.init(siteCode: "H01", role: .siteManager), .init(siteCode: "R01", role: .siteManager)], scope: .operations)
                let both = "Bearer " + (try await fixture.platform.tokens.issue(username: "both.manager", lifetime: 600, label: nil, scope: .operations).token.secret)
                let moved = try await client.call(.put, "/api/v1/sites/H01/users/\(other)/role", token: both, json: #"{"role":"site_agent"}"#)
                #expect(moved.status == .forbidden && moved.code == "user.cross_site_grant", "\(moved.body)")
                // A regional manager over both sites may, and both sites' audit trails say so.
                _ = try await fixture.platform.users.create(username: "both.regional", displayName: "两站区域经理", globalRole: nil,
                                                            grants: [.init(siteCode: "H01", role: .regionalManager), .init(siteCode: "R01", role: .regionalManager)], scope: .operations)
                let regional = "Bearer " + (try await fixture.platform.tokens.issue(username: "both.regional", lifetime: 600, label: nil, scope: .operations).token.secret)
                let granted = try await client.call(.put, "/api/v1/sites/H01/users/\(other)/role", token: regional, json: #"{"role":"site_agent"}"#)
                #expect(granted.status == .ok, "\(granted.body)")
                #expect(try await fixture.count("SELECT count(*) FROM audit_log WHERE target_id = $1 AND action IN ('user.grant', 'user.granted_elsewhere')", [other]) == 2)
                // Now the user works at H01 too, so H01's manager may change their role here.
                #expect(try await client.call(.put, "/api/v1/sites/H01/users/\(other)/role", token: fixture.bearer("h01.manager"), json: #"{"role":"site_agent"}"#).status == .ok)
            }
        }
    }
}
