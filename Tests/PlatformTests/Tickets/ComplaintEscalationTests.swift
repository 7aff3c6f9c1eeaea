import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
@testable import Platform
import Postgres
import TestSupport
import Testing

/// Rulebook 004 第六节 (五)(六), 第七节 三(一)(六) and rulebook 000 篇1 7, through the API on a
/// real database: a complaint about a staff member goes to their direct superior (or the site
/// manager), "other" matters go to the manager by importance, a serious complaint is closed only
/// after its apology and is followed up by the manager, and complaint follow-ups are confirmed by
/// the customer.
@Suite("Complaint escalation, severity, apology and follow-up confirmation", .serialized)
struct ComplaintEscalationTests {
    static let ticketsURI = "/api/v1/sites/H01/tickets"
    static let staffURI = "/api/v1/sites/H01/staff"

    /// 如实反映至该工作人员的直上级: the superior is set on the staff record; a complaint naming
    /// the member at intake or on classification is escalated to them, and to the site manager
    /// role when the member has no superior, each on the timeline and in the listing.
    @Test func aComplaintAboutAStaffMemberGoesToTheirDirectSuperiorOrElseTheSiteManager() async throws {
        try await APIFixture.with { fixture in
            let cast = try await TicketCast.make(fixture)
            let head = try await fixture.addStaff(fixture.h01, "B000", "钱队长", department: "security")
            let clock = TestClock("2026-11-20T10:00:00+08:00")
            try await PlatformApplication.build(fixture.configuration(clock: clock), logger: quietLogger).test(.live) { client in
                let agent = fixture.bearer("h01.agent"), manager = fixture.bearer("h01.manager")
                // The guard's direct superior is the head of security, set by a manager.
                let byReception = try await client.call(.patch, "\(Self.staffURI)/\(cast.guardStaff)", token: agent, json: #"{"supervisorId":"\#(head)"}"#)
                #expect(byReception.status == .forbidden)
                let assigned = try await client.call(.patch, "\(Self.staffURI)/\(cast.guardStaff)", token: manager, json: #"{"supervisorId":"\#(head)"}"#)
                #expect(assigned.status == .ok, "\(assigned.body)")
                #expect(assigned.json["supervisorId"] as? String == head.uuidString)
                let own = try await client.call(.patch, "\(Self.staffURI)/\(cast.guardStaff)", token: manager, json: #"{"supervisorId":"\#(cast.guardStaff)"}"#)
                #expect(own.status == .unprocessableContent && own.code == "staff.self_supervisor" && own.fields == ["supervisorId"])
                let cycle = try await client.call(.patch, "\(Self.staffURI)/\(head)", token: manager, json: #"{"supervisorId":"\#(cast.guardStaff)"}"#)
                #expect(cycle.status == .unprocessableContent && cycle.code == "staff.supervisor_cycle" && cycle.fields == ["supervisorId"])
                let nobody = try await client.call(.patch, "\(Self.staffURI)/\(head)", token: manager, json: #"{"supervisorId":"\#(UUID())"}"#)
                #expect(nobody.status == .unprocessableContent && nobody.code == "staff.unknown_supervisor")
                #expect(try await fixture.count("SELECT count(*) FROM staff WHERE supervisor_id IS NOT NULL") == 1)

                // At intake: a serious complaint about the guard goes to the head of security.
                let created = try await client.call(.post, Self.ticketsURI, token: agent, json: """
                    {"channel":"visit","category":"complaint","subject":"保安态度","severity":"serious","subjectStaffId":"\(cast.guardStaff)",
                     "reporter":{"name":"陈女士","phone":"13800001111"},"location":"门诊大厅","description":"保安推搡家属"}
                    """)
                #expect(created.status == .created, "\(created.body)")
                let guarded = try #require(created.json["id"] as? String)
                #expect(created.json["severity"] as? String == "serious")
                #expect(created.json["subjectStaffId"] as? String == cast.guardStaff.uuidString)
                #expect(created.json["escalatedTo"] as? String == head.uuidString)
                #expect(created.json["escalatedToRole"] == nil)
                #expect(created.json["escalatedAt"] as? String == "2026-11-20T02:00:00.000000Z")
                #expect(created.json["version"] as? Int == 2 && created.headers[.eTag] == "\"2\"")
                let timeline = try await client.call(.get, "\(Self.ticketsURI)/\(guarded)/timeline", token: agent)
                #expect(timeline.items.map { $0["action"] as? String } == ["create", "escalate"])
                #expect(timeline.items.map { $0["seq"] as? Int } == [1, 2])
                #expect(timeline.items.last?["detail"] as? [String: String]
                        == ["reason": "subject_staff", "subjectStaffId": cast.guardStaff.uuidString, "to": head.uuidString])
                #expect(try await fixture.count("SELECT count(*) FROM audit_log WHERE action = 'ticket.create' AND detail->>'escalatedTo' = $1",
                                                [head.uuidString]) == 1)

                // On classification: the plumber has no superior on record, so the site manager is told.
                clock.advance(minutes: 30)
                let plain = try await TicketQualityTests.create(
                    client, agent, #"{"channel":"phone","category":"complaint","subject":"维修师傅态度差","reporter":{"unit":"3号楼502"},"description":"维修师傅态度差"}"#)
                let named = try await client.act(plain, "classify", as: agent, #"{"causeClass":1,"subjectStaffId":"\#(cast.plumber)"}"#)
                #expect(named.status == .ok, "\(named.body)")
                #expect(named.json["escalatedTo"] == nil && named.json["escalatedToRole"] as? String == "site_manager")
                #expect(named.json["severity"] as? String == "ordinary" && named.json["causeClass"] as? Int == 1)
                #expect(named.json["escalatedAt"] as? String == "2026-11-20T02:30:00.000000Z")
                let plainTimeline = try await client.call(.get, "\(Self.ticketsURI)/\(plain)/timeline", token: agent)
                #expect(plainTimeline.items.map { $0["action"] as? String } == ["create", "classify", "escalate"])
                #expect((plainTimeline.items.last?["detail"] as? [String: String])?["toRole"] == "site_manager")
                #expect(named.headers[.eTag] == "\"3\"")

                // Refused, and nothing written: a staff member of no record, and a repair naming one.
                let before = try await fixture.count("SELECT count(*) FROM tickets")
                let unknown = try await client.call(.post, Self.ticketsURI, token: agent,
                                                    json: #"{"channel":"phone","category":"complaint","subject":"态度差","subjectStaffId":"\#(UUID())","reporter":{"unit":"5-101"},"description":"态度差"}"#)
                #expect(unknown.status == .unprocessableContent && unknown.code == "ticket.unknown_subject_staff" && unknown.fields == ["subjectStaffId"])
                let repair = try await client.call(.post, Self.ticketsURI, token: agent,
                                                   json: #"{"channel":"phone","category":"repair","subjectStaffId":"\#(cast.plumber)","description":"灯不亮"}"#)
                #expect(repair.status == .unprocessableContent && repair.fields == ["subjectStaffId"])
                #expect(try await fixture.count("SELECT count(*) FROM tickets") == before)

                // Both are listed as escalated, newest first; a third, unescalated complaint is not.
                let quiet = try await TicketQualityTests.create(client, agent, #"{"channel":"phone","category":"complaint","subject":"噪音","location":"住院部","description":"噪音"}"#)
                let escalated = try await client.call(.get, "\(Self.ticketsURI)?escalated=true", token: agent)
                #expect(escalated.status == .ok && escalated.items.compactMap { $0["id"] as? String } == [plain, guarded])
                let notEscalated = try await client.call(.get, "\(Self.ticketsURI)?escalated=false", token: agent)
                #expect(notEscalated.items.compactMap { $0["id"] as? String } == [quiet])
            }
        }
    }

    /// 视问题重要程度呈报公司经理: reception or a manager reports an "other" matter to the site
    /// manager with its importance; the listing finds escalated tickets.
    @Test func otherMattersAreEscalatedToTheSiteManagerByImportanceAndListed() async throws {
        try await APIFixture.with { fixture in
            _ = try await TicketCast.make(fixture)
            let clock = TestClock("2026-11-24T09:00:00+08:00")
            try await PlatformApplication.build(fixture.configuration(clock: clock), logger: quietLogger).test(.live) { client in
                let agent = fixture.bearer("h01.agent")
                let other = try await TicketQualityTests.create(client, agent, #"{"channel":"visit","category":"other","description":"相邻工地夜间施工扰民"}"#)
                let repair = try await TicketQualityTests.create(client, agent, #"{"channel":"phone","category":"repair","description":"施工后灯不亮"}"#)
                #expect(try await client.call(.get, "\(Self.ticketsURI)/\(other)", token: agent).json["allowedActions"] as? [String]
                        == ["dispatch", "cancel", "feedback", "escalate", "refer"])

                let silent = try await client.act(other, "escalate", as: agent, #"{"note":"呈报经理"}"#)
                #expect(silent.status == .unprocessableContent && silent.code == "request.missing_field" && silent.fields == ["importance"])
                let unknownImportance = try await client.act(other, "escalate", as: agent, #"{"note":"呈报经理","importance":"urgent"}"#)
                #expect(unknownImportance.status == .unprocessableContent && unknownImportance.fields == ["importance"])
                let byStaff = try await client.act(other, "escalate", as: fixture.bearer("h01.staff"), #"{"note":"呈报经理","importance":"routine"}"#)
                #expect(byStaff.status == .forbidden)
                let notThisKind = try await client.act(repair, "escalate", as: agent, #"{"note":"呈报经理","importance":"routine"}"#)
                #expect(notThisKind.status == .conflict && notThisKind.code == "ticket.action_not_allowed")

                clock.advance(minutes: 15)
                let escalated = try await client.act(other, "escalate", as: agent, #"{"note":"涉及整栋楼住户，呈报管理处经理","importance":"critical"}"#)
                #expect(escalated.status == .ok, "\(escalated.body)")
                #expect(escalated.json["escalatedToRole"] as? String == "site_manager" && escalated.json["escalatedTo"] == nil)
                #expect(escalated.json["escalationImportance"] as? String == "critical")
                #expect(escalated.json["escalatedAt"] as? String == "2026-11-24T01:15:00.000000Z")
                #expect(escalated.json["status"] as? String == "received" && escalated.headers[.eTag] == "\"2\"")
                let timeline = try await client.call(.get, "\(Self.ticketsURI)/\(other)/timeline", token: agent)
                #expect(timeline.items.map { $0["action"] as? String } == ["create", "escalate"])
                #expect(timeline.items.last?["note"] as? String == "涉及整栋楼住户，呈报管理处经理")
                #expect(timeline.items.last?["detail"] as? [String: String] == ["reason": "escalate", "toRole": "site_manager", "importance": "critical"])
                #expect(try await fixture.count("SELECT count(*) FROM audit_log WHERE action = 'ticket.escalate' AND detail->>'importance' = 'critical'") == 1)

                let listed = try await client.call(.get, "\(Self.ticketsURI)?escalated=true", token: agent)
                #expect(listed.items.compactMap { $0["id"] as? String } == [other])
                #expect((listed.items.first?["escalationImportance"] as? String) == "critical")
                let searched = try await client.call(.get, "\(Self.ticketsURI)?escalated=true&q=%E6%96%BD%E5%B7%A5", token: agent)  // 施工
                #expect(searched.items.compactMap { $0["id"] as? String } == [other], "the repair also says 施工 but is not escalated")
                let rest = try await client.call(.get, "\(Self.ticketsURI)?escalated=false&category=repair", token: agent)
                #expect(rest.items.compactMap { $0["id"] as? String } == [repair])
                let empty = try await client.call(.get, "\(Self.ticketsURI)?escalated=", token: agent)
                #expect(empty.status == .unprocessableContent)
            }
        }
    }

    /// 如投诉情节严重，需通过上门或电话方式进行道歉 and 重大投诉由管理处经理组织进行: a serious
    /// complaint's follow-up is the manager's, with the customer's confirmation, and it is closed
    /// only after the apology visit or call is recorded.
    @Test func aSeriousComplaintIsFollowedUpByTheManagerAndClosedOnlyAfterItsApology() async throws {
        try await APIFixture.with { fixture in
            let cast = try await TicketCast.make(fixture)
            let clock = TestClock("2026-11-24T09:00:00+08:00")
            try await PlatformApplication.build(fixture.configuration(clock: clock), logger: quietLogger).test(.live) { client in
                let agent = fixture.bearer("h01.agent"), manager = fixture.bearer("h01.manager")
                let id = try await TicketQualityTests.create(client, agent, """
                    {"channel":"phone","category":"complaint","subject":"维修时损坏家具","severity":"serious","reporter":{"name":"陈女士","phone":"13800001111"},"description":"维修时损坏家具"}
                    """)
                _ = try await TicketQualityTests.resolve(client, id, cast: cast)
                // Reception may raise a severity but not lower it.
                let downgrade = try await client.act(id, "classify", as: agent, #"{"causeClass":1,"severity":"ordinary"}"#)
                #expect(downgrade.status == .forbidden && downgrade.code == "ticket.downgrade_needs_manager")
                #expect(try await client.act(id, "classify", as: agent, #"{"causeClass":1}"#).status == .ok)
                #expect(try await client.act(id, "verify", as: agent, #"{"passed":true}"#).status == .ok)

                // The follow-up is the manager's, and names the customer who confirmed it.
                let byReception = try await client.act(id, "follow-up", as: agent, #"{"method":"visit","satisfaction":5,"confirmedBy":"陈女士"}"#)
                #expect(byReception.status == .forbidden && byReception.code == "ticket.follow_up_needs_manager")
                let unconfirmed = try await client.act(id, "follow-up", as: manager, #"{"method":"visit","satisfaction":5}"#)
                #expect(unconfirmed.status == .unprocessableContent && unconfirmed.code == "ticket.confirmation_required" && unconfirmed.fields == ["confirmedBy"])
                #expect(try await fixture.count("SELECT count(*) FROM ticket_follow_ups") == 0, "nothing written on refusal")
                clock.advance(minutes: 60)
                let followed = try await client.act(id, "follow-up", as: manager, #"{"method":"visit","satisfaction":4,"note":"经理上门回访","confirmedBy":" 陈女士 "}"#)
                #expect(followed.status == .ok, "\(followed.body)")
                #expect(followed.json["status"] as? String == "followed_up" && followed.json["followUpConfirmedBy"] as? String == "陈女士")
                #expect(followed.json["allowedActions"] as? [String] == ["feedback", "escalate", "apologise"], "no close before the apology")
                let records = try await client.call(.get, "\(Self.ticketsURI)/\(id)/follow-ups", token: agent)
                #expect(records.items.map { $0["confirmedBy"] as? String } == ["陈女士"])

                // Closing before the apology is refused; the apology is a visit or a call.
                let early = try await client.act(id, "close", as: manager)
                #expect(early.status == .conflict && early.code == "ticket.apology_required")
                let byLetter = try await client.act(id, "apologise", as: agent, #"{"method":"letter"}"#)
                #expect(byLetter.status == .unprocessableContent && byLetter.fields == ["method"])
                let apologised = try await client.act(id, "apologise", as: agent, #"{"method":"visit","note":"管理处经理上门致歉并赔偿"}"#)
                #expect(apologised.status == .ok, "\(apologised.body)")
                let apology = try #require(apologised.json["apology"] as? [String: Any])
                #expect(apology["method"] as? String == "visit" && apology["note"] as? String == "管理处经理上门致歉并赔偿")
                #expect(apology["at"] as? String == "2026-11-24T02:00:00.000000Z")
                let closed = try await client.act(id, "close", as: manager)
                #expect(closed.status == .ok && closed.json["status"] as? String == "closed")
                let timeline = try await client.call(.get, "\(Self.ticketsURI)/\(id)/timeline", token: agent)
                #expect(timeline.items.suffix(3).map { $0["action"] as? String } == ["follow-up", "apologise", "close"])
            }
        }
    }

    /// 并请客户签名确认: every complaint's follow-up names the customer who confirmed it; an
    /// ordinary complaint is followed up by reception as before, and takes no apology.
    @Test func aComplaintsFollowUpIsRefusedWithoutTheCustomersConfirmationAndStoredWithIt() async throws {
        try await APIFixture.with { fixture in
            let cast = try await TicketCast.make(fixture)
            let clock = TestClock("2026-11-24T09:00:00+08:00")
            try await PlatformApplication.build(fixture.configuration(clock: clock), logger: quietLogger).test(.live) { client in
                let agent = fixture.bearer("h01.agent")
                let id = try await TicketQualityTests.create(
                    client, agent, #"{"channel":"phone","category":"complaint","subject":"保洁不及时","causeClass":1,"reporter":{"name":"王先生","phone":"13900002222"},"description":"保洁不及时"}"#)
                _ = try await TicketQualityTests.resolve(client, id, cast: cast)
                #expect(try await client.act(id, "verify", as: agent, #"{"passed":true}"#).status == .ok)
                let noApology = try await client.act(id, "apologise", as: agent, #"{"method":"phone"}"#)
                #expect(noApology.status == .conflict && noApology.code == "ticket.action_not_allowed")

                let unconfirmed = try await client.act(id, "follow-up", as: agent, #"{"method":"phone","satisfaction":5}"#)
                #expect(unconfirmed.status == .unprocessableContent && unconfirmed.code == "ticket.confirmation_required" && unconfirmed.fields == ["confirmedBy"])
                #expect(try await fixture.count("SELECT count(*) FROM ticket_follow_ups") == 0)
                let confirmed = try await client.act(id, "follow-up", as: agent, #"{"method":"phone","satisfaction":5,"confirmedBy":"王先生"}"#)
                #expect(confirmed.status == .ok && confirmed.json["followUpConfirmedBy"] as? String == "王先生")
                #expect(try await fixture.count("SELECT count(*) FROM ticket_follow_ups WHERE confirmed_by = '王先生'") == 1)
                #expect(try await fixture.count("SELECT count(*) FROM tickets WHERE follow_up_confirmed_by = '王先生'") == 1)
                #expect(try await client.act(id, "close", as: agent).json["status"] as? String == "closed", "an ordinary complaint closes without an apology")

                // A repair's follow-up may still go unsigned.
                let repair = try await TicketQualityTests.create(client, agent, #"{"channel":"phone","category":"repair","location":"内科病房 3床","description":"呼叫器不响"}"#)
                let resolved = try await TicketQualityTests.resolve(client, repair, cast: cast)
                #expect((resolved.json["followUp"] as? [String: Any])?["sampled"] as? Bool == true)
                #expect(try await client.act(repair, "verify", as: agent, #"{"passed":true}"#).status == .ok)
                let unsigned = try await client.act(repair, "follow-up", as: agent, #"{"method":"phone","satisfaction":5}"#)
                #expect(unsigned.status == .ok && unsigned.json["followUpConfirmedBy"] == nil)
            }
        }
    }
}
