import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Platform
import Postgres
import TestSupport
import Testing

/// The staff a ticket scenario needs at H01, and the users linked to them.
struct TicketCast {
    let fixture: APIFixture
    let reception: UUID
    let plumber: UUID
    let guardStaff: UUID
    let engineering: UUID
    let security: UUID

    static func make(_ fixture: APIFixture) async throws -> TicketCast {
        let reception = try await fixture.addStaff(fixture.h01, "K001", "王接待", department: "customer_service")
        let plumber = try await fixture.addStaff(fixture.h01, "G001", "李师傅", department: "engineering")
        let guardStaff = try await fixture.addStaff(fixture.h01, "B001", "赵保安", department: "security")
        try await fixture.link("h01.agent", fixture.h01, staff: reception)
        try await fixture.link("h01.staff", fixture.h01, staff: plumber)
        try await fixture.link("h01.guard", fixture.h01, staff: guardStaff)
        return TicketCast(fixture: fixture, reception: reception, plumber: plumber, guardStaff: guardStaff,
                          engineering: try await fixture.departmentID(fixture.h01, "engineering"),
                          security: try await fixture.departmentID(fixture.h01, "security"))
    }
}

extension TestClientProtocol {
    /// POST an action on a ticket; the response.
    func act(_ ticket: String, _ action: String, as token: String, _ json: String? = nil, site: String = "H01") async throws -> APIResponse {
        try await call(.post, "/api/v1/sites/\(site)/tickets/\(ticket)/\(action)", token: token, json: json)
    }
}

@Suite("Service tickets from intake to follow-up", .serialized)
struct TicketScenarioTests {
    static let ticketsURI = "/api/v1/sites/H01/tickets"

    @Test func aComplaintRunsItsFullCourseWithTheOwnerKeptThroughout() async throws {
        try await APIFixture.with { fixture in
            let cast = try await TicketCast.make(fixture)
            let clock = TestClock("2026-11-20T16:00:00+08:00")  // a Friday
            try await PlatformApplication.build(fixture.configuration(clock: clock), logger: quietLogger).test(.live) { client in
                let agent = fixture.bearer("h01.agent"), staff = fixture.bearer("h01.staff")
                let created = try await client.call(.post, Self.ticketsURI, token: agent, json: """
                    {"channel":"phone","category":"complaint","subject":"报修无人处理","reporter":{"name":"陈女士","phone":"138-0000-1111","unit":"3号楼502"},
                     "location":"3号楼 502 卫生间","description":"卫生间漏水三天了，报修后没人来"}
                    """)
                #expect(created.status == .created, "\(created.body)")
                let id = try #require(created.json["id"] as? String)
                #expect(created.json["number"] as? String == "H01-2026-000001")
                #expect(created.json["ownerId"] as? String == cast.reception.uuidString)
                #expect((created.json["reporter"] as? [String: Any])?["phone"] as? String == "13800001111")
                let deadlines = try #require(created.json["deadlines"] as? [String: Any])
                // 24 h on working days: Friday 16:00 → Monday 16:00; 3 working days of office hours → Wednesday 16:00.
                #expect(deadlines["feedbackDueAt"] as? String == "2026-11-21T08:00:00.000000Z")
                #expect(deadlines["resolveDueAt"] as? String == "2026-11-25T08:00:00.000000Z")
                #expect(created.json["allowedActions"] as? [String] == ["dispatch", "cancel", "feedback", "classify", "escalate", "refer"])
                #expect(created.json["severity"] as? String == "ordinary", "a complaint is ordinary unless said otherwise")

                // An action that does not fit is 409 listing what does.
                let early = try await client.act(id, "verify", as: agent, #"{"passed":true}"#)
                #expect(early.status == .conflict && early.code == "ticket.action_not_allowed")
                #expect(early.json["errors"].map { ($0 as? [[String: Any]])?.compactMap { $0["message"] as? String } ?? [] } == ["dispatch", "cancel", "feedback", "classify", "escalate", "refer"])

                clock.advance(minutes: 10)
                let feedback = try await client.act(id, "feedback", as: agent, #"{"note":"已致歉，工程部今天内上门","promisedReplyAt":"2026-11-21T12:00:00+08:00"}"#)
                #expect(feedback.status == .ok && (feedback.json["deadlines"] as? [String: Any])?["firstFeedbackAt"] != nil)
                let dispatched = try await client.act(id, "dispatch", as: agent, #"{"departmentId":"\#(cast.engineering)"}"#)
                #expect(dispatched.status == .ok && dispatched.json["status"] as? String == "dispatched")

                // Department staff act only on their own department's tickets; analysts never act.
                let otherDepartment = try await client.act(id, "acknowledge", as: fixture.bearer("h01.guard"))
                #expect(otherDepartment.status == .forbidden && otherDepartment.code == "ticket.not_your_department")
                let analyst = try await client.act(id, "acknowledge", as: fixture.bearer("hq.analyst"))
                #expect(analyst.status == .forbidden && analyst.code == "auth.forbidden")
                let staffDispatch = try await client.act(id, "dispatch", as: staff, #"{"departmentId":"\#(cast.security)"}"#)
                #expect(staffDispatch.status == .forbidden)

                #expect(try await client.act(id, "acknowledge", as: staff, #"{"note":"工程部签收"}"#).status == .ok)
                let started = try await client.act(id, "start", as: staff)
                #expect(started.status == .ok && started.json["handlerId"] as? String == cast.plumber.uuidString)
                let wrongField = try await client.act(id, "resolve", as: staff, #"{"result":"已修复","passed":true}"#)
                #expect(wrongField.status == .unprocessableContent && wrongField.fields == ["passed"])
                clock.advance(minutes: 120)
                let resolved = try await client.act(id, "resolve", as: staff, """
                    {"result":"更换角阀，已不漏水","materials":[{"item":"角阀","quantity":1,"unit":"个","unitCost":35.5}],"timeOnSiteMinutes":40,
                     "acceptance":{"name":"陈女士","signedAt":"2026-11-20T18:05:00+08:00"}}
                    """)
                #expect(resolved.status == .ok, "\(resolved.body)")
                let plan = try #require(resolved.json["followUp"] as? [String: Any])
                #expect(plan["sampled"] as? Bool == true && plan["ordinal"] as? Int == 1 && plan["month"] as? String == "2026-11")
                #expect((plan["explanation"] as? String)?.contains("sampled") == true)

                // A complaint is classified before it is verified.
                let unclassified = try await client.act(id, "verify", as: agent, #"{"passed":true}"#)
                #expect(unclassified.status == .unprocessableContent && unclassified.code == "ticket.cause_class_required")
                #expect(try await client.act(id, "classify", as: agent, #"{"causeClass":1}"#).status == .ok)
                let verified = try await client.act(id, "verify", as: agent, #"{"passed":true,"note":"回访现场确认"}"#)
                #expect(verified.status == .ok && verified.json["status"] as? String == "verified")
                // Complaints are all followed up: closing first is refused.
                let closeEarly = try await client.act(id, "close", as: agent)
                #expect(closeEarly.status == .conflict && (closeEarly.json["detail"] as? String)?.contains("follow-up") == true)
                let followed = try await client.act(id, "follow-up", as: agent, #"{"method":"phone","satisfaction":5,"note":"满意","confirmedBy":"陈女士"}"#)
                #expect(followed.status == .ok && followed.json["status"] as? String == "followed_up")
                let closed = try await client.act(id, "close", as: agent)
                #expect(closed.status == .ok && closed.json["status"] as? String == "closed" && (closed.json["allowedActions"] as? [String]) == [])
                #expect(closed.json["ownerId"] as? String == cast.reception.uuidString && closed.json["handlerId"] as? String == cast.plumber.uuidString)

                let timeline = try await client.call(.get, "\(Self.ticketsURI)/\(id)/timeline", token: staff)
                #expect(timeline.items.map { $0["action"] as? String } == [
                    "create", "feedback", "dispatch", "acknowledge", "start", "resolve", "classify", "verify", "follow-up", "close",
                ])
                #expect(timeline.items.map { $0["seq"] as? Int } == Array(1...10).map { Optional($0) })
                let byNumber = try await client.call(.get, "\(Self.ticketsURI)/H01-2026-000001", token: staff)
                #expect(byNumber.json["id"] as? String == id && byNumber.headers[.eTag] == "\"10\"")
                let followUps = try await client.call(.get, "\(Self.ticketsURI)/\(id)/follow-ups", token: staff)
                #expect(followUps.items.map { $0["rating"] as? String } == ["satisfied"])
                #expect(try await client.act(id, "feedback", as: agent, #"{"note":"again"}"#).status == .conflict)
            }
            // The timeline is append-only for the application role.
            await #expect(throws: PostgresError.self) {
                try await fixture.platform.platform.pipeline(.operations, [PostgresStatement("UPDATE ticket_events SET note = 'edited'")])
            }
        }
    }

    @Test func inquiriesAndPraiseCloseAtIntakeAndSuggestionsGetAnAnswer() async throws {
        try await APIFixture.with { fixture in
            _ = try await TicketCast.make(fixture)
            let clock = TestClock("2026-11-24T10:00:00+08:00")
            try await PlatformApplication.build(fixture.configuration(clock: clock), logger: quietLogger).test(.live) { client in
                let agent = fixture.bearer("h01.agent")
                let inquiry = try await client.call(.post, Self.ticketsURI, token: agent, json: #"{"channel":"visit","category":"inquiry","description":"门诊几点开门"}"#)
                let inquiryID = try #require(inquiry.json["id"] as? String)
                let answered = try await client.act(inquiryID, "answer", as: agent, #"{"reply":"早上八点"}"#)
                #expect(answered.status == .ok && answered.json["status"] as? String == "closed" && answered.json["reply"] as? String == "早上八点")
                #expect((answered.json["deadlines"] as? [String: Any])?["firstFeedbackAt"] != nil)

                let praise = try await client.call(.post, Self.ticketsURI, token: agent, json: #"{"channel":"letter","category":"praise","description":"感谢保洁阿姨"}"#)
                let praiseID = try #require(praise.json["id"] as? String)
                #expect(praise.json["allowedActions"] as? [String] == ["cancel", "answer", "feedback"])
                #expect(try await client.act(praiseID, "dispatch", as: agent, #"{"departmentId":"\#(UUID())"}"#).code == "ticket.action_not_allowed")
                let adoptedOnPraise = try await client.act(praiseID, "answer", as: agent, #"{"reply":"已转达","adopted":true}"#)
                #expect(adoptedOnPraise.status == .unprocessableContent && adoptedOnPraise.fields == ["adopted"])

                let suggestion = try await client.call(.post, Self.ticketsURI, token: agent, json: #"{"channel":"online","category":"suggestion","description":"建议增加停车位"}"#)
                let suggestionID = try #require(suggestion.json["id"] as? String)
                #expect(try await client.act(suggestionID, "answer", as: agent, #"{"reply":"已纳入明年计划"}"#).fields == ["adopted"])
                let replied = try await client.act(suggestionID, "answer", as: agent, #"{"reply":"已纳入明年计划","adopted":true}"#)
                #expect(replied.status == .ok && replied.json["suggestionAdopted"] as? Bool == true && replied.json["status"] as? String == "closed")

                // Staff record what they find on patrol; other intake goes through reception.
                let patrol = try await client.call(.post, Self.ticketsURI, token: fixture.bearer("h01.staff"),
                                                   json: #"{"channel":"patrol","category":"issue_report","description":"地下车库灯不亮"}"#)
                #expect(patrol.status == .created)
                let phone = try await client.call(.post, Self.ticketsURI, token: fixture.bearer("h01.staff"),
                                                  json: #"{"channel":"phone","category":"repair","description":"电梯异响"}"#)
                #expect(phone.status == .forbidden)
                // A user without a staff record names the owner.
                let noOwner = try await client.call(.post, Self.ticketsURI, token: fixture.bearer("h01.manager"), json: #"{"channel":"phone","category":"other","description":"其他"}"#)
                #expect(noOwner.status == .unprocessableContent && noOwner.fields == ["ownerId"])
                let badReporter = try await client.call(.post, Self.ticketsURI, token: agent,
                                                        json: #"{"channel":"phone","category":"other","description":"x","reporter":{"nmae":"错字"}}"#)
                #expect(badReporter.status == .unprocessableContent && badReporter.fields == ["reporter.nmae"])
            }
            #expect(try await fixture.count("SELECT count(*) FROM tickets") == 4)
        }
    }

    /// Feedback within 24 hours of receipt (受理后24小时内反馈) is 24 clock hours, whatever the
    /// office hours: a Friday 16:00 complaint is owed feedback by Saturday 16:00, and neither a
    /// holiday nor the weekend moves it.
    @Test func feedbackIsDueTwentyFourClockHoursAfterReceiptWhateverTheOfficeHours() async throws {
        try await APIFixture.with { fixture in
            _ = try await TicketCast.make(fixture)
            let clock = TestClock("2026-11-20T16:00:00+08:00")
            try await PlatformApplication.build(fixture.configuration(clock: clock), logger: quietLogger).test(.live) { client in
                let agent = fixture.bearer("h01.agent")
                func feedbackDue() async throws -> String? {
                    let created = try await client.call(.post, Self.ticketsURI, token: agent, json: #"{"channel":"phone","category":"complaint","subject":"噪音","reporter":{"unit":"3号楼502"},"description":"噪音"}"#)
                    return (created.json["deadlines"] as? [String: Any])?["feedbackDueAt"] as? String
                }
                try #expect(await feedbackDue() == "2026-11-21T08:00:00.000000Z")  // Saturday 16:00, not Monday
                let calendar = """
                    {"weeklyHours":[{"weekday":1,"opens":"08:00","closes":"17:30"},{"weekday":2,"opens":"08:00","closes":"17:30"},{"weekday":3,"opens":"08:00","closes":"17:30"},
                     {"weekday":4,"opens":"08:00","closes":"17:30"},{"weekday":5,"opens":"08:00","closes":"17:30"}],
                     "exceptions":[{"date":"2026-11-21","working":true,"note":"调休"},{"date":"2026-11-23","working":false,"note":"假日"}]}
                    """
                #expect(try await client.call(.put, "/api/v1/sites/H01/calendars/office", token: fixture.bearer("h01.manager"), json: calendar).status == .ok)
                clock.set("2026-11-22T18:00:00+08:00")
                try #expect(await feedbackDue() == "2026-11-23T10:00:00.000000Z")  // Sunday 18:00 → the Monday holiday 18:00
            }
        }
    }
}
