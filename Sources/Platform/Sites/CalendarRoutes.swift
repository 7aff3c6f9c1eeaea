import Domain
import Foundation
import Hummingbird
import Postgres

/// `/api/v1/sites/{siteCode}/calendars`: read and replace working calendars, and inspect
/// which days are working days.
struct CalendarRoutes {
    let services: APIServices
    static let base = "/api/v1/sites/{siteCode}/calendars"

    func register(_ routes: inout APIRoutes) {
        routes.add(Endpoint(.get, Self.base, summary: "The site's working calendars, default first", tag: "Calendars", response: "CalendarList")) { _, context in
            let access = try await services.siteAccess(context)
            let calendars = try CalendarStore.decode(try await services.read(access, CalendarStore.statements(site: access.site.id, code: nil)))
            return try Response.json(CalendarList(items: calendars))
        }
        routes.add(Endpoint(.get, Self.base + "/{calendarCode}", summary: "One working calendar", tag: "Calendars", response: "Calendar")) { _, context in
            let (_, calendar) = try await load(context)
            return try Response.json(calendar, version: calendar.version)
        }
        routes.add(Endpoint(
            .put, Self.base + "/{calendarCode}", summary: "Replace a calendar's weekly hours and dated exceptions (managers)", tag: "Calendars",
            request: "CalendarReplacement", response: "Calendar", conditional: true, example: #"{"name":"办公时间","weeklyHours":[{"weekday":1,"opens":"08:00","closes":"17:30"},{"weekday":2,"opens":"08:00","closes":"17:30"},{"weekday":3,"opens":"08:00","closes":"17:30"},{"weekday":4,"opens":"08:00","closes":"17:30"},{"weekday":5,"opens":"08:00","closes":"17:30"}],"exceptions":[{"date":"2027-01-01","working":false,"note":"元旦"},{"date":"2027-02-07","working":true,"opens":"08:00","closes":"17:30","note":"春节调休"}]}"#)) { request, context in
            try await replace(request, context)
        }
        routes.add(Endpoint(
            .get, Self.base + "/{calendarCode}/working-days", summary: "Each day from `from` to `to` (at most 366 days): working or not, why, and its hours",
            tag: "Calendars", response: "WorkingDayList",
            query: [.init("from", "string", "First day, YYYY-MM-DD", format: "date"), .init("to", "string", "Last day, YYYY-MM-DD", format: "date")])) { request, context in
            let (_, calendar) = try await load(context)
            let (from, to) = try Self.range(request)
            let rules = CalendarStore.rules(calendar)
            let days = (from.daysSinceEpoch...to.daysSinceEpoch).map { number -> WorkingDay in
                let day = CalendarDate(daysSinceEpoch: number)
                let (intervals, reason) = rules.hours(on: day)
                return WorkingDay(date: day, weekday: day.isoWeekday, working: !intervals.isEmpty, reason: reason,
                                  hours: intervals.map { .init(weekday: day.isoWeekday, opens: WorkingCalendar.clock($0.opens), closes: WorkingCalendar.clock($0.closes)) },
                                  note: rules.exceptions[day]?.note)
            }
            return try Response.json(WorkingDayList(calendar: calendar.code, timezone: try await services.siteAccess(context).site.timezone, items: days))
        }
    }

    struct CalendarList: Encodable { var items: [CalendarResource] }
    struct WorkingDayList: Encodable {
        var calendar: String
        var timezone: String
        var items: [WorkingDay]
    }

    func load(_ context: PlatformRequestContext) async throws -> (SiteAccess, CalendarResource) {
        let access = try await services.siteAccess(context)
        let code = try context.parameter("calendarCode")
        guard let calendar = try CalendarStore.decode(try await services.read(access, CalendarStore.statements(site: access.site.id, code: code))).first else {
            throw CalendarStore.notFound(code)
        }
        return (access, calendar)
    }

    static func range(_ request: Request) throws -> (CalendarDate, CalendarDate) {
        var errors: [DomainError.FieldError] = []
        func day(_ name: String) -> CalendarDate? {
            guard let text = request.uri.queryParameters.get(name) else {
                errors.append(.init(field: name, code: "request.missing_field", message: "\(name) is required (YYYY-MM-DD)"))
                return nil
            }
            guard let day = CalendarDate(text) else {
                errors.append(.init(field: name, code: "request.invalid_date", message: "\(name) must be a date as YYYY-MM-DD"))
                return nil
            }
            return day
        }
        let from = day("from"), to = day("to")
        if let from, let to, to < from || to.daysSinceEpoch - from.daysSinceEpoch > 365 {
            errors.append(.init(field: "to", code: "request.invalid_range", message: "to must be on or after from, at most 366 days in all"))
        }
        try DomainError.check(errors)
        guard let from, let to else { throw DomainError.invalid(field: "from", code: "request.missing_field", message: "from and to are required") }
        return (from, to)
    }

    func replace(_ request: Request, _ context: PlatformRequestContext) async throws -> Response {
        let access = try await services.siteAccess(context)
        try access.require(.manageSite)
        let code = try context.parameter("calendarCode")
        let expected = try Versioning.expectedVersion(request)
        let (body, _) = try await services.body(CalendarReplacement.self, request, context)
        let (name, calendar) = try body.validated()
        let (site, scope, requestID) = (access.site, access.scope, context.requestID)
        let replaced = try await services.database.transaction(scope) { connection -> CalendarResource? in
            guard try await CalendarStore.replace(connection, site: site.id, code: code, name: name, calendar: calendar, expectedVersion: expected) else { return nil }
            try await connection.execute(AuditLog.record(site: site.id, scope: scope, action: "calendar.replace", targetType: "calendar", targetID: code,
                                                   detail: ["weeklyIntervals": String(body.weeklyHours.count), "exceptions": String(body.exceptions.count)], requestID: requestID))
            var results: [PostgresRows] = []
            for statement in CalendarStore.statements(site: site.id, code: code) { results.append(try await connection.execute(statement)) }
            return try CalendarStore.decode(results).first
        }
        guard let replaced else { throw CalendarStore.notFound(code) }
        services.rulebook.forget(site.id)
        return try Response.json(replaced, version: replaced.version)
    }
}
