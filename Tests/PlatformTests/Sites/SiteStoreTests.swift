import Foundation
import Platform
import Postgres
import TestSupport
import Testing

@Suite("Provisioning a site gives it what its kind needs")
struct SiteStoreTests {
    @Test(arguments: Site.Kind.allCases)
    func aNewSiteGetsTheDepartmentsPostsCalendarsAndPoliciesOfItsKind(kind: Site.Kind) async throws {
        let platform = try await TestPlatform.make()
        let (site, created) = try await platform.sites.create(NewSite(code: "S01", name: "示范", kind: kind), scope: .operations)
        #expect(created)
        #expect(site.timezone == "Asia/Shanghai" && site.status == .active && site.version == 1)
        let template = SiteTemplate.forKind(kind)
        let counts = try await platform.sites.inventory(siteID: site.id, scope: .operations)
        #expect(counts["departments"] == template.departments.count)
        #expect(counts["posts"] == template.posts.count)
        #expect(counts["working_calendars"] == template.calendars.count)
        #expect(counts["site_policies"] == template.policies.count)
        try await platform.close()
    }

    @Test func calendarsFollowTheKind() async throws {
        let platform = try await TestPlatform.make()
        let hospital = try await platform.sites.create(NewSite(code: "H01", name: "医院", kind: .hospital), scope: .operations).site
        let center = try await platform.sites.create(NewSite(code: "G01", name: "政务中心", kind: .governmentServiceCenter), scope: .operations).site
        let hours = try await platform.platform.pipeline(.operations, [
            PostgresStatement("SELECT count(*) AS n FROM calendar_hours h JOIN working_calendars c ON c.site_id = h.site_id AND c.id = h.calendar_id WHERE h.site_id = $1 AND c.code = 'repairs' AND h.opens = '00:00' AND h.closes = '24:00'", [hospital.id]),
            PostgresStatement("SELECT array_agg(DISTINCT weekday ORDER BY weekday) AS days, count(*) AS n FROM calendar_hours WHERE site_id = $1", [center.id]),
        ])
        #expect(try hours[0].first?.decode("n", as: Int.self) == 7)  // repairs around the clock, every day
        #expect(try hours[1].first?.decode("days", as: [Int].self) == [1, 2, 3, 4, 5])  // windows closed at weekends
        #expect(try hours[1].first?.decode("n", as: Int.self) == 10)  // morning and afternoon sessions
        try await platform.close()
    }

    @Test func elevatorOperatorsRequireASpecialEquipmentCertificate() async throws {
        let platform = try await TestPlatform.make()
        let site = try await platform.sites.create(NewSite(code: "R01", name: "小区", kind: .residence), scope: .operations).site
        let rows = try await platform.platform.pipeline(.operations, [
            PostgresStatement("SELECT required_certificates FROM posts WHERE site_id = $1 AND code = 'elevator_operator'", [site.id])
        ])
        #expect(try rows[0].first?.decode("required_certificates", as: [String].self) == ["special_equipment_operation"])
        try await platform.close()
    }

    @Test func concurrentCreatesOfOneCodeMakeOneSite() async throws {
        let platform = try await TestPlatform.make()
        let request = NewSite(code: "H07", name: "并发医院", kind: .hospital)
        let outcomes = try await withThrowingTaskGroup(of: Bool.self) { group in
            for _ in 0..<6 { group.addTask { try await platform.sites.create(request, scope: .operations).created } }
            return try await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(outcomes.filter { $0 }.count == 1)
        #expect(try await platform.sites.list(scope: .operations).count == 1)
        try await platform.close()
    }

    @Test func invalidSitesAreRefusedFieldByField() async throws {
        let request = NewSite(code: "h-1", name: "", kind: .hospital, timezone: "Shanghai")
        do {
            _ = try request.validated()
            Issue.record("validation should fail")
        } catch let error as DomainError {
            #expect(error.kind == .invalid)
            #expect(Set(error.fieldErrors.map(\.field)) == ["code", "name", "timezone"])
        }
        #expect(try NewSite(code: " h01 ", name: " 医院 ", kind: .hospital, region: "  ").validated() == NewSite(code: "H01", name: "医院", kind: .hospital, region: nil))
    }

    @Test func aSiteActorSeesOnlyItsOwnSite() async throws {
        let platform = try await TestPlatform.make()
        let a = try await platform.sites.create(NewSite(code: "A01", name: "甲", kind: .hospital), scope: .operations).site
        _ = try await platform.sites.create(NewSite(code: "B01", name: "乙", kind: .residence), scope: .operations)
        let scopeA = AccessScope(sites: .only([a.id]), role: "site_manager")
        #expect(try await platform.sites.list(scope: scopeA).map(\.code) == ["A01"])
        #expect(try await platform.sites.find(code: "B01", scope: scopeA) == nil)
        await #expect(throws: DomainError.self) { try await platform.sites.setStatus(code: "B01", .suspended, scope: scopeA) }
        try await platform.close()
    }
}
