import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
@testable import Platform
import Postgres
import TestSupport
import Testing

@Suite("Licences: certificates, expiry reports and 持证上岗 on assignments", .serialized)
struct LicenceTests {
    static func postID(_ fixture: APIFixture, _ site: Site, _ code: String) async throws -> UUID {
        let rows = try await fixture.platform.platform.pipeline(.operations, [PostgresStatement("SELECT id FROM posts WHERE site_id = $1 AND code = $2", [site.id, code])])
        return try rows[0][0].decode("id", as: UUID.self)
    }

    static func certificate(_ client: some TestClientProtocol, _ token: String, staff: UUID, type: String, number: String, expires: String,
                            site: String = "H01") async throws -> APIResponse {
        try await client.call(.post, "/api/v1/sites/\(site)/certificates", token: token, json: """
            {"staffId":"\(staff)","type":"\(type)","number":"\(number)","issuer":"市场监督管理局","issuedOn":"2022-01-01","expiresOn":"\(expires)","documentRef":"scan/\(number).pdf"}
            """)
    }

    @Test func managersRecordCertificatesAndEveryoneSeesWhatExpires() async throws {
        try await APIFixture.with { fixture in
            let cast = try await TicketCast.make(fixture)
            let r01Staff = try await fixture.addStaff(fixture.r01, "R001", "钱电工", department: "engineering")
            let clock = TestClock("2026-11-26T10:00:00+08:00")
            try await PlatformApplication.build(fixture.configuration(clock: clock), logger: quietLogger).test(.live) { client in
                let manager = fixture.bearer("h01.manager")
                let soon = try await Self.certificate(client, manager, staff: cast.plumber, type: "electrician", number: "DG-001", expires: "2026-12-20")
                #expect(soon.status == .created && soon.json["daysLeft"] as? Int == 24 && soon.json["valid"] as? Bool == true, "\(soon.body)")
                #expect(soon.json["typeName"] as? String == "电工证")
                _ = try await Self.certificate(client, manager, staff: cast.plumber, type: "fire_safety", number: "XF-9", expires: "2026-11-20")  // expired
                _ = try await Self.certificate(client, manager, staff: cast.guardStaff, type: "security_guard", number: "BA-7", expires: "2028-05-01")
                #expect(try await Self.certificate(client, fixture.bearer("r01.manager"), staff: r01Staff, type: "electrician", number: "DG-R1", expires: "2026-12-01", site: "R01").status == .created)

                let backwards = try await Self.certificate(client, manager, staff: cast.plumber, type: "electrician", number: "DG-002", expires: "2021-01-01")
                #expect(backwards.status == .unprocessableContent && backwards.fields == ["expiresOn"])
                let unknown = try await Self.certificate(client, manager, staff: r01Staff, type: "pilot", number: "P-1", expires: "2027-01-01")
                #expect(unknown.status == .unprocessableContent && Set(unknown.fields) == ["staffId", "type"])
                #expect(try await Self.certificate(client, manager, staff: cast.plumber, type: "electrician", number: "DG-001", expires: "2027-01-01").code == "staff.certificate_number_taken")
                #expect(try await Self.certificate(client, fixture.bearer("h01.agent"), staff: cast.plumber, type: "electrician", number: "DG-003", expires: "2027-01-01").status == .forbidden)

                let expiring = try await client.call(.get, "/api/v1/sites/H01/certificates?expiringWithin=60d", token: fixture.bearer("h01.agent"))
                #expect(expiring.items.map { $0["number"] as? String } == ["XF-9", "DG-001"])
                #expect(expiring.items.first?["valid"] as? Bool == false && expiring.items.first?["daysLeft"] as? Int == -6)
                #expect(try await client.call(.get, "/api/v1/sites/H01/certificates", token: manager).items.count == 3)
                #expect(try await client.call(.get, "/api/v1/sites/H01/certificates?expiringWithin=soon", token: manager).fields == ["expiringWithin"])

                // Renewal keeps the record and moves the date.
                let id = try #require(soon.json["id"] as? String)
                let renewed = try await client.call(.patch, "/api/v1/sites/H01/certificates/\(id)", token: manager, json: #"{"expiresOn":"2032-12-20","number":"DG-001-R"}"#,
                                                    headers: [.ifMatch: "\"1\""])
                #expect(renewed.status == .ok && renewed.json["expiresOn"] as? String == "2032-12-20" && renewed.headers[.eTag] == "\"2\"")

                let hq = try await client.call(.get, "/api/v1/hq/certificates?expiringWithin=60d", token: fixture.bearer("hq.analyst"))
                #expect(hq.items.map { "\($0["siteCode"] ?? ""):\($0["number"] ?? "")" } == ["H01:XF-9", "R01:DG-R1"])
                let regional = try await client.call(.get, "/api/v1/hq/certificates?expiringWithin=60d", token: fixture.bearer("east"))
                #expect(regional.items.compactMap { $0["siteCode"] as? String } == ["H01"])
                #expect(try await client.call(.get, "/api/v1/hq/certificates", token: manager).status == .forbidden)
                // Each site's own warning period (licences.expiry_warning_days): R01 warns 3 days ahead, H01 60 (the default).
                _ = try await fixture.platform.platform.pipeline(.operations, [PostgresStatement(
                    "INSERT INTO site_policies (site_id, key, value) VALUES ($1, 'licences.expiry_warning_days', '3') ON CONFLICT (site_id, key) DO UPDATE SET value = '3'",
                    [fixture.r01.id])])
                let bySitePeriod = try await client.call(.get, "/api/v1/hq/certificates", token: fixture.bearer("hq.analyst"))
                #expect(bySitePeriod.items.map { "\($0["siteCode"] ?? ""):\($0["number"] ?? "")" } == ["H01:XF-9"], "R01's licence has 5 days left, beyond its 3")
                let explicit = try await client.call(.get, "/api/v1/hq/certificates?expiringWithin=60d", token: fixture.bearer("hq.analyst"))
                #expect(explicit.items.map { $0["renewalDue"] as? Bool } == [true, false])
                let atH01 = try await client.call(.get, "/api/v1/sites/H01/certificates", token: manager)
                #expect(Dictionary(uniqueKeysWithValues: atH01.items.map { ($0["number"] as? String ?? "", $0["renewalDue"] as? Bool) })
                        == ["XF-9": true, "DG-001-R": false, "BA-7": false])
                // For spreadsheets: every row at once, UTF-8 with BOM, Chinese headers.
                let sheet = try await client.call(.get, "/api/v1/hq/certificates?expiringWithin=60d&format=csv", token: fixture.bearer("hq.analyst"))
                let lines = sheet.body.dropFirst().components(separatedBy: "\r\n").filter { !$0.isEmpty }
                #expect(sheet.body.hasPrefix("\u{FEFF}站点 Site,工号 Employee no.,姓名 Name") && sheet.headers[.contentType] == "text/csv; charset=utf-8")
                #expect(lines.dropFirst().map { $0.split(separator: ",").prefix(1).joined() } == ["H01", "R01"] && lines[1].contains(",XF-9,"))
                let regionalSheet = try await client.call(.get, "/api/v1/hq/certificates?format=csv", token: fixture.bearer("east"))
                #expect(!regionalSheet.body.contains("R01") && regionalSheet.body.contains("H01,"))
            }
        }
    }

    /// Licensed work goes only to certified staff, judged on the day of work in the site's
    /// timezone: a certificate valid through 30 November covers 23:59 that night in Shanghai,
    /// not 00:01 on 1 December — although it is still 30 November in UTC then.
    @Test func licensedWorkNeedsAValidCertificateOnTheDayOfWork() async throws {
        try await APIFixture.with { fixture in
            let cast = try await TicketCast.make(fixture)
            let liftman = try await fixture.addStaff(fixture.h01, "D001", "刘电梯", department: "elevator")
            let elevatorOperator = try await Self.postID(fixture, fixture.h01, "elevator_operator")
            let elevator = try await fixture.departmentID(fixture.h01, "elevator")
            let clock = TestClock("2026-11-30T23:58:00+08:00")
            try await PlatformApplication.build(fixture.configuration(clock: clock), logger: quietLogger).test(.live) { client in
                let manager = fixture.bearer("h01.manager"), agent = fixture.bearer("h01.agent")
                #expect(try await Self.certificate(client, manager, staff: liftman, type: "special_equipment_operation", number: "TS-1", expires: "2026-11-30").status == .created)
                func elevatorTicket() async throws -> String {
                    let created = try await client.call(.post, "/api/v1/sites/H01/tickets", token: agent, json: """
                        {"channel":"phone","category":"repair","priority":"urgent","description":"3号电梯困人后停运","requiredPostId":"\(elevatorOperator)"}
                        """)
                    return try #require(created.json["id"] as? String, "\(created.body)")
                }
                let tonight = try await elevatorTicket()
                clock.set("2026-11-30T23:59:00+08:00")
                let inTime = try await client.act(tonight, "dispatch", as: agent, #"{"departmentId":"\#(elevator)","handlerId":"\#(liftman)"}"#)
                #expect(inTime.status == .ok, "\(inTime.body)")

                let tomorrow = try await elevatorTicket()
                clock.set("2026-12-01T00:01:00+08:00")
                let expired = try await client.act(tomorrow, "dispatch", as: agent, #"{"departmentId":"\#(elevator)","handlerId":"\#(liftman)"}"#)
                #expect(expired.status == .unprocessableContent && expired.code == "staff.licence_required" && expired.fields == ["handlerId"], "\(expired.body)")
                // Starting yesterday's job today is refused too: the day of work counts.
                _ = try await client.act(tonight, "acknowledge", as: agent)
                #expect(try await client.act(tonight, "start", as: agent).code == "staff.licence_required")
                // Without a named handler the work can be dispatched; a non-licensed post needs nothing.
                #expect(try await client.act(tomorrow, "dispatch", as: agent, #"{"departmentId":"\#(elevator)"}"#).status == .ok)
                let plain = try await client.call(.post, "/api/v1/sites/H01/tickets", token: agent, json: #"{"channel":"phone","category":"repair","description":"门把手松了"}"#)
                let plainID = try #require(plain.json["id"] as? String)
                #expect(try await client.act(plainID, "dispatch", as: agent, #"{"departmentId":"\#(cast.engineering)","handlerId":"\#(cast.plumber)"}"#).status == .ok)
                // Renewed: allowed again.
                let list = try await client.call(.get, "/api/v1/sites/H01/certificates?staff=\(liftman)", token: manager)
                let certificate = try #require(list.items.first?["id"] as? String)
                _ = try await client.call(.patch, "/api/v1/sites/H01/certificates/\(certificate)", token: manager, json: #"{"expiresOn":"2030-11-30"}"#)
                #expect(try await client.act(tomorrow, "acknowledge", as: agent, #"{"handlerId":"\#(liftman)"}"#).status == .ok)
            }
        }
    }

    @Test func homeVisitsOnLicensedItemsGoToStaffCertifiedOnTheVisitDay() async throws {
        try await APIFixture.with { fixture in
            let cast = try await TicketCast.make(fixture)
            let electrician = try await Self.postID(fixture, fixture.h01, "plumber_electrician")
            let clock = TestClock("2026-11-26T09:00:00+08:00")
            try await PlatformApplication.build(fixture.configuration(clock: clock), logger: quietLogger).test(.live) { client in
                let manager = fixture.bearer("h01.manager"), agent = fixture.bearer("h01.agent")
                let desk = try await BookingDesk.make(client, fixture)
                let licensed = try await client.call(.patch, "/api/v1/sites/H01/service-items/\(desk.homeRepair)", token: manager, json: #"{"postId":"\#(electrician)"}"#)
                #expect(licensed.status == .ok && licensed.json["postId"] as? String == electrician.uuidString)
                _ = try await Self.certificate(client, manager, staff: cast.plumber, type: "electrician", number: "DG-1", expires: "2026-12-01")
                let visit = #","homeVisit":{"reason":"sick","address":"职工宿舍 1 号楼"}"#
                let onFirst = try #require(try await desk.book(client, agent, start: "2026-12-01T10:00:00+08:00", item: desk.homeRepair, extra: visit).json["id"] as? String)
                let onSecond = try #require(try await desk.book(client, agent, start: "2026-12-02T10:00:00+08:00", item: desk.homeRepair, extra: visit).json["id"] as? String)
                #expect(try await client.appointment(onFirst, "confirm", as: agent, #"{"assignedStaffId":"\#(cast.plumber)"}"#).status == .ok)
                let afterExpiry = try await client.appointment(onSecond, "confirm", as: agent, #"{"assignedStaffId":"\#(cast.plumber)"}"#)
                #expect(afterExpiry.status == .unprocessableContent && afterExpiry.code == "staff.licence_required" && afterExpiry.fields == ["assignedStaffId"])
                let uncertified = try await client.appointment(onSecond, "confirm", as: agent, #"{"assignedStaffId":"\#(cast.guardStaff)"}"#)
                #expect(uncertified.code == "staff.licence_required")
            }
        }
    }
}
