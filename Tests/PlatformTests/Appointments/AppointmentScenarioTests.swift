import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
@testable import Platform
import Postgres
import TestSupport
import Testing

/// A service item with two windows (a counter on the office calendar, a field team) at a site.
struct BookingDesk {
    let item: String
    let counter: String
    let fieldTeam: String
    let homeRepair: String

    static func make(_ client: some TestClientProtocol, _ fixture: APIFixture, site: String = "H01", token: String? = nil, capacity: Int = 2) async throws -> BookingDesk {
        let manager = token ?? fixture.bearer("h01.manager")
        let siteRecord = site == "H01" ? fixture.h01 : fixture.r01
        let department = try await fixture.departmentID(siteRecord, "customer_service")
        let engineering = try await fixture.departmentID(siteRecord, "engineering")
        func post(_ path: String, _ json: String) async throws -> String {
            let response = try await client.call(.post, "/api/v1/sites/\(site)/\(path)", token: manager, json: json)
            guard response.status == .created, let id = response.json["id"] as? String else {
                throw PostgresError(kind: .client, message: "POST \(path) failed: \(response.status) \(response.body)")
            }
            return id
        }
        let item = try await post("service-items", #"{"code":"certificate","name":"证明开具","departmentId":"\#(department)","durationMinutes":30,"capacityPerSlot":\#(capacity),"documents":["身份证","申请表"]}"#)
        let homeRepair = try await post("service-items", #"{"code":"home_repair","name":"上门维修","departmentId":"\#(engineering)","durationMinutes":60,"capacityPerSlot":2,"homeVisitAllowed":true}"#)
        let counter = try await post("windows", #"{"code":"w1","name":"1号窗口","departmentId":"\#(department)","itemIds":["\#(item)"]}"#)
        let fieldTeam = try await post("windows", #"{"code":"field","name":"上门服务组","kind":"field_team","departmentId":"\#(engineering)","calendar":"repairs","itemIds":["\#(homeRepair)"]}"#)
        return BookingDesk(item: item, counter: counter, fieldTeam: fieldTeam, homeRepair: homeRepair)
    }

    func book(_ client: some TestClientProtocol, _ token: String, start: String, item: String? = nil, site: String = "H01", extra: String = "") async throws -> APIResponse {
        try await client.call(.post, "/api/v1/sites/\(site)/appointments", token: token, json: """
            {"itemId":"\(item ?? self.item)","start":"\(start)","channel":"phone","applicant":{"name":"周先生","phone":"13700001111","idNumber":"11010519491231002X"}\(extra)}
            """)
    }
}

extension TestClientProtocol {
    func appointment(_ id: String, _ action: String, as token: String, _ json: String? = nil, site: String = "H01") async throws -> APIResponse {
        try await call(.post, "/api/v1/sites/\(site)/appointments/\(id)/\(action)", token: token, json: json)
    }
}

@Suite("Appointments: windows, bookings and the 1-day / 2 h / 8 h / 30 min rules", .serialized)
struct AppointmentScenarioTests {
    static let base = "/api/v1/sites/H01/appointments"

    func sweep(_ fixture: APIFixture, _ clock: TestClock) async throws -> Int {
        try await AppointmentSweeper(database: fixture.platform.platform, clock: .system, interval: .seconds(60), logger: quietLogger).sweep(now: clock.now)
    }

    @Test func confirmationIsDueWithinOneWorkingDayAcrossAHolidayAndAMakeUpDay() async throws {
        try await APIFixture.with { fixture in
            _ = try await TicketCast.make(fixture)
            let clock = TestClock("2026-11-26T16:00:00+08:00")  // Thursday
            try await PlatformApplication.build(fixture.configuration(clock: clock), logger: quietLogger).test(.live) { client in
                let desk = try await BookingDesk.make(client, fixture)
                let agent = fixture.bearer("h01.agent")
                let plain = try await desk.book(client, agent, start: "2026-12-01T09:00:00+08:00")
                #expect(plain.status == .created, "\(plain.body)")
                #expect(plain.json["confirmDueAt"] as? String == "2026-11-27T08:00:00.000000Z")  // Friday 16:00: 570 minutes of office time
                #expect((plain.json["applicant"] as? [String: Any])?["idNumber"] as? String == "110***********002X")
                #expect(plain.json["localStart"] as? String == "2026-12-01T09:00" && plain.json["status"] as? String == "requested")

                let calendar = """
                    {"weeklyHours":[\((1...5).map { #"{"weekday":\#($0),"opens":"08:00","closes":"17:30"}"# }.joined(separator: ","))],
                     "exceptions":[{"date":"2026-11-27","working":false,"note":"假日"},{"date":"2026-11-28","working":true,"note":"调休"}]}
                    """
                #expect(try await client.call(.put, "/api/v1/sites/H01/calendars/office", token: fixture.bearer("h01.manager"), json: calendar).status == .ok)
                let acrossHoliday = try await desk.book(client, agent, start: "2026-12-01T09:30:00+08:00")
                #expect(acrossHoliday.json["confirmDueAt"] as? String == "2026-11-28T08:00:00.000000Z")  // Friday skipped, make-up Saturday 16:00
                let id = try #require(acrossHoliday.json["id"] as? String)

                clock.set("2026-11-28T15:59:00+08:00")
                #expect(try await sweep(fixture, clock) == 1)  // only the first booking is past its deadline
                clock.set("2026-11-28T16:01:00+08:00")
                #expect(try await sweep(fixture, clock) == 1)
                #expect(try await sweep(fixture, clock) == 0)
                let overdue = try await client.call(.get, "\(Self.base)?overdue=true", token: agent)
                #expect(overdue.items.count == 2 && overdue.items.allSatisfy { $0["overdue"] as? Bool == true })

                let refusedWithoutReason = try await client.appointment(id, "refuse", as: agent)
                #expect(refusedWithoutReason.status == .unprocessableContent && refusedWithoutReason.fields == ["reason"])
                let confirmed = try await client.appointment(id, "confirm", as: agent)
                #expect(confirmed.status == .ok && confirmed.json["documents"] as? [String] == ["身份证", "申请表"], "\(confirmed.body)")
                let timeline = try await client.call(.get, "\(Self.base)/\(id)/timeline", token: agent)
                #expect(timeline.items.map { $0["action"] as? String } == ["request", "confirmation.overdue", "confirm"])
                #expect((timeline.items.last?["detail"] as? [String: String])?["inTime"] == "false")
            }
        }
    }

    @Test func theCenterCancelsWithTwoOrEightHoursNoticeOrRecordsABreach() async throws {
        try await APIFixture.with { fixture in
            _ = try await TicketCast.make(fixture)
            let clock = TestClock("2026-11-26T09:00:00+08:00")
            try await PlatformApplication.build(fixture.configuration(clock: clock), logger: quietLogger).test(.live) { client in
                let desk = try await BookingDesk.make(client, fixture)
                let agent = fixture.bearer("h01.agent")
                var window: [String] = []
                for _ in 0..<2 { window.append(try #require(try await desk.book(client, agent, start: "2026-11-30T10:00:00+08:00").json["id"] as? String)) }
                let visit = #","homeVisit":{"reason":"elderly","address":"锦绣路 8 号 3 单元 501"}"#
                var home: [String] = []
                for _ in 0..<2 {
                    let booked = try await desk.book(client, agent, start: "2026-11-30T10:00:00+08:00", item: desk.homeRepair, extra: visit)
                    home.append(try #require(booked.json["id"] as? String, "\(booked.body)"))
                }

                clock.set("2026-11-30T07:59:00+08:00")  // 2 h 1 min before
                let inTime = try await client.appointment(window[0], "cancel-by-center", as: agent)
                #expect(inTime.status == .ok && inTime.json["lateCancellation"] as? Bool == false && inTime.json["status"] as? String == "cancelled_by_center")
                clock.set("2026-11-30T08:01:00+08:00")  // 1 h 59 min before
                let noReason = try await client.appointment(window[1], "cancel-by-center", as: agent)
                #expect(noReason.status == .unprocessableContent && noReason.code == "appointment.late_cancellation_reason_required")
                let late = try await client.appointment(window[1], "cancel-by-center", as: agent, #"{"reason":"窗口系统故障"}"#)
                #expect(late.status == .ok && late.json["lateCancellation"] as? Bool == true)

                clock.set("2026-11-30T01:59:00+08:00")  // 8 h 1 min before the home visit
                #expect(try await client.appointment(home[0], "cancel-by-center", as: agent).json["lateCancellation"] as? Bool == false)
                clock.set("2026-11-30T02:01:00+08:00")
                #expect(try await client.appointment(home[1], "cancel-by-center", as: agent).code == "appointment.late_cancellation_reason_required")
                #expect(try await client.appointment(home[1], "cancel-by-center", as: agent, #"{"reason":"维修工生病"}"#).json["lateCancellation"] as? Bool == true)

                clock.set("2026-11-30T12:00:00+08:00")
                let stats = try await client.call(.get, "\(Self.base)/stats?month=2026-11", token: fixture.bearer("h01.manager"))
                #expect(stats.json["lateCancellationsByCenter"] as? Int == 2)
                let byWindow = stats.json["byWindow"] as? [String: [String: Int]]
                #expect(byWindow?["w1"]?["lateCancellationsByCenter"] == 1 && byWindow?["field"]?["lateCancellationsByCenter"] == 1)
            }
        }
    }

    @Test func noCheckInWithinThirtyMinutesIsANoShowThatFreesThePlace() async throws {
        try await APIFixture.with { fixture in
            _ = try await TicketCast.make(fixture)
            let clock = TestClock("2026-11-26T09:00:00+08:00")
            try await PlatformApplication.build(fixture.configuration(clock: clock), logger: quietLogger).test(.live) { client in
                let desk = try await BookingDesk.make(client, fixture)
                let agent = fixture.bearer("h01.agent")
                let early = try #require(try await desk.book(client, agent, start: "2026-11-30T10:00:00+08:00").json["id"] as? String)
                let late = try #require(try await desk.book(client, agent, start: "2026-11-30T10:00:00+08:00").json["id"] as? String)
                #expect(try await desk.book(client, agent, start: "2026-11-30T10:00:00+08:00").code == "appointment.slot_taken")
                for id in [early, late] { #expect(try await client.appointment(id, "confirm", as: agent).status == .ok) }

                clock.set("2026-11-30T10:29:00+08:00")
                #expect(try await sweep(fixture, clock) == 0)
                #expect(try await client.appointment(early, "check-in", as: agent).json["status"] as? String == "checked_in")
                clock.set("2026-11-30T10:31:00+08:00")
                #expect(try await client.appointment(late, "check-in", as: agent).code == "appointment.too_late")
                #expect(try await sweep(fixture, clock) == 1)
                let gone = try await client.call(.get, "\(Self.base)/\(late)", token: agent)
                #expect(gone.json["status"] as? String == "no_show" && gone.json["noShowAt"] != nil)
                #expect(try await fixture.count("SELECT count(*) FROM appointments WHERE status IN ('requested', 'confirmed', 'checked_in', 'completed')") == 1)
                let done = try await client.appointment(early, "complete", as: agent, #"{"result":"已开具证明","satisfaction":"satisfied"}"#)
                #expect(done.json["status"] as? String == "completed")
                let stats = try await client.call(.get, "\(Self.base)/stats?month=2026-11", token: agent)
                #expect(stats.json["noShows"] as? Int == 1)
                #expect((stats.json["completion"] as? [String: Any])?["numerator"] as? Int == 1 && (stats.json["completion"] as? [String: Any])?["denominator"] as? Int == 2)
            }
        }
    }

    /// 上门 第十一条: 超过预约时间30分钟而未到位且联系不上申请人 — a home visit is the applicant's no-show
    /// only once staff have recorded that they could not reach them; until then it needs action.
    @Test func aHomeVisitBecomesANoShowOnlyAfterStaffRecordThatTheApplicantCouldNotBeReached() async throws {
        try await APIFixture.with { fixture in
            let cast = try await TicketCast.make(fixture)
            let clock = TestClock("2026-11-26T09:00:00+08:00")
            try await PlatformApplication.build(fixture.configuration(clock: clock), logger: quietLogger).test(.live) { client in
                let desk = try await BookingDesk.make(client, fixture)
                let agent = fixture.bearer("h01.agent"), plumber = fixture.bearer("h01.staff"), guardToken = fixture.bearer("h01.guard")
                let visit = #","homeVisit":{"reason":"elderly","address":"锦绣路 8 号 3 单元 501"}"#
                let window = try #require(try await desk.book(client, agent, start: "2026-11-30T10:00:00+08:00").json["id"] as? String)
                let plumbers = try #require(try await desk.book(client, agent, start: "2026-11-30T10:00:00+08:00", item: desk.homeRepair, extra: visit).json["id"] as? String)
                let guards = try #require(try await desk.book(client, agent, start: "2026-11-30T10:00:00+08:00", item: desk.homeRepair, extra: visit).json["id"] as? String)
                #expect(try await client.appointment(window, "confirm", as: agent).status == .ok)
                #expect(try await client.appointment(plumbers, "confirm", as: agent, #"{"assignedStaffId":"\#(cast.plumber)"}"#).status == .ok)
                let confirmed = try await client.appointment(guards, "confirm", as: agent, #"{"assignedStaffId":"\#(cast.guardStaff)"}"#)
                #expect(confirmed.json["allowedActions"] as? [String] == ["check-in", "cancel", "cancel-by-center", "reschedule", "reschedule-by-center", "contact-failed"])

                clock.set("2026-11-30T10:05:00+08:00")
                #expect(try await client.appointment(window, "contact-failed", as: agent, #"{"note":"x"}"#).code == "appointment.action_not_allowed")
                // Another department's clerk may not; the staff member sent may, with what they tried.
                #expect(try await client.appointment(plumbers, "contact-failed", as: guardToken, #"{"note":"x"}"#).code == "appointment.not_your_window")
                #expect(try await client.appointment(plumbers, "contact-failed", as: plumber).fields == ["note"])
                let failed = try await client.appointment(plumbers, "contact-failed", as: plumber, #"{"note":"敲门无人应答，两次致电未接通"}"#)
                #expect(failed.status == .ok && failed.json["status"] as? String == "confirmed", "\(failed.body)")
                #expect(failed.json["contactFailedAt"] as? String == "2026-11-30T02:05:00.000000Z" && failed.json["contactFailedNote"] as? String == "敲门无人应答，两次致电未接通")
                #expect((failed.json["allowedActions"] as? [String])?.contains("contact-failed") == false)

                clock.set("2026-11-30T10:30:00+08:00")
                #expect(try await sweep(fixture, clock) == 0)
                clock.set("2026-11-30T10:31:00+08:00")
                #expect(try await sweep(fixture, clock) == 2)  // the window booking, and the visit whose applicant could not be reached
                #expect(try await client.call(.get, "\(Self.base)/\(plumbers)", token: agent).json["status"] as? String == "no_show")
                let open = try await client.call(.get, "\(Self.base)/\(guards)", token: agent)
                #expect(open.json["status"] as? String == "confirmed" && open.json["needsAction"] as? Bool == true, "\(open.body)")
                #expect(try await client.call(.get, "\(Self.base)/\(window)", token: agent).json["needsAction"] as? Bool == false)
                let waiting = try await client.call(.get, "\(Self.base)?needsAction=true", token: agent)
                #expect(waiting.items.compactMap { $0["id"] as? String } == [guards])
                #expect(try await client.call(.get, "\(Self.base)?needsAction=false", token: agent).items.count == 2)
                let timeline = try await client.call(.get, "\(Self.base)/\(plumbers)/timeline", token: agent)
                #expect(timeline.items.map { $0["action"] as? String } == ["request", "confirm", "contact-failed", "no_show"])
                #expect((timeline.items.last?["note"] as? String)?.contains("could not be reached") == true)
                #expect(try await sweep(fixture, clock) == 0, "without a failed contact the visit stays open")

                // The staff member sent records it though the field team is another department's; the next sweep marks it.
                clock.set("2026-11-30T10:50:00+08:00")
                #expect(try await client.appointment(guards, "contact-failed", as: guardToken, #"{"note":"电话关机"}"#).status == .ok)
                #expect(try await sweep(fixture, clock) == 1)
                #expect(try await client.call(.get, "\(Self.base)?needsAction=true", token: agent).items.isEmpty)
                let stats = try await client.call(.get, "\(Self.base)/stats?month=2026-11", token: agent)
                #expect(stats.json["noShows"] as? Int == 3)
            }
        }
    }

    /// 预约 第五条 / 上门 第十条: the center that cannot keep the time tells the applicant 2 h (window)
    /// or 8 h (home visit) ahead, for a move as for a cancellation; a home visit moves only within working hours.
    @Test func theCenterMovesABookingWithTwoOrEightHoursNoticeOrRecordsABreach() async throws {
        try await APIFixture.with { fixture in
            let cast = try await TicketCast.make(fixture)
            let clock = TestClock("2026-11-26T09:00:00+08:00")
            try await PlatformApplication.build(fixture.configuration(clock: clock), logger: quietLogger).test(.live) { client in
                let desk = try await BookingDesk.make(client, fixture)
                let agent = fixture.bearer("h01.agent")
                let window = try #require(try await desk.book(client, agent, start: "2026-11-30T10:00:00+08:00").json["id"] as? String)
                let home = try #require(try await desk.book(client, agent, start: "2026-11-30T10:00:00+08:00", item: desk.homeRepair,
                                                            extra: #","homeVisit":{"reason":"elderly","address":"锦绣路 8 号 3 单元 501"}"#).json["id"] as? String)
                #expect(try await client.appointment(home, "confirm", as: agent, #"{"assignedStaffId":"\#(cast.plumber)"}"#).status == .ok)

                clock.set("2026-11-30T08:01:00+08:00")  // 1 h 59 min before
                let unexplained = try await client.appointment(window, "reschedule-by-center", as: agent, #"{"start":"2026-11-30T14:00:00+08:00"}"#)
                #expect(unexplained.status == .unprocessableContent && unexplained.code == "appointment.late_reschedule_reason_required" && unexplained.fields == ["reason"])
                let late = try await client.appointment(window, "reschedule-by-center", as: agent, #"{"start":"2026-11-30T14:00:00+08:00","reason":"窗口系统故障"}"#)
                #expect(late.status == .ok && late.json["localStart"] as? String == "2026-11-30T14:00", "\(late.body)")
                #expect(late.json["lateReschedules"] as? Int == 1 && late.json["rescheduleCount"] as? Int == 1 && late.json["lateCancellation"] as? Bool == false)
                let timeline = try await client.call(.get, "\(Self.base)/\(window)/timeline", token: agent)
                #expect(timeline.items.last?["action"] as? String == "reschedule-by-center" && timeline.items.last?["note"] as? String == "窗口系统故障")
                let detail = timeline.items.last?["detail"] as? [String: String]
                #expect(detail?["lateReschedule"] == "true" && detail?["noticeMinutes"] == "119" && detail?["from"] == "2026-11-30T02:00:00.000000Z")
                // The applicant's own move needs no notice and is no breach.
                let asked = try await client.appointment(window, "reschedule", as: agent, #"{"start":"2026-11-30T15:00:00+08:00"}"#)
                #expect(asked.json["lateReschedules"] as? Int == 1 && asked.json["rescheduleCount"] as? Int == 2)

                clock.set("2026-11-30T01:59:00+08:00")  // 8 h 1 min before the visit
                // The field team's calendar runs round the clock; a moved visit keeps to working hours, whoever moves it.
                for action in ["reschedule-by-center", "reschedule"] {
                    let evening = try await client.appointment(home, action, as: agent, #"{"start":"2026-11-30T20:00:00+08:00"}"#)
                    #expect(evening.code == "appointment.outside_working_hours" && evening.fields == ["start"], "\(action): \(evening.body)")
                }
                let inTime = try await client.appointment(home, "reschedule-by-center", as: agent, #"{"start":"2026-11-30T14:00:00+08:00"}"#)
                #expect(inTime.status == .ok && inTime.json["lateReschedules"] as? Int == 0, "\(inTime.body)")
                clock.set("2026-11-30T06:01:00+08:00")  // 7 h 59 min before 14:00
                #expect(try await client.appointment(home, "reschedule-by-center", as: agent, #"{"start":"2026-11-30T15:00:00+08:00"}"#).code
                        == "appointment.late_reschedule_reason_required")
                let moved = try await client.appointment(home, "reschedule-by-center", as: agent, #"{"start":"2026-11-30T15:00:00+08:00","reason":"维修工临时调派抢修"}"#)
                #expect(moved.status == .ok && moved.json["lateReschedules"] as? Int == 1 && moved.json["localStart"] as? String == "2026-11-30T15:00")
                // Another department's clerk may not move the engineering team's visit.
                #expect(try await client.appointment(home, "reschedule-by-center", as: fixture.bearer("h01.guard"), #"{"start":"2026-11-30T16:00:00+08:00","reason":"x"}"#).code
                        == "appointment.not_your_window")
            }
        }
    }

    @Test func homeVisitsNeedAReasonWorkingHoursAndAStaffMemberWithoutAnOverlap() async throws {
        try await APIFixture.with { fixture in
            let cast = try await TicketCast.make(fixture)
            let clock = TestClock("2026-11-26T09:00:00+08:00")
            try await PlatformApplication.build(fixture.configuration(clock: clock), logger: quietLogger).test(.live) { client in
                let desk = try await BookingDesk.make(client, fixture)
                let agent = fixture.bearer("h01.agent")
                let visit = #","homeVisit":{"reason":"disabled","address":"住院部宿舍 2 号楼"}"#
                let notOffered = try await desk.book(client, agent, start: "2026-11-30T10:00:00+08:00", extra: visit)
                #expect(notOffered.status == .unprocessableContent && notOffered.code == "appointment.home_visit_not_offered" && notOffered.fields == ["homeVisit"])
                let noReason = try await desk.book(client, agent, start: "2026-11-30T10:00:00+08:00", item: desk.homeRepair, extra: #","homeVisit":{"reason":"busy","address":"x"}"#)
                #expect(noReason.status == .unprocessableContent && noReason.fields == ["homeVisit.reason"])
                // The field team's calendar runs round the clock; home visits keep to working hours.
                let evening = try await desk.book(client, agent, start: "2026-11-30T20:00:00+08:00", item: desk.homeRepair, extra: visit)
                #expect(evening.code == "appointment.outside_working_hours" && evening.fields == ["start"] && evening.json["errors"].map { "\($0)" }?.contains("outside_working_hours") == true)

                let first = try #require(try await desk.book(client, agent, start: "2026-11-30T10:00:00+08:00", item: desk.homeRepair, extra: visit).json["id"] as? String)
                let second = try #require(try await desk.book(client, agent, start: "2026-11-30T10:00:00+08:00", item: desk.homeRepair, extra: visit).json["id"] as? String)
                let third = try #require(try await desk.book(client, agent, start: "2026-11-30T11:00:00+08:00", item: desk.homeRepair, extra: visit).json["id"] as? String)
                #expect(try await client.appointment(first, "confirm", as: agent).code == "appointment.staff_required")  // no staff member named
                #expect(try await client.appointment(first, "confirm", as: agent, #"{"assignedStaffId":"\#(cast.plumber)"}"#).status == .ok)
                let overlap = try await client.appointment(second, "confirm", as: agent, #"{"assignedStaffId":"\#(cast.plumber)"}"#)
                #expect(overlap.status == .conflict && overlap.code == "appointment.staff_busy")
                #expect(try await client.appointment(second, "confirm", as: agent, #"{"assignedStaffId":"\#(cast.guardStaff)"}"#).status == .ok)
                // Back to back is not an overlap.
                #expect(try await client.appointment(third, "confirm", as: agent, #"{"assignedStaffId":"\#(cast.plumber)"}"#).status == .ok)
                // Rescheduling onto the plumber's other visit is refused, onto a free hour allowed, with history.
                let clash = try await client.appointment(third, "reschedule", as: agent, #"{"start":"2026-11-30T10:00:00+08:00"}"#)
                #expect(clash.status == .conflict, "\(clash.body)")
                let moved = try await client.appointment(third, "reschedule", as: agent, #"{"start":"2026-11-30T14:00:00+08:00","reason":"住户改约"}"#)
                #expect(moved.status == .ok && moved.json["localStart"] as? String == "2026-11-30T14:00" && moved.json["rescheduleCount"] as? Int == 1)
                let history = try await client.call(.get, "\(Self.base)/\(third)/timeline", token: agent)
                #expect((history.items.last?["detail"] as? [String: String])?["from"] == "2026-11-30T03:00:00.000000Z")
                // Staff of another department may not confirm the engineering team's visits.
                #expect(try await client.appointment(third, "cancel-by-center", as: fixture.bearer("h01.guard"), #"{"reason":"x"}"#).code == "appointment.not_your_window")
            }
        }
    }

    @Test func anUnsatisfiedApplicantOpensALinkedComplaint() async throws {
        try await APIFixture.with { fixture in
            let cast = try await TicketCast.make(fixture)
            let clock = TestClock("2026-11-26T09:00:00+08:00")
            try await PlatformApplication.build(fixture.configuration(clock: clock), logger: quietLogger).test(.live) { client in
                let desk = try await BookingDesk.make(client, fixture)
                let agent = fixture.bearer("h01.agent")
                let id = try #require(try await desk.book(client, agent, start: "2026-11-26T10:00:00+08:00").json["id"] as? String)
                _ = try await client.appointment(id, "confirm", as: agent)
                clock.set("2026-11-26T10:05:00+08:00")
                _ = try await client.appointment(id, "check-in", as: agent)
                let done = try await client.appointment(id, "complete", as: agent, #"{"result":"材料不全未办结","satisfaction":"unsatisfied","note":"等了很久"}"#)
                #expect(done.status == .ok, "\(done.body)")
                let ticketID = try #require(done.json["complaintTicketId"] as? String)
                let ticket = try await client.call(.get, "/api/v1/sites/H01/tickets/\(ticketID)", token: agent)
                #expect(ticket.json["category"] as? String == "complaint" && ticket.json["appointmentId"] as? String == id)
                #expect(ticket.json["ownerId"] as? String == cast.reception.uuidString && ticket.json["channel"] as? String == "phone")
                #expect((ticket.json["reporter"] as? [String: Any])?["phone"] as? String == "13700001111")
            }
        }
    }

    /// 64 applicants race for the last places of one slot: exactly capacity succeed.
    @Test func concurrentBookingsFillASlotExactlyToCapacity() async throws {
        try await APIFixture.with { fixture in
            _ = try await TicketCast.make(fixture)
            let clock = TestClock("2026-11-26T09:00:00+08:00")
            try await PlatformApplication.build(fixture.configuration(clock: clock), logger: quietLogger).test(.router) { client in
                let desk = try await BookingDesk.make(client, fixture, capacity: 3)
                let agent = fixture.bearer("h01.agent")
                let answers = try await withThrowingTaskGroup(of: APIResponse.self) { group in
                    for _ in 0..<64 { group.addTask { try await desk.book(client, agent, start: "2026-12-01T15:00:00+08:00") } }
                    return try await group.reduce(into: [APIResponse]()) { $0.append($1) }
                }
                let statuses = answers.map { Int($0.status.code) }
                let codes = Set(answers.filter { $0.status == .conflict }.compactMap(\.code))
                let seats = answers.filter { $0.status == .created }.compactMap { $0.json["seat"] as? Int }
                #expect(Set(seats) == [1, 2, 3])
                #expect(statuses.filter { $0 == 201 }.count == 3)
                #expect(statuses.filter { $0 == 409 }.count == 61 && codes == ["appointment.slot_taken"], "\(statuses)")
            }
            #expect(try await fixture.count("SELECT count(*) FROM appointments") == 3)
        }
    }

    /// A site in New York: slots, deadlines and local times follow its own clock and calendar.
    @Test func aSiteOutsideShanghaiBooksInItsOwnTimezone() async throws {
        try await APIFixture.with { fixture in
            let site = try await fixture.platform.sites.create(NewSite(code: "N01", name: "Harbor Residence", kind: .residence, timezone: "America/New_York"), scope: .operations).site
            let clock = TestClock("2026-11-27T16:00:00-05:00")  // Friday afternoon in New York
            try await PlatformApplication.build(fixture.configuration(clock: clock), logger: quietLogger).test(.live) { client in
                let admin = fixture.bearer("hq.admin")
                let department = try await fixture.departmentID(site, "customer_service")
                let item = try #require(try await client.call(.post, "/api/v1/sites/N01/service-items", token: admin,
                    json: #"{"code":"keys","name":"Key pickup","departmentId":"\#(department)","durationMinutes":30,"capacityPerSlot":1}"#).json["id"] as? String)
                #expect(try await client.call(.post, "/api/v1/sites/N01/windows", token: admin,
                    json: #"{"code":"desk","name":"Front desk","departmentId":"\#(department)","itemIds":["\#(item)"]}"#).status == .created)
                let free = try await client.call(.get, "/api/v1/sites/N01/availability?item=\(item)&from=2026-11-28&to=2026-11-28", token: admin)
                #expect(free.json["timezone"] as? String == "America/New_York")
                let first = try #require((free.json["items"] as? [[String: Any]])?.first)
                #expect(first["localStart"] as? String == "2026-11-28T08:30" && first["start"] as? String == "2026-11-28T13:30:00.000000Z")
                #expect((free.json["items"] as? [[String: Any]])?.count == 18)  // Saturday 08:30–17:30 in half hours
                // The hand-written JSON is the documented type.
                let decoder = JSONDecoder()
                decoder.dateDecodingStrategy = .custom { decoder in
                    let text = try decoder.singleValueContainer().decode(String.self)
                    guard let date = RFC3339.parse(text) else { throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: text)) }
                    return date
                }
                let typed = try decoder.decode(Availability.self, from: Data(free.body.utf8))
                #expect(typed.items.count == 18 && typed.items.allSatisfy { $0.remaining == 1 && $0.windowCode == "desk" && $0.end.timeIntervalSince($0.start) == 1800 })
                let booked = try await client.call(.post, "/api/v1/sites/N01/appointments", token: admin, json: """
                    {"itemId":"\(item)","start":"2026-11-28T08:30:00-05:00","channel":"online","applicant":{"name":"Ann Lee","phone":"2125550100"}}
                    """)
                #expect(booked.status == .created, "\(booked.body)")
                // Friday 16:00 + 540 minutes of office time: Friday to 17:30, then Saturday 08:30 + 450 min = 16:00 New York.
                #expect(booked.json["confirmDueAt"] as? String == "2026-11-28T21:00:00.000000Z")
                // Shanghai's 08:30 is not a New York slot.
                let shanghaiMorning = try await client.call(.post, "/api/v1/sites/N01/appointments", token: admin, json: """
                    {"itemId":"\(item)","start":"2026-11-28T08:30:00+08:00","channel":"online","applicant":{"name":"Ann Lee","phone":"2125550100"}}
                    """)
                #expect(shanghaiMorning.code == "appointment.not_a_slot" && shanghaiMorning.fields == ["start"])
            }
        }
    }

    @Test func bookingsOfOneSiteAreInvisibleFromAnother() async throws {
        try await APIFixture.with { fixture in
            _ = try await TicketCast.make(fixture)
            let clock = TestClock("2026-11-26T09:00:00+08:00")
            let (_, endpoints) = try PlatformApplication.router(pool: fixture.platform.platform.pool)
            try await PlatformApplication.build(fixture.configuration(clock: clock), logger: quietLogger).test(.live) { client in
                let desk = try await BookingDesk.make(client, fixture)
                let id = try #require(try await desk.book(client, fixture.bearer("h01.agent"), start: "2026-11-30T10:00:00+08:00").json["id"] as? String)
                let outsider = fixture.bearer("r01.manager")
                for endpoint in endpoints where endpoint.path.contains("{appointmentId}") || endpoint.path.contains("{itemId}") || endpoint.path.contains("{windowId}") {
                    let path = endpoint.path.replacingOccurrences(of: "{siteCode}", with: "R01").replacingOccurrences(of: "{appointmentId}", with: id)
                        .replacingOccurrences(of: "{itemId}", with: desk.item).replacingOccurrences(of: "{windowId}", with: desk.counter)
                    let answer = try await client.call(endpoint.method, path, token: outsider, json: endpoint.request == nil ? nil : "{}")
                    #expect(answer.status == .notFound || (answer.status == .unprocessableContent && endpoint.method == .patch),
                            "\(endpoint.method) \(endpoint.path): \(answer.status) \(answer.body.prefix(100))")
                    #expect(answer.json["id"] == nil)
                }
                let availability = try await client.call(.get, "/api/v1/sites/R01/availability?item=\(desk.item)&from=2026-11-30&to=2026-11-30", token: outsider)
                #expect(availability.status == .unprocessableContent && availability.fields == ["item"])
                #expect(try await client.call(.get, "/api/v1/sites/R01/appointments", token: outsider).items.isEmpty)
                let foreignBooking = try await desk.book(client, outsider, start: "2026-11-30T10:00:00+08:00", site: "R01")
                #expect(foreignBooking.status == .unprocessableContent && foreignBooking.fields == ["itemId"])
            }
            #expect(try await fixture.count("SELECT count(*) FROM appointments") == 1)
        }
    }
}
