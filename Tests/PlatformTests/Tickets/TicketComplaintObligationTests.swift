import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
@testable import Platform
import Postgres
import TestSupport
import Testing

/// Rulebook 004 on complaints: 及时详细记录客户姓名、房号、电话; 受理后24小时内反馈 with a
/// definite reply time (明确的回复时间) where it cannot be solved at once; 100 % 回访.
@Suite("Complaints owe what they owe: contact details, follow-up after withdrawal, promised replies", .serialized)
struct TicketComplaintObligationTests {
    static let ticketsURI = "/api/v1/sites/H01/tickets"

    @Test func aComplaintCannotVanish() async throws {
        try await APIFixture.with { fixture in
            _ = try await TicketCast.make(fixture)
            let clock = TestClock("2026-11-20T10:00:00+08:00")  // a Friday
            try await PlatformApplication.build(fixture.configuration(clock: clock), logger: quietLogger).test(.live) { client in
                let agent = fixture.bearer("h01.agent"), manager = fixture.bearer("h01.manager")
                // No way back to the customer: refused.
                let anonymous = try await client.call(.post, Self.ticketsURI, token: agent, json: #"{"channel":"phone","category":"complaint","subject":"态度差","description":"态度差"}"#)
                #expect(anonymous.status == .unprocessableContent && anonymous.code == "ticket.contact_required" && anonymous.fields == ["reporter"])
                let nameOnly = try await client.call(.post, Self.ticketsURI, token: agent,
                                                     json: #"{"channel":"phone","category":"complaint","subject":"态度差","reporter":{"name":"陈女士"},"description":"态度差"}"#)
                #expect(nameOnly.status == .unprocessableContent && nameOnly.fields == ["reporter"])

                let spoken = try await TicketQualityTests.create(client, agent, #"{"channel":"visit","category":"complaint","subject":"楼道堆物","reporter":{"unit":"3号楼502"},"description":"楼道堆物"}"#)
                let written = try await TicketQualityTests.create(
                    client, agent, #"{"channel":"phone","category":"complaint","subject":"电梯停运","reporter":{"name":"陈女士","phone":"13800001111"},"description":"电梯停运"}"#)
                let open = try await TicketQualityTests.create(client, agent, #"{"channel":"visit","category":"complaint","subject":"排队太久","location":"门诊大厅","description":"排队太久"}"#)
                let repair = try await TicketQualityTests.create(client, agent, #"{"channel":"phone","category":"repair","description":"灯不亮"}"#)
                for id in [spoken, open] { #expect(try await client.act(id, "feedback", as: agent, #"{"note":"已致歉并说明处理安排"}"#).status == .ok) }

                // Reception may not withdraw a complaint; a site manager may.
                clock.advance(minutes: 5)
                let byReception = try await client.act(spoken, "cancel", as: agent, #"{"reason":"客户说算了"}"#)
                #expect(byReception.status == .forbidden && byReception.code == "ticket.withdrawal_needs_manager")
                let withdrawn = try await client.act(spoken, "cancel", as: manager, #"{"reason":"客户口头撤回"}"#)
                #expect(withdrawn.status == .ok, "\(withdrawn.body)")
                #expect(withdrawn.json["status"] as? String == "withdrawn" && withdrawn.json["withdrawnInWriting"] as? Bool == false)
                #expect(withdrawn.json["allowedActions"] as? [String] == ["follow-up", "feedback", "escalate"])
                let inWriting = try await client.act(written, "cancel", as: manager, #"{"reason":"客户书面撤回","withdrawnInWriting":true}"#)
                #expect(inWriting.status == .ok && inWriting.json["status"] as? String == "cancelled" && inWriting.json["withdrawnInWriting"] as? Bool == true)
                let notAComplaint = try await client.act(repair, "cancel", as: agent, #"{"reason":"重复登记","withdrawnInWriting":true}"#)
                #expect(notAComplaint.status == .unprocessableContent && notAComplaint.fields == ["withdrawnInWriting"])
                #expect(try await client.act(repair, "cancel", as: agent, #"{"reason":"重复登记"}"#).status == .ok, "reception still cancels other tickets")

                // Every complaint stays in the month's figures; the cancelled repair does not.
                let stats = try await client.call(.get, "\(Self.ticketsURI)/stats?month=2026-11", token: manager)
                #expect(stats.status == .ok, "\(stats.body)")
                #expect(stats.json["received"] as? Int == 3 && stats.json["byCategory"] as? [String: Int] == ["complaint": 3])
                #expect(stats.json["withdrawn"] as? Int == 2)
                #expect((stats.json["withdrawnFollowUp"] as? [String: Any])?["numerator"] as? Int == 0)
                #expect((stats.json["withdrawnFollowUp"] as? [String: Any])?["denominator"] as? Int == 1)

                // The follow-up owed is watched like any deadline: 3 days from the withdrawal.
                clock.set("2026-11-23T10:05:01+08:00")
                let sweeper = TicketSweeperProbe(fixture: fixture)
                #expect(try await sweeper.sweep(clock.now) == 1)
                let overdue = try await client.call(.get, "\(Self.ticketsURI)?overdue=true", token: agent)
                #expect(overdue.items.compactMap { $0["id"] as? String } == [spoken])
                #expect((overdue.items.first?["deadlines"] as? [String: Any])?["overdue"] as? [String] == ["follow_up"])
                let timeline = try await client.call(.get, "\(Self.ticketsURI)/\(spoken)/timeline", token: agent)
                #expect(timeline.items.map { $0["action"] as? String } == ["create", "feedback", "cancel", "follow_up.overdue"])
                #expect(timeline.items.dropFirst(2).first?["toStatus"] as? String == "withdrawn")

                let followed = try await client.act(spoken, "follow-up", as: agent, #"{"method":"phone","satisfaction":4,"note":"客户表示理解","confirmedBy":"3号楼502住户"}"#)
                #expect(followed.status == .ok && followed.json["status"] as? String == "followed_up")
                #expect(try await client.act(spoken, "close", as: agent).json["status"] as? String == "closed")
                let after = try await client.call(.get, "\(Self.ticketsURI)/stats?month=2026-11", token: manager)
                #expect(after.json["withdrawn"] as? Int == 2 && after.json["received"] as? Int == 3)
                #expect((after.json["withdrawnFollowUp"] as? [String: Any])?["numerator"] as? Int == 1)
                #expect((after.json["withdrawnFollowUp"] as? [String: Any])?["rate"] as? Double == 1)
            }
        }
    }

    @Test func aPromisedReplyThatPassesUnmetIsOverdueMarkedOnceAndCounted() async throws {
        try await APIFixture.with { fixture in
            _ = try await TicketCast.make(fixture)
            let clock = TestClock("2026-11-20T16:00:00+08:00")
            try await PlatformApplication.build(fixture.configuration(clock: clock), logger: quietLogger).test(.live) { client in
                let agent = fixture.bearer("h01.agent")
                let broken = try await TicketQualityTests.create(
                    client, agent, #"{"channel":"phone","category":"complaint","subject":"空调不制冷","reporter":{"name":"陈女士","phone":"13800001111"},"description":"空调不制冷"}"#)
                let kept = try await TicketQualityTests.create(
                    client, agent, #"{"channel":"phone","category":"complaint","subject":"走廊太吵","reporter":{"name":"王先生","phone":"13900002222"},"description":"走廊太吵"}"#)
                let promise = #"{"note":"需核实，今晚六点前答复","promisedReplyAt":"2026-11-20T18:00:00+08:00"}"#
                for id in [broken, kept] { #expect(try await client.act(id, "feedback", as: agent, promise).status == .ok) }
                clock.set("2026-11-20T17:30:00+08:00")
                let answer = try await client.act(kept, "feedback", as: agent, #"{"note":"已答复：明早处理"}"#)
                #expect((answer.json["deadlines"] as? [String: Any])?["replyGivenAt"] != nil)

                clock.set("2026-11-20T18:00:01+08:00")
                let overdue = try await client.call(.get, "\(Self.ticketsURI)?overdue=true", token: agent)
                #expect(overdue.items.compactMap { $0["id"] as? String } == [broken])
                #expect((overdue.items.first?["deadlines"] as? [String: Any])?["overdue"] as? [String] == ["reply"])
                let sweeper = TicketSweeperProbe(fixture: fixture)
                #expect(try await sweeper.sweep(clock.now) == 1)
                #expect(try await sweeper.sweep(clock.now) == 0, "marked once")
                let timeline = try await client.call(.get, "\(Self.ticketsURI)/\(broken)/timeline", token: agent)
                #expect(timeline.items.last?["action"] as? String == "sla.reply_breached" && timeline.items.last?["actorRole"] as? String == "system")

                // A late reply ends the overdue; a new promise is watched again.
                clock.set("2026-11-20T18:30:00+08:00")
                let late = try await client.act(broken, "feedback", as: agent, #"{"note":"配件明天到，明天中午前再答复","promisedReplyAt":"2026-11-21T12:00:00+08:00"}"#)
                #expect((late.json["deadlines"] as? [String: Any])?["overdue"] as? [String] == [])
                clock.set("2026-11-21T12:00:01+08:00")
                #expect(try await sweeper.sweep(clock.now) == 1, "the new promise is marked when it passes too")

                let stats = try await client.call(.get, "\(Self.ticketsURI)/stats?month=2026-11", token: agent)
                #expect(stats.json["repliesPromised"] as? Int == 2)
                #expect((stats.json["onTimeReply"] as? [String: Any])?["numerator"] as? Int == 1)
                #expect((stats.json["onTimeReply"] as? [String: Any])?["denominator"] as? Int == 2)
            }
        }
    }
}
