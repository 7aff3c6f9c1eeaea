import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
@testable import Platform
import Postgres
import TestSupport
import Testing

/// The records kept about tickets, through the API on a real database: the suggestion
/// registers (004 每日下班前统一整理上报部门主管; 《建议情况月度表》), referrals at first contact
/// (002 首问 第四条), the repair sheet (002 工完料净场地清, 顾客对维修工作意见), and the quarterly
/// filing and retention of records (004 每季度10日之前…存档保管2年).
@Suite("Ticket records: suggestion registers, referrals, repair sheets, quarterly filing and retention", .serialized)
struct TicketRecordsTests {
    static let ticketsURI = "/api/v1/sites/H01/tickets"

    /// Runs one statement as the owner with the all-sites scope; the rows it affected.
    static func asOwner(_ fixture: APIFixture, _ sql: String, _ parameters: [(any PostgresEncodable)?] = [], prepared: Bool = true) async throws -> Int {
        let database = fixture.platform.database
        return try await database.withConnection(database.owner) { connection in
            try await connection.withTransaction([.setLocal("app.scope", "all")]) { connection in
                try await connection.query(sql, parameters, prepared: prepared).affectedRows
            }
        }
    }

    @Test func suggestionsAreRolledUpDailyByDepartmentAndTabledMonthlyWithWhetherTheyWereAdopted() async throws {
        try await APIFixture.with { fixture in
            let cast = try await TicketCast.make(fixture)
            let clock = TestClock("2026-11-24T09:00:00+08:00")
            try await PlatformApplication.build(fixture.configuration(clock: clock), logger: quietLogger).test(.live) { client in
                let agent = fixture.bearer("h01.agent"), manager = fixture.bearer("h01.manager")
                func suggest(_ text: String, receivedAt: String? = nil) async throws -> String {
                    let at = receivedAt.map { #","receivedAt":"\#($0)""# } ?? ""
                    return try await TicketQualityTests.create(
                        client, agent, #"{"channel":"visit","category":"suggestion","reporter":{"name":"周女士","phone":"13800001111"},"description":"\#(text)"\#(at)}"#)
                }
                // Site-local days: 23:59 belongs to the 23rd, midnight to the 24th.
                let lastNight = try await suggest("建议夜间保留一盏楼道灯", receivedAt: "2026-11-23T23:59:00+08:00")
                let midnight = try await suggest("建议门诊增加自助挂号机", receivedAt: "2026-11-24T00:00:00+08:00")
                let seats = try await suggest("建议候诊区增加座椅")
                clock.advance(minutes: 10)
                let parking = try await suggest("建议增加停车位")
                clock.advance(minutes: 10)
                let ramp = try await suggest("建议在后门加装无障碍坡道")
                clock.advance(minutes: 10)
                let duplicate = try await suggest("建议增加停车位（重复登记）")
                for id in [seats, ramp] {
                    #expect(try await client.act(id, "dispatch", as: agent, #"{"departmentId":"\#(cast.engineering)"}"#).status == .ok)
                }
                #expect(try await client.act(duplicate, "cancel", as: agent, #"{"reason":"重复登记"}"#).status == .ok)

                // The reporter is told whether it was adopted: an answer without it is refused and writes nothing.
                clock.advance(minutes: 30)
                let silent = try await client.act(seats, "answer", as: agent, #"{"reply":"感谢建议"}"#)
                #expect(silent.status == .unprocessableContent && silent.code == "request.missing_field" && silent.fields == ["adopted"])
                let unchanged = try await client.call(.get, "\(Self.ticketsURI)/\(seats)", token: agent)
                #expect(unchanged.json["status"] as? String == "dispatched" && unchanged.json["suggestionAdopted"] == nil)
                let adopted = try await client.act(seats, "answer", as: agent, #"{"reply":"已增设20把座椅","adopted":true}"#)
                #expect(adopted.status == .ok && adopted.json["suggestionAdopted"] as? Bool == true && adopted.json["status"] as? String == "closed")
                let declined = try await client.act(parking, "answer", as: agent, #"{"reply":"场地有限，已协调周边停车场","adopted":false}"#)
                #expect(declined.status == .ok && declined.json["suggestionAdopted"] as? Bool == false)

                // The day's roll-up for the department heads.
                let day = try await client.call(.get, "\(Self.ticketsURI)/suggestions/daily?date=2026-11-24", token: manager)
                #expect(day.status == .ok, "\(day.body)")
                #expect(day.json["date"] as? String == "2026-11-24" && day.json["timezone"] as? String == "Asia/Shanghai" && day.json["total"] as? Int == 4)
                let groups = try #require(day.json["groups"] as? [[String: Any]])
                #expect(groups.map { $0["departmentCode"] as? String } == ["engineering", "undispatched"])
                #expect(groups.map { $0["count"] as? Int } == [2, 2])
                #expect(groups.map { ($0["items"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String } } == [[seats, ramp], [midnight, parking]])
                #expect(groups[0]["departmentId"] as? String == cast.engineering.uuidString && groups[1]["departmentId"] == nil)
                #expect((groups[0]["items"] as? [[String: Any]])?.map { $0["adopted"] as? Bool } == [true, nil])
                let today = try await client.call(.get, "\(Self.ticketsURI)/suggestions/daily", token: agent)
                #expect(today.json["date"] as? String == "2026-11-24" && today.json["total"] as? Int == 4, "today in the site's timezone by default")
                let yesterday = try await client.call(.get, "\(Self.ticketsURI)/suggestions/daily?date=2026-11-23", token: agent)
                #expect(yesterday.json["total"] as? Int == 1)
                #expect(((yesterday.json["groups"] as? [[String: Any]])?.first?["items"] as? [[String: Any]])?.first?["id"] as? String == lastNight)
                #expect(try await client.call(.get, "\(Self.ticketsURI)/suggestions/daily", token: fixture.bearer("h01.staff")).status == .forbidden)
                let badDay = try await client.call(.get, "\(Self.ticketsURI)/suggestions/daily?date=2026-11-31", token: agent)
                #expect(badDay.status == .unprocessableContent && badDay.fields == ["date"])

                // The monthly table, with its totals; the cancelled duplicate is not in it.
                let month = try await client.call(.get, "\(Self.ticketsURI)/suggestions/monthly?month=2026-11", token: manager)
                #expect(month.status == .ok, "\(month.body)")
                #expect(month.json["totals"] as? [String: Int] == ["received": 5, "adopted": 1, "notAdopted": 1, "pending": 3, "told": 2])
                #expect(month.items.compactMap { $0["id"] as? String } == [lastNight, midnight, seats, parking, ramp])
                #expect(month.items.map { $0["adopted"] as? Bool } == [nil, nil, true, false, nil])
                #expect(month.items.map { $0["answeredAt"] as? String } == [nil, nil, "2026-11-24T02:00:00.000000Z", "2026-11-24T02:00:00.000000Z", nil])
                #expect(month.items[2]["departmentCode"] as? String == "engineering" && month.items[2]["summary"] as? String == "建议候诊区增加座椅")
                #expect(month.items[3]["reply"] as? String == "场地有限，已协调周边停车场")
                #expect((month.items[0]["reporter"] as? [String: Any])?["name"] as? String == "周女士")
                let csv = try await client.call(.get, "\(Self.ticketsURI)/suggestions/monthly?month=2026-11&format=csv", token: manager)
                #expect(csv.status == .ok && csv.headers[.contentType] == "text/csv; charset=utf-8")
                let lines = csv.body.split(separator: "\r\n")
                #expect(lines.count == 1 + 5 + 5, "header, five suggestions, five totals")
                #expect(lines.contains { $0.contains("建议候诊区增加座椅") && $0.contains("是 adopted") && $0.contains("2026-11-24 10:00") })
                #expect(lines.contains { $0.contains("建议增加停车位") && $0.contains("否 not adopted") })
                #expect(lines.suffix(5).map(String.init) == ["收到 Received,5", "采纳 Adopted,1", "未采纳 Not adopted,1", "待定 Pending,3", "已告知 Told,2"])
                #expect(try await client.call(.get, "\(Self.ticketsURI)/suggestions/monthly?month=2026-11", token: fixture.bearer("hq.analyst")).status == .ok)
                #expect(try await client.call(.get, "\(Self.ticketsURI)/suggestions/monthly?month=2026-11", token: fixture.bearer("h01.staff")).status == .forbidden)
                let noMonth = try await client.call(.get, "\(Self.ticketsURI)/suggestions/monthly", token: manager)
                #expect(noMonth.status == .unprocessableContent && noMonth.fields == ["month"])
            }
        }
    }

    @Test func aReferralIsRecordedAndOverdueUntilTheOwnerReportsBack() async throws {
        try await APIFixture.with { fixture in
            _ = try await TicketCast.make(fixture)
            let clock = TestClock("2026-11-24T10:00:00+08:00")
            try await PlatformApplication.build(fixture.configuration(clock: clock), logger: quietLogger).test(.live) { client in
                let agent = fixture.bearer("h01.agent")
                let id = try await TicketQualityTests.create(
                    client, agent, #"{"channel":"phone","category":"repair","reporter":{"name":"刘先生","phone":"13700002222"},"location":"南门外","description":"门外市政水管爆裂"}"#)
                clock.advance(minutes: 30)
                #expect(try await client.act(id, "refer", as: fixture.bearer("h01.staff"), #"{"referredTo":"市自来水公司"}"#).status == .forbidden)
                let unnamed = try await client.act(id, "refer", as: agent, #"{"contact":"96116"}"#)
                #expect(unnamed.status == .unprocessableContent && unnamed.fields == ["referredTo"])
                let referred = try await client.act(id, "refer", as: agent, #"{"referredTo":"市自来水公司客服中心","contact":"96116","note":"市政管道，不属物业维修范围"}"#)
                #expect(referred.status == .ok, "\(referred.body)")
                let referral = try #require(referred.json["referral"] as? [String: Any])
                #expect(referral["to"] as? String == "市自来水公司客服中心" && referral["contact"] as? String == "96116")
                #expect(referral["at"] as? String == "2026-11-24T02:30:00.000000Z" && referral["feedbackDueAt"] as? String == "2026-11-25T02:30:00.000000Z")
                #expect(referral["by"] is String && referral["followedUpAt"] == nil)
                #expect(referred.json["status"] as? String == "received")
                #expect(referred.json["allowedActions"] as? [String] == ["dispatch", "cancel", "feedback", "refer"])

                // Not reported back within the feedback hours: overdue.
                clock.set("2026-11-25T10:30:01+08:00")
                let overdue = try await client.call(.get, "\(Self.ticketsURI)?overdue=true", token: agent)
                #expect(overdue.items.compactMap { $0["id"] as? String } == [id])
                #expect((overdue.items.first?["deadlines"] as? [String: Any])?["overdue"] as? [String] == ["feedback", "referral"])

                let reported = try await client.act(id, "feedback", as: agent, #"{"note":"已回电：自来水公司已派人抢修"}"#)
                #expect(reported.status == .ok, "\(reported.body)")
                #expect((reported.json["referral"] as? [String: Any])?["followedUpAt"] as? String == "2026-11-25T02:30:01.000000Z")
                #expect((reported.json["deadlines"] as? [String: Any])?["overdue"] as? [String] == [])
                #expect(reported.json["allowedActions"] as? [String] == ["dispatch", "close", "cancel", "feedback", "refer"])
                #expect(try await client.call(.get, "\(Self.ticketsURI)?overdue=true", token: agent).items.isEmpty)

                // Nothing is owed here any more: it closes without a resolution target.
                let closed = try await client.act(id, "close", as: agent)
                #expect(closed.status == .ok && closed.json["status"] as? String == "closed")
                #expect((closed.json["deadlines"] as? [String: Any])?["resolveDueAt"] == nil)
                let timeline = try await client.call(.get, "\(Self.ticketsURI)/\(id)/timeline", token: agent)
                #expect(timeline.items.map { $0["action"] as? String } == ["create", "refer", "feedback", "close"])
                #expect(timeline.items[1]["detail"] as? [String: String] == ["referredTo": "市自来水公司客服中心", "contact": "96116"])
                #expect(timeline.items[1]["note"] as? String == "市政管道，不属物业维修范围" && timeline.items[1]["toStatus"] as? String == "received")
                #expect((timeline.items[2]["detail"] as? [String: String])?["referralFollowedUpOnTime"] == "false")
            }
            #expect(try await fixture.count("SELECT count(*) FROM audit_log WHERE action = 'ticket.refer'") == 1)
            #expect(try await fixture.count("""
                SELECT count(*) FROM tickets WHERE referred_to = '市自来水公司客服中心' AND referral_contact = '96116'
                  AND referral_followed_up_at IS NOT NULL AND resolve_due_at IS NULL AND status = 'closed'
                """) == 1)
        }
    }

    @Test func aRepairIsReturnedOnlyFromACleanSiteAndKeepsTheCustomersOpinion() async throws {
        try await APIFixture.with { fixture in
            let cast = try await TicketCast.make(fixture)
            let clock = TestClock("2026-11-24T14:00:00+08:00")
            try await PlatformApplication.build(fixture.configuration(clock: clock), logger: quietLogger).test(.live) { client in
                let agent = fixture.bearer("h01.agent"), staff = fixture.bearer("h01.staff")
                let id = try await TicketQualityTests.create(
                    client, agent, #"{"channel":"phone","category":"repair","reporter":{"name":"杨阿姨","unit":"3号楼502"},"description":"厨房水龙头滴水"}"#)
                #expect(try await client.act(id, "dispatch", as: agent, #"{"departmentId":"\#(cast.engineering)"}"#).status == .ok)
                #expect(try await client.act(id, "acknowledge", as: staff).status == .ok)
                #expect(try await client.act(id, "start", as: staff).status == .ok)

                let unchecked = try await client.act(id, "resolve", as: staff, #"{"result":"更换水龙头"}"#)
                #expect(unchecked.status == .unprocessableContent && unchecked.code == "ticket.site_check_required" && unchecked.fields == ["siteCleared"])
                let messy = try await client.act(id, "resolve", as: staff, #"{"result":"更换水龙头","siteCleared":false}"#)
                #expect(messy.status == .unprocessableContent && messy.code == "ticket.site_check_required" && messy.fields == ["siteCleared"])
                let untouched = try await client.call(.get, "\(Self.ticketsURI)/\(id)", token: agent)
                #expect(untouched.json["status"] as? String == "in_progress" && untouched.json["siteCleared"] == nil && untouched.json["version"] as? Int == 4)

                clock.advance(minutes: 45)
                let resolved = try await client.act(id, "resolve", as: staff, """
                    {"result":"更换水龙头","timeOnSiteMinutes":40,"customerOpinion":" 师傅很细心，地面也擦干净了 ","siteCleared":true,
                     "acceptance":{"name":"杨阿姨","signedAt":"2026-11-24T14:45:00+08:00"}}
                    """)
                #expect(resolved.status == .ok, "\(resolved.body)")
                #expect(resolved.json["siteCleared"] as? Bool == true && resolved.json["customerOpinion"] as? String == "师傅很细心，地面也擦干净了")
                #expect(resolved.json["status"] as? String == "resolved")
                let shown = try await client.call(.get, "\(Self.ticketsURI)/\(id)", token: agent)
                #expect(shown.json["siteCleared"] as? Bool == true && shown.json["customerOpinion"] as? String == "师傅很细心，地面也擦干净了")
                let timeline = try await client.call(.get, "\(Self.ticketsURI)/\(id)/timeline", token: agent)
                #expect(timeline.items.map { $0["action"] as? String } == ["create", "dispatch", "acknowledge", "start", "resolve"])
                #expect((timeline.items.last?["detail"] as? [String: String])?["customerOpinion"] == "师傅很细心，地面也擦干净了")
            }
            #expect(try await fixture.count("SELECT count(*) FROM tickets WHERE site_cleared AND customer_opinion = '师傅很细心，地面也擦干净了'") == 1)
        }
    }

    @Test func aQuarterIsFiledOnceAfterItEndsAndLateAfterTheTenth() async throws {
        try await APIFixture.with { fixture in
            let cast = try await TicketCast.make(fixture)
            let clock = TestClock("2026-09-20T10:00:00+08:00")
            try await PlatformApplication.build(fixture.configuration(clock: clock), logger: quietLogger).test(.live) { client in
                let agent = fixture.bearer("h01.agent"), manager = fixture.bearer("h01.manager")
                let complaint = try await TicketQualityTests.create(
                    client, agent, #"{"channel":"phone","category":"complaint","subject":"夜间施工噪音","causeClass":1,"reporter":{"name":"陈女士","phone":"13800001111"},"description":"夜间施工噪音"}"#)
                clock.advance(minutes: 10)
                let repair = try await TicketQualityTests.create(client, agent, #"{"channel":"phone","category":"repair","location":"内科病房 12床","description":"呼叫器不响"}"#)
                #expect(try await TicketQualityTests.resolve(client, repair, cast: cast).status == .ok)
                #expect(try await client.act(repair, "verify", as: agent, #"{"passed":true}"#).status == .ok)
                #expect(try await client.act(repair, "follow-up", as: agent, #"{"method":"phone","satisfaction":5,"note":"满意","confirmedBy":"陈女士"}"#).status == .ok)
                let inquiry = try await TicketQualityTests.create(client, agent, #"{"channel":"visit","category":"inquiry","description":"探视时间？"}"#)
                #expect(try await client.act(inquiry, "answer", as: agent, #"{"reply":"每日15:00至20:00"}"#).status == .ok)

                // The quarter's records: its complaints and its followed-up tickets, not the answered inquiry.
                let export = try await client.call(.get, "\(Self.ticketsURI)/archive?quarter=2026-Q3", token: agent)
                #expect(export.status == .ok, "\(export.body)")
                #expect(export.json["tickets"] as? Int == 2 && export.json["followUps"] as? Int == 1 && export.json["filing"] == nil)
                #expect(export.json["from"] as? String == "2026-07-01" && export.json["through"] as? String == "2026-09-30" && export.json["dueOn"] as? String == "2026-10-10")
                let records = try #require(export.json["records"] as? [[String: Any]])
                #expect(records.map { ($0["ticket"] as? [String: Any])?["id"] as? String } == [complaint, repair])
                #expect(records.map { ($0["followUps"] as? [[String: Any]])?.count } == [0, 1])
                #expect((records[1]["followUps"] as? [[String: Any]])?.first?["rating"] as? String == "satisfied")
                let archiveURI = "\(Self.ticketsURI)/archive"
                #expect(try await client.call(.get, archiveURI, token: agent).fields == ["quarter"])
                #expect(try await client.call(.get, archiveURI + "?quarter=2026-Q3", token: fixture.bearer("h01.staff")).status == .forbidden)

                // Not before the quarter has ended, and only by a manager.
                clock.set("2026-09-30T23:00:00+08:00")
                let early = try await client.call(.post, "\(archiveURI)/2026-Q3", token: manager)
                #expect(early.status == .conflict && early.code == "ticket.archive_quarter_open")
                clock.set("2026-10-10T20:00:00+08:00")
                #expect(try await client.call(.post, "\(archiveURI)/2026-Q3", token: agent).status == .forbidden)
                let nonsense = try await client.call(.post, "\(archiveURI)/2026-Q5", token: manager)
                #expect(nonsense.status == .unprocessableContent && nonsense.fields == ["quarter"])

                // On the 10th: on time, once.
                let filed = try await client.call(.post, "\(archiveURI)/2026-Q3", token: manager)
                #expect(filed.status == .created, "\(filed.body)")
                #expect(filed.json["quarter"] as? String == "2026-Q3" && filed.json["late"] as? Bool == false)
                #expect(filed.json["tickets"] as? Int == 2 && filed.json["followUps"] as? Int == 1 && filed.json["dueOn"] as? String == "2026-10-10")
                #expect(filed.json["filedAt"] as? String == "2026-10-10T12:00:00.000000Z" && filed.json["filedBy"] is String)
                let again = try await client.call(.post, "\(archiveURI)/2026-Q3", token: manager)
                #expect(again.status == .conflict && again.code == "ticket.archive_already_filed")
                // A quarter filed after the 10th of the next quarter's first month is late.
                let second = try await client.call(.post, "\(archiveURI)/2026-Q2", token: manager)
                #expect(second.status == .created && second.json["late"] as? Bool == true && second.json["tickets"] as? Int == 0)
                #expect(try await client.call(.post, "\(archiveURI)/2026-Q4", token: manager).code == "ticket.archive_quarter_open")

                let shown = try await client.call(.get, archiveURI + "?quarter=2026-Q3", token: manager)
                #expect((shown.json["filing"] as? [String: Any])?["late"] as? Bool == false)
                #expect((shown.json["filing"] as? [String: Any])?["tickets"] as? Int == 2)
                let csv = try await client.call(.get, archiveURI + "?quarter=2026-Q3&format=csv", token: manager)
                #expect(csv.status == .ok && csv.headers[.contentType] == "text/csv; charset=utf-8")
                let lines = csv.body.split(separator: "\r\n")
                #expect(lines.count == 4, "header, the complaint, the repair and its follow-up")
                #expect(lines[1].hasPrefix("投诉 complaint,H01-2026-000001,complaint,2026-09-20 10:00,陈女士,13800001111"))
                #expect(lines[2].hasPrefix("工单 ticket,H01-2026-000002,repair,2026-09-20 10:10"))
                #expect(lines[3].hasPrefix("回访 follow-up,H01-2026-000002,") && lines[3].hasSuffix(",phone,5,satisfied,满意,陈女士"))
            }
            #expect(try await fixture.count("SELECT count(*) FROM ticket_archives") == 2)
            #expect(try await fixture.count("SELECT count(*) FROM ticket_archives WHERE quarter = '2026-Q2' AND late AND tickets = 0") == 1)
            #expect(try await fixture.count("SELECT count(*) FROM audit_log WHERE action = 'ticket.archive_filed'") == 2)
        }
    }

    /// 存档保管2年: no delete path shortens the retention of a ticket, its timeline or its
    /// follow-up records. The application role cannot delete them at all; the owner cannot
    /// delete them until 2 years after the latest day their quarter could be filed, nor
    /// truncate the tables.
    @Test func theDatabaseRefusesToDeleteTicketRecordsStillKept() async throws {
        try await APIFixture.with { fixture in
            _ = try await TicketCast.make(fixture)
            // The real clock: the database measures retention against its own now().
            try await PlatformApplication.build(fixture.configuration, logger: quietLogger).test(.live) { client in
                let created = try await TicketQualityTests.create(
                    client, fixture.bearer("h01.agent"), #"{"channel":"phone","category":"complaint","subject":"楼道堆物","reporter":{"unit":"3号楼502"},"description":"楼道堆物"}"#)
                let id = try #require(UUID(uuidString: created))
                let site = fixture.h01.id
                #expect(try await Self.asOwner(fixture, "INSERT INTO ticket_follow_ups (site_id, ticket_id, at, method, rating) VALUES ($1, $2, now(), 'phone', 'satisfied')",
                                               [site, id]) == 1)

                for sql in ["DELETE FROM tickets WHERE site_id = $1 AND id = $2", "DELETE FROM ticket_events WHERE site_id = $1 AND ticket_id = $2"] {
                    do {
                        _ = try await fixture.platform.platform.pipeline(.operations, [PostgresStatement(sql, [site, id])])
                        Issue.record("the application role deleted with \(sql)")
                    } catch let error as PostgresError {
                        #expect(error.code == .insufficientPrivilege, "\(error)")
                    }
                }
                func deleteAll() async throws -> [Int] {
                    let followUps = try await Self.asOwner(fixture, "DELETE FROM ticket_follow_ups WHERE site_id = $1 AND ticket_id = $2", [site, id])
                    let events = try await Self.asOwner(fixture, "DELETE FROM ticket_events WHERE site_id = $1 AND ticket_id = $2", [site, id])
                    let tickets = try await Self.asOwner(fixture, "DELETE FROM tickets WHERE site_id = $1 AND id = $2", [site, id])
                    return [followUps, events, tickets]
                }
                #expect(try await deleteAll() == [0, 0, 0], "received today: kept")
                do {
                    _ = try await Self.asOwner(fixture, "TRUNCATE ticket_follow_ups", prepared: false)
                    Issue.record("the owner truncated the follow-up records")
                } catch let error as PostgresError {
                    #expect(error.code == .insufficientPrivilege, "\(error)")
                }

                func age(by interval: String) async throws {
                    for sql in ["UPDATE tickets SET received_at = received_at - interval '\(interval)' WHERE site_id = $1 AND id = $2",
                                "UPDATE ticket_events SET at = at - interval '\(interval)' WHERE site_id = $1 AND ticket_id = $2",
                                "UPDATE ticket_follow_ups SET at = at - interval '\(interval)' WHERE site_id = $1 AND ticket_id = $2"] {
                        #expect(try await Self.asOwner(fixture, sql, [site, id]) == 1)
                    }
                }
                // Two years and a month after receipt the quarter's filing is not yet two years old.
                try await age(by: "2 years 1 month")
                #expect(try await deleteAll() == [0, 0, 0], "filed less than two years ago: kept")
                #expect(try await fixture.count("SELECT count(*) FROM tickets WHERE id = $1", [id]) == 1)
                #expect(try await fixture.count("SELECT count(*) FROM ticket_events WHERE ticket_id = $1", [id]) == 1)
                #expect(try await fixture.count("SELECT count(*) FROM ticket_follow_ups WHERE ticket_id = $1", [id]) == 1)
                // Past the retention period they may go.
                try await age(by: "6 months")
                #expect(try await deleteAll() == [1, 1, 1])
                #expect(try await fixture.count("SELECT count(*) FROM tickets WHERE id = $1", [id]) == 0)
            }
        }
    }
}
