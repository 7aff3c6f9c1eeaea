import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
@testable import Platform
import Postgres
import TestSupport
import Testing

@Suite("Headquarters reports: portfolio, trends, CSV, rollups", .serialized)
struct ReportTests {
    static let portfolio = "/api/v1/hq/portfolio"

    func refresh(_ fixture: APIFixture, _ clock: TestClock) async throws -> Int {
        try await ReportRollup(database: fixture.platform.platform, clock: .system, interval: .seconds(60), logger: quietLogger).refresh(now: clock.now)
    }

    func site(_ response: APIResponse, _ code: String) -> [String: Any] {
        let row = (response.json["sites"] as? [[String: Any]])?.first { $0["siteCode"] as? String == code }
        return row?["measures"] as? [String: Any] ?? [:]
    }

    /// Figures to count by hand: at H01 one ticket in October and six in November (three
    /// complaints, two of cause class 1; two repairs, one resolved; a praise), feedback on one
    /// complaint, a booking confirmed in time and three certificates (one ending within 60
    /// days); at R01 two repairs. Returns the praise ticket.
    static func handCountedGroup(_ client: some TestClientProtocol, _ fixture: APIFixture, _ clock: TestClock) async throws -> String {
        let cast = try await TicketCast.make(fixture)
        let agent = fixture.bearer("h01.agent"), r01 = fixture.bearer("r01.manager")
        _ = try await TicketQualityTests.create(client, agent, #"{"channel":"phone","category":"repair","description":"十月报修"}"#)
        clock.set("2026-11-02T09:00:00+08:00")
        let complaint = try await TicketQualityTests.create(client, agent, #"{"channel":"phone","category":"complaint","subject":"保洁不及时","causeClass":1,"reporter":{"unit":"5楼病区"},"description":"保洁不及时"}"#)
        _ = try await TicketQualityTests.create(client, agent, #"{"channel":"visit","category":"complaint","subject":"护工态度差","causeClass":1,"reporter":{"unit":"6楼病区"},"description":"护工态度差"}"#)
        _ = try await TicketQualityTests.create(client, agent, #"{"channel":"visit","category":"complaint","subject":"墙面开裂","causeClass":2,"reporter":{"unit":"7楼病区"},"description":"墙面开裂"}"#)
        let repair = try await TicketQualityTests.create(client, agent, #"{"channel":"phone","category":"repair","description":"水龙头漏水"}"#)
        _ = try await TicketQualityTests.create(client, agent, #"{"channel":"phone","category":"repair","description":"灯不亮"}"#)
        let praise = try await TicketQualityTests.create(client, agent, #"{"channel":"letter","category":"praise","description":"表扬护士"}"#)
        #expect(try await client.act(complaint, "feedback", as: agent, #"{"note":"已告知处理进度"}"#).status == .ok)
        #expect(try await TicketQualityTests.resolve(client, repair, cast: cast).status == .ok)
        try await fixture.link("r01.manager", fixture.r01, staff: try await fixture.addStaff(fixture.r01, "K101", "刘经理", department: "customer_service"))
        for text in ["楼道灯坏了", "垃圾未清运"] {
            _ = try await TicketQualityTests.create(client, r01, #"{"channel":"phone","category":"repair","description":"\#(text)"}"#, site: "R01")
        }
        let desk = try await BookingDesk.make(client, fixture)
        let booking = try await desk.book(client, agent, start: "2026-11-10T09:00:00+08:00")
        #expect(booking.status == .created, "\(booking.body)")
        #expect(try await client.appointment(booking.json["id"] as? String ?? "", "confirm", as: agent).status == .ok)
        let licensed = try await fixture.addStaff(fixture.h01, "G002", "陈电工", department: "engineering")
        _ = try await fixture.platform.platform.pipeline(.operations, [PostgresStatement(
            """
            INSERT INTO staff_certificates (site_id, staff_id, certificate_type, number, issued_on, expires_on)
            VALUES ($1, $2, 'electrician', 'E-1', '2023-01-01', '2026-12-01'), ($1, $2, 'special_equipment_operation', 'S-1', '2023-01-01', '2027-03-01'),
                   ($1, $2, 'elevator_safety_management', 'L-1', '2020-01-01', '2026-10-01')
            """, [fixture.h01.id, licensed])])

        return praise
    }

    @Test func thePortfolioMatchesAHandCountAndEachSitesOwnStatistics() async throws {
        try await APIFixture.with { fixture in
            let clock = TestClock("2026-10-30T10:00:00+08:00")
            try await PlatformApplication.build(fixture.configuration(clock: clock), logger: quietLogger).test(.live) { client in
                let analyst = fixture.bearer("hq.analyst"), agent = fixture.bearer("h01.agent")
                let praise = try await Self.handCountedGroup(client, fixture, clock)

                // The portfolio reads the rollups, not the tickets: nothing shows before the job runs.
                var report = try await client.call(.get, "\(Self.portfolio)?period=2026-11", token: analyst)
                #expect(report.status == .ok, "\(report.body)")
                #expect(site(report, "H01")["ticketsReceived"] as? Double == 0)
                #expect(try await fixture.count("SELECT count(DISTINCT (site_id, month)) FROM report_refresh_queue") == 3)  // H01 October and November, R01 November
                #expect(try await refresh(fixture, clock) == 3)
                #expect(try await fixture.count("SELECT count(*) FROM report_refresh_queue") == 0)
                #expect(try await refresh(fixture, clock) == 0)

                report = try await client.call(.get, "\(Self.portfolio)?period=2026-11", token: analyst)
                let h01 = site(report, "H01")
                #expect(h01["ticketsReceived"] as? Double == 6 && h01["complaints"] as? Double == 3 && h01["complaintRate"] as? Double == 0.5)
                let causes = h01["complaintsByCause"] as? [String: [String: Any]]
                #expect(causes?["1"]?["count"] as? Double == 2 && causes?["1"]?["rate"] as? Double == 0.3333 && causes?["2"]?["count"] as? Double == 1)
                #expect(h01["openTickets"] as? Double == 7)  // six of November and October's repair; the resolved one is not closed yet
                #expect(h01["licencesExpiring60d"] as? Double == 1)  // 1 December; March is too far, October has passed
                #expect(h01["appointmentRequests"] as? Double == 1 && h01["confirmationInTimeRate"] as? Double == 1)
                let stats = try await client.call(.get, "/api/v1/sites/H01/tickets/stats?month=2026-11", token: analyst)
                #expect(h01["onTimeFeedbackRate"] as? Double == (stats.json["onTimeFeedback"] as? [String: Any])?["rate"] as? Double)
                #expect(h01["onTimeResolutionRate"] as? Double == (stats.json["onTimeResolution"] as? [String: Any])?["rate"] as? Double)
                #expect(h01["onTimeFeedbackRate"] as? Double == 1 && h01["onTimeResolutionRate"] as? Double == 1)
                #expect(site(report, "R01")["ticketsReceived"] as? Double == 2 && site(report, "R01")["complaints"] as? Double == 0)
                let kinds = report.json["kinds"] as? [[String: Any]] ?? []
                #expect(kinds.map { $0["kind"] as? String } == ["hospital", "residence"])
                #expect((kinds.first?["total"] as? [String: Any])?["ticketsReceived"] as? Double == 6)
                #expect((kinds.first?["median"] as? [String: Any])?["complaintRate"] as? Double == 0.5)
                #expect((report.json["targets"] as? [String: Any])?["satisfactionRate"] != nil)

                // A year adds up its months; a bad period changes nothing and says which field.
                let year = try await client.call(.get, "\(Self.portfolio)?period=2026", token: analyst)
                #expect(site(year, "H01")["ticketsReceived"] as? Double == 7)
                let bad = try await client.call(.get, "\(Self.portfolio)?period=2026-13", token: analyst)
                #expect(bad.status == .unprocessableContent && bad.fields == ["period"])
                let badThrough = try await client.call(.get, "/api/v1/hq/trends?through=2026--1", token: analyst)
                #expect(badThrough.status == .unprocessableContent && badThrough.fields == ["through"])

                // A regional manager sees their sites only; a site manager none.
                let east = try await client.call(.get, "\(Self.portfolio)?period=2026-11", token: fixture.bearer("east"))
                #expect((east.json["sites"] as? [[String: Any]])?.map { $0["siteCode"] as? String } == ["H01"])
                #expect(try await client.call(.get, "\(Self.portfolio)?period=2026-11", token: fixture.bearer("h01.manager")).status == .forbidden)
                #expect(try await client.call(.get, "/api/v1/hq/trends?site=R01", token: fixture.bearer("east")).status == .notFound)

                // CSV by Accept header or by ?format=csv: UTF-8 with BOM, Chinese headers and names.
                let csv = try await client.call(.get, "\(Self.portfolio)?period=2026-11", token: analyst, headers: [.accept: "text/csv"])
                #expect(csv.headers[.contentType] == "text/csv; charset=utf-8")
                #expect(Array(csv.body.utf8.prefix(3)) == [0xEF, 0xBB, 0xBF])
                let lines = csv.body.dropFirst().components(separatedBy: "\r\n")
                #expect(lines.first?.hasPrefix("站点 Site,名称 Name,类型 Kind,区域 Region,行 Row,受理量 Tickets received") == true)
                #expect(lines.contains { $0.hasPrefix("H01,市第一人民医院,hospital,华东,站点 site,6,7,") })
                #expect(lines.contains { $0.hasPrefix(",,hospital,,中位数 median,6,7,") })
                let byFormat = try await client.call(.get, "\(Self.portfolio)?period=2026-11&format=csv", token: analyst)
                #expect(byFormat.body == csv.body)

                // Trends: twelve months for a site, a kind, or everything in reach.
                let trend = try await client.call(.get, "/api/v1/hq/trends?through=2026-11&site=H01", token: analyst)
                #expect(trend.status == .ok, "\(trend.body)")
                let months = trend.json["months"] as? [[String: Any]] ?? []
                #expect(months.count == 12 && months.first?["month"] as? String == "2025-12" && months.last?["month"] as? String == "2026-11")
                #expect(months.map { ($0["measures"] as? [String: Any])?["ticketsReceived"] as? Double }.suffix(2) == [1, 6])
                let all = try await client.call(.get, "/api/v1/hq/trends?through=2026-11", token: analyst)
                #expect(all.json["sites"] as? Int == 2)
                #expect(((all.json["months"] as? [[String: Any]])?.last?["measures"] as? [String: Any])?["ticketsReceived"] as? Double == 8)
                let trendCSV = try await client.call(.get, "/api/v1/hq/trends?through=2026-11&kind=hospital&format=csv", token: analyst)
                #expect(trendCSV.body.components(separatedBy: "\r\n").dropFirst().first?.hasPrefix("2025-12,0,") == true)
                #expect(trendCSV.body.contains("\r\n2026-11,6,"))

                // A change queues its month in its own transaction; the next run brings it in.
                #expect(try await client.act(praise, "cancel", as: agent, #"{"reason":"重复登记"}"#).status == .ok)
                #expect(try await fixture.count("SELECT count(DISTINCT (site_id, month)) FROM report_refresh_queue") == 1)
                #expect(try await fixture.count("SELECT count(*) FROM report_refresh_queue WHERE month = '2026-11-01'") >= 1)
                #expect(try await refresh(fixture, clock) == 1)
                report = try await client.call(.get, "\(Self.portfolio)?period=2026-11", token: analyst)
                #expect(site(report, "H01")["ticketsReceived"] as? Double == 5 && site(report, "H01")["openTickets"] as? Double == 6)
            }
        }
    }

    @Test func changesDoNotWaitWhileTheJobHoldsTheirMonthAndItsRunKeepsThemQueued() async throws {
        try await APIFixture.with { fixture in
            _ = try await TicketCast.make(fixture)
            let clock = TestClock("2026-11-02T09:00:00+08:00")
            try await PlatformApplication.build(fixture.configuration(clock: clock), logger: quietLogger).test(.live) { client in
                let agent = fixture.bearer("h01.agent")
                _ = try await TicketQualityTests.create(client, agent, #"{"channel":"phone","category":"repair","description":"先到的报修"}"#)
                let database = fixture.platform.database
                // As the job does: hold H01's queued rows; meanwhile two more tickets of the same month are created.
                let waited = try await database.withConnection(database.app) { connection in
                    try await connection.withTransaction([.setLocal("app.scope", "all")]) { connection -> Duration in
                        #expect(try await connection.query("SELECT seq FROM report_refresh_queue FOR UPDATE SKIP LOCKED").count == 1)
                        let started = ContinuousClock.now
                        for text in ["后到的报修一", "后到的报修二"] {
                            _ = try await TicketQualityTests.create(client, agent, #"{"channel":"phone","category":"repair","description":"\#(text)"}"#)
                        }
                        return started.duration(to: .now)
                    }
                }
                // A create that waited on the job would wait until its 5 s statement timeout and
                // fail; the bound leaves room for two creates on a loaded machine.
                #expect(waited < .seconds(4), "creates waited \(waited) on the job")
                #expect(try await fixture.count("SELECT count(*) FROM report_refresh_queue") == 3)
                #expect(try await refresh(fixture, clock) == 1)
                #expect(try await fixture.count("SELECT count(*) FROM report_refresh_queue") == 0)
                let report = try await client.call(.get, "\(Self.portfolio)?period=2026-11", token: fixture.bearer("hq.analyst"))
                #expect(site(report, "H01")["ticketsReceived"] as? Double == 3)
            }
        }
    }

    @Test func periodsAreAMonthAQuarterOrAYearAndNothingElse() {
        #expect(AssessmentSummaryRoutes.period("2026-11")?.end == CalendarDate(year: 2026, month: 11, day: 30))
        #expect(AssessmentSummaryRoutes.period("2026-Q1")?.start == CalendarDate(year: 2026, month: 1, day: 1))
        #expect(AssessmentSummaryRoutes.period("2026")?.name == "annual")
        #expect(CalendarDate(year: 2026, month: 11, day: 30).firstOfMonth(adding: -11) == CalendarDate(year: 2025, month: 12, day: 1))
        #expect(CalendarDate(year: 2026, month: 12, day: 1).firstOfMonth(adding: 1).monthLabel == "2027-01")
        for bad in ["", "-", "--", "2026-", "-11", "2026-11-", "2026-1", "2026--1", "2026-Q5", "20261", "02026", "+2026", "2026-Q", "1999"] {
            #expect(AssessmentSummaryRoutes.period(bad) == nil, "\(bad)")
        }
    }

    @Test func measuresAreRatiosOfSummedCountersAndMediansOfSites() {
        let a = ReportMeasures(["tickets_received": 10, "category_complaint": 2, "cause_1": 2, "satisfaction_rated": 4, "satisfaction_satisfied": 3,
                                "scored_results": 3, "score_centi_sum": 25_550], current: ["open": 4])
        let b = ReportMeasures(["tickets_received": 30, "category_complaint": 3, "satisfaction_rated": 0], current: ["open": 1])
        let c = ReportMeasures(["tickets_received": 20, "satisfaction_rated": 2, "satisfaction_satisfied": 2], current: nil)
        #expect(a.complaintRate == 0.2 && b.complaintRate == 0.1 && c.complaintRate == 0)
        #expect(a.satisfactionRate == 0.75 && b.satisfactionRate == nil)
        #expect(a.averageAssessmentScore == 85.17 && b.averageAssessmentScore == nil)
        #expect(c.openTickets == nil && a.openTickets == 4)
        #expect(a.complaintsByCause == ["1": .init(count: 2, rate: 0.2)] && a.ticketsByCategory?["complaint"] == 2 && b.complaintsByCause == [:])
        let median = ReportMeasures(medianOf: [a, b, c])
        #expect(median.ticketsReceived == 20 && median.complaintRate == 0.1)
        #expect(median.satisfactionRate == 0.875)  // b has none: the median of 0.75 and 1
        #expect(median.openTickets == 2.5)
    }
}
