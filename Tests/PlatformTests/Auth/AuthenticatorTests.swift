import Foundation
import Platform
import Postgres
import TestSupport
import Testing

@Suite("Tokens sign users in to the sites they work at")
struct AuthenticatorTests {
    func twoSites(_ platform: TestPlatform) async throws -> (Site, Site) {
        let h = try await platform.sites.create(NewSite(code: "H01", name: "医院", kind: .hospital), scope: .operations).site
        let r = try await platform.sites.create(NewSite(code: "R01", name: "小区", kind: .residence), scope: .operations).site
        return (h, r)
    }

    @Test func anIssuedTokenSignsInWithTheUsersGrantsAndIsStoredOnlyAsAHash() async throws {
        let platform = try await TestPlatform.make()
        let (h, _) = try await twoSites(platform)
        _ = try await platform.users.create(username: "h01.agent", displayName: "接待员", globalRole: nil, grants: [.init(siteCode: "H01", role: .siteAgent)], scope: .operations)
        let issued = try await platform.tokens.issue(username: "h01.agent", lifetime: 3600, label: "desk", scope: .operations)
        #expect(issued.token.secret.hasPrefix("pt_") && issued.token.secret.count == 46)
        let principal = try await platform.authenticator.authenticate(issued.token.secret)
        #expect(principal.username == "h01.agent")
        #expect(principal.grants.map(\.siteCode) == ["H01"])
        #expect(principal.scope == AccessScope(sites: .only([h.id]), actorID: principal.userID, role: "site_agent"))
        let stored = try await platform.database.withConnection(platform.database.owner) {
            try await $0.query("SELECT encode(token_sha256, 'hex') AS hash, last_used_at IS NOT NULL AS used FROM api_tokens").first
        }
        #expect(try stored?.decode("hash", as: String.self) == issued.token.sha256.map { String(format: "%02x", $0) }.joined())
        #expect(try stored?.decode("used", as: Bool.self) == true)
        try await platform.close()
    }

    @Test func revokedExpiredAndUnknownTokensAreRefused() async throws {
        let platform = try await TestPlatform.make()
        _ = try await twoSites(platform)
        _ = try await platform.users.create(username: "hq.li", displayName: "李", globalRole: .hqAnalyst, grants: [], scope: .operations)
        let revoked = try await platform.tokens.issue(username: "hq.li", lifetime: 3600, label: nil, scope: .operations)
        let expired = try await platform.tokens.issue(username: "hq.li", lifetime: 3600, label: nil, scope: .operations)
        #expect(try await platform.authenticator.authenticate(revoked.token.secret).scope.sites == .all)
        #expect(try await platform.tokens.revoke(id: revoked.id, scope: .operations))
        try await platform.database.withConnection(platform.database.owner) {
            try await $0.query("UPDATE api_tokens SET expires_at = now() - interval '1 second' WHERE id = $1", [expired.id])
        }
        for secret in [revoked.token.secret, expired.token.secret, APIToken.generate().secret] {
            await #expect(throws: DomainError(.unauthorized, code: "auth.invalid_token", message: "the token is unknown, expired or revoked")) {
                try await platform.authenticator.authenticate(secret)
            }
        }
        try await platform.close()
    }

    @Test func usersOfASuspendedSiteCanNoLongerSignIn() async throws {
        let platform = try await TestPlatform.make()
        _ = try await twoSites(platform)
        _ = try await platform.users.create(username: "h01.manager", displayName: "经理", globalRole: nil, grants: [.init(siteCode: "H01", role: .siteManager)], scope: .operations)
        _ = try await platform.users.create(username: "east", displayName: "区域", globalRole: nil,
                                            grants: [.init(siteCode: "H01", role: .regionalManager), .init(siteCode: "R01", role: .regionalManager)], scope: .operations)
        let manager = try await platform.tokens.issue(username: "h01.manager", lifetime: 3600, label: nil, scope: .operations)
        let regional = try await platform.tokens.issue(username: "east", lifetime: 3600, label: nil, scope: .operations)
        _ = try await platform.sites.setStatus(code: "H01", .suspended, scope: .operations)
        await #expect(throws: DomainError.self) { try await platform.authenticator.authenticate(manager.token.secret) }
        // The regional manager keeps the sites that are still active.
        #expect(try await platform.authenticator.authenticate(regional.token.secret).grants.map(\.siteCode) == ["R01"])
        _ = try await platform.sites.setStatus(code: "H01", .active, scope: .operations)
        #expect(try await platform.authenticator.authenticate(manager.token.secret).grants.map(\.siteCode) == ["H01"])
        try await platform.close()
    }

    @Test func signingInDoesNotWidenTheCallersScope() async throws {
        let platform = try await TestPlatform.make()
        let (h, _) = try await twoSites(platform)
        _ = try await platform.users.create(username: "h01.staff", displayName: "员工", globalRole: nil, grants: [.init(siteCode: "H01", role: .siteStaff)], scope: .operations)
        let issued = try await platform.tokens.issue(username: "h01.staff", lifetime: 3600, label: nil, scope: .operations)
        let rows = try await platform.platform.pipeline(AccessScope(sites: .only([h.id]), role: "site_staff"), [
            PostgresStatement("SELECT count(*) AS n FROM app.authenticate($1)", [issued.token.sha256]),
            PostgresStatement("SELECT count(*) AS n FROM sites"),
            PostgresStatement("SELECT current_setting('app.scope') AS scope"),
        ])
        #expect(try rows[0].first?.decode("n", as: Int.self) == 1)
        #expect(try rows[1].first?.decode("n", as: Int.self) == 1)
        #expect(try rows[2].first?.decode("scope", as: String.self) == "sites")
        try await platform.close()
    }

    @Test func userCreationValidatesRolesAndUsernames() async throws {
        let platform = try await TestPlatform.make()
        _ = try await twoSites(platform)
        await #expect(throws: DomainError.self) {
            try await platform.users.create(username: "Bad Name", displayName: "x", globalRole: nil, grants: [.init(siteCode: "H01", role: .siteAgent)], scope: .operations)
        }
        await #expect(throws: DomainError.self) {
            try await platform.users.create(username: "mixed", displayName: "x", globalRole: .hqAdmin, grants: [.init(siteCode: "H01", role: .siteAgent)], scope: .operations)
        }
        await #expect(throws: DomainError.self) {
            try await platform.users.create(username: "nowhere", displayName: "x", globalRole: nil, grants: [.init(siteCode: "X99", role: .siteAgent)], scope: .operations)
        }
        #expect(try await platform.users.find(username: "nowhere", scope: .operations) == nil)  // nothing half-written
        _ = try await platform.users.create(username: "dup", displayName: "x", globalRole: .hqAdmin, grants: [], scope: .operations)
        do {
            _ = try await platform.users.create(username: "DUP", displayName: "y", globalRole: .hqAdmin, grants: [], scope: .operations)
            Issue.record("duplicate usernames must be refused")
        } catch let error as DomainError {
            #expect(error.code == "user.username_taken" && error.kind == .conflict)
        }
        try await platform.close()
    }
}
