import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Platform
import TestSupport
import Testing

@Suite("Managers keep the site's working calendar")
struct CalendarRoutesTests {
    @Test func replacingTheCalendarChangesWhichDaysAreWorkingDays() async throws {
        try await APIFixture.with { fixture in
            try await PlatformApplication.build(fixture.configuration, logger: quietLogger).test(.live) { client in
                let manager = fixture.bearer("h01.manager")
                let list = try await client.call(.get, "/api/v1/sites/H01/calendars", token: manager)
                #expect(list.items.map { $0["code"] as? String } == ["office", "repairs"])
                let office = try await client.call(.get, "/api/v1/sites/H01/calendars/office", token: manager)
                #expect(office.headers[.eTag] == "\"1\"")
                let body = """
                    {"weeklyHours":[\((1...5).map { #"{"weekday":\#($0),"opens":"08:00","closes":"17:30"}"# }.joined(separator: ","))],
                     "exceptions":[{"date":"2026-10-01","working":false,"note":"国庆节"},{"date":"2026-10-10","working":true,"note":"调休"},
                                   {"date":"2026-10-11","working":true,"opens":"09:00","closes":"12:00","note":"调休半天"}]}
                    """
                let replaced = try await client.call(.put, "/api/v1/sites/H01/calendars/office", token: manager, json: body, headers: [.ifMatch: "\"1\""])
                #expect(replaced.status == .ok, "\(replaced.body)")
                #expect(replaced.headers[.eTag] == "\"2\"")
                let stale = try await client.call(.put, "/api/v1/sites/H01/calendars/office", token: manager, json: body, headers: [.ifMatch: "\"1\""])
                #expect(stale.status == .preconditionFailed)

                let days = try await client.call(.get, "/api/v1/sites/H01/calendars/office/working-days?from=2026-09-30&to=2026-10-12", token: fixture.bearer("h01.agent"))
                #expect(days.status == .ok)
                let byDate = Dictionary(uniqueKeysWithValues: days.items.map { ($0["date"] as? String ?? "", $0) })
                #expect(byDate["2026-09-30"]?["reason"] as? String == "weekly")
                #expect(byDate["2026-10-01"]?["working"] as? Bool == false && byDate["2026-10-01"]?["reason"] as? String == "holiday")
                #expect(byDate["2026-10-10"]?["reason"] as? String == "make_up_day")
                #expect((byDate["2026-10-10"]?["hours"] as? [[String: Any]])?.first?["closes"] as? String == "17:30")
                #expect((byDate["2026-10-11"]?["hours"] as? [[String: Any]])?.first?["closes"] as? String == "12:00")
                #expect(byDate["2026-10-12"]?["working"] as? Bool == true)
                #expect(days.items.count == 13)
            }
        }
    }

    @Test func badCalendarsAreRefusedFieldByFieldAndChangeNothing() async throws {
        try await APIFixture.with { fixture in
            try await PlatformApplication.build(fixture.configuration, logger: quietLogger).test(.live) { client in
                let manager = fixture.bearer("h01.manager")
                let body = """
                    {"weeklyHours":[{"weekday":8,"opens":"08:00","closes":"17:00"},{"weekday":1,"opens":"18:00","closes":"09:00"},
                                    {"weekday":2,"opens":"08:00","closes":"12:00"},{"weekday":2,"opens":"11:00","closes":"14:00"}],
                     "exceptions":[{"date":"2026-10-01","working":false,"opens":"09:00","closes":"12:00"},{"date":"2026-10-01","working":true}]}
                    """
                let refused = try await client.call(.put, "/api/v1/sites/H01/calendars/office", token: manager, json: body)
                #expect(refused.status == .unprocessableContent)
                #expect(Set(refused.fields) == ["weeklyHours[0].weekday", "weeklyHours[1]", "weeklyHours[3]", "exceptions[0]", "exceptions[1].date"])
                let agent = try await client.call(.put, "/api/v1/sites/H01/calendars/office", token: fixture.bearer("h01.agent"), json: #"{"weeklyHours":[],"exceptions":[]}"#)
                #expect(agent.status == .forbidden)
                let range = try await client.call(.get, "/api/v1/sites/H01/calendars/office/working-days?from=2026-01-01&to=2027-06-01", token: manager)
                #expect(range.status == .unprocessableContent && range.fields == ["to"])
                let missing = try await client.call(.get, "/api/v1/sites/H01/calendars/nope", token: manager)
                #expect(missing.status == .notFound && missing.code == "calendar.not_found")
                let foreign = try await client.call(.get, "/api/v1/sites/R01/calendars/office", token: manager)
                #expect(foreign.status == .notFound && foreign.code == "site.not_found")
            }
            #expect(try await fixture.count("SELECT count(*) FROM calendar_exceptions") == 0)
            #expect(try await fixture.count("SELECT max(version) FROM working_calendars") == 1)
        }
    }
}
