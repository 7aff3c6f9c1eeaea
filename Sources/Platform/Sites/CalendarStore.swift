import Domain
import Foundation
import Postgres

/// Working calendars in PostgreSQL: loading them whole and replacing their hours and
/// exceptions. Every statement filters `site_id` explicitly as well as through RLS.
enum CalendarStore {
    /// Loads every calendar of the site (or the one with `code`), with hours and exceptions.
    static func statements(site: UUID, code: String?) -> [PostgresStatement] {
        [
            PostgresStatement("SELECT id, code, name, is_default, version FROM working_calendars WHERE site_id = $1 AND ($2::text IS NULL OR code = $2) ORDER BY NOT is_default, code", [site, code]),
            PostgresStatement(
                """
                SELECT h.calendar_id, h.weekday, to_char(h.opens, 'HH24:MI') AS opens, CASE WHEN h.closes = '24:00' THEN '24:00' ELSE to_char(h.closes, 'HH24:MI') END AS closes
                FROM calendar_hours h JOIN working_calendars c ON c.site_id = h.site_id AND c.id = h.calendar_id
                WHERE h.site_id = $1 AND ($2::text IS NULL OR c.code = $2) ORDER BY h.weekday, h.opens
                """, [site, code]),
            PostgresStatement(
                """
                SELECT e.calendar_id, e.day, e.is_working, to_char(e.opens, 'HH24:MI') AS opens,
                       CASE WHEN e.closes = '24:00' THEN '24:00' ELSE to_char(e.closes, 'HH24:MI') END AS closes, e.note
                FROM calendar_exceptions e JOIN working_calendars c ON c.site_id = e.site_id AND c.id = e.calendar_id
                WHERE e.site_id = $1 AND ($2::text IS NULL OR c.code = $2) ORDER BY e.day
                """, [site, code]),
        ]
    }

    static func decode(_ results: [PostgresRows]) throws -> [CalendarResource] {
        var hours: [UUID: [CalendarResource.Hours]] = [:]
        for row in results[1] {
            hours[try row.decode("calendar_id"), default: []].append(.init(weekday: try row.decode("weekday"), opens: try row.decode("opens"), closes: try row.decode("closes")))
        }
        var exceptions: [UUID: [CalendarResource.Exception]] = [:]
        for row in results[2] {
            exceptions[try row.decode("calendar_id"), default: []].append(.init(
                date: try row.decode("day"), working: try row.decode("is_working"), opens: try row.decodeIfPresent("opens"),
                closes: try row.decodeIfPresent("closes"), note: try row.decodeIfPresent("note")))
        }
        return try results[0].map { row in
            let id: UUID = try row.decode("id")
            return CalendarResource(code: try row.decode("code"), name: try row.decode("name"), isDefault: try row.decode("is_default"),
                                    version: try row.decode("version"), weeklyHours: hours[id] ?? [], exceptions: exceptions[id] ?? [])
        }
    }

    /// The rules' view of a loaded calendar.
    static func rules(_ resource: CalendarResource) -> WorkingCalendar {
        var weekly: [Int: [WorkingCalendar.Interval]] = [:]
        for hours in resource.weeklyHours {
            if let opens = WorkingCalendar.minutes(hours.opens), let closes = WorkingCalendar.minutes(hours.closes) {
                weekly[hours.weekday, default: []].append(.init(opens: opens, closes: closes))
            }
        }
        let exceptions = resource.exceptions.map { exception in
            WorkingCalendar.Exception(
                date: exception.date, working: exception.working,
                hours: exception.opens.flatMap(WorkingCalendar.minutes).flatMap { opens in exception.closes.flatMap(WorkingCalendar.minutes).map { .init(opens: opens, closes: $0) } },
                note: exception.note)
        }
        return WorkingCalendar(weekly: weekly, exceptions: exceptions)
    }

    /// Replaces hours and exceptions of the calendar `code` inside a transaction, checking the
    /// version first. Returns false when there is no such calendar.
    static func replace(_ connection: isolated PostgresConnection, site: UUID, code: String, name: String?, calendar: WorkingCalendar, expectedVersion: Int?) async throws -> Bool {
        guard let row = try await connection.query("SELECT id, version FROM working_calendars WHERE site_id = $1 AND code = $2 FOR UPDATE", [site, code]).first else {
            return false
        }
        let id: UUID = try row.decode("id")
        let version: Int = try row.decode("version")
        if let expectedVersion, expectedVersion != version { throw Versioning.stale(current: version) }
        try await connection.query("DELETE FROM calendar_hours WHERE site_id = $1 AND calendar_id = $2", [site, id])
        try await connection.query("DELETE FROM calendar_exceptions WHERE site_id = $1 AND calendar_id = $2", [site, id])
        let hours = calendar.weekly.sorted { $0.key < $1.key }.flatMap { day in day.value.map { (day.key, $0) } }
        try await connection.query(
            "INSERT INTO calendar_hours (site_id, calendar_id, weekday, opens, closes) SELECT $1, $2, * FROM unnest($3::smallint[], $4::time[], $5::time[])",
            [site, id, hours.map(\.0), hours.map { WorkingCalendar.clock($0.1.opens) }, hours.map { WorkingCalendar.clock($0.1.closes) }])
        let exceptions = calendar.exceptions.values.sorted { $0.date < $1.date }
        try await connection.query(
            """
            INSERT INTO calendar_exceptions (site_id, calendar_id, day, is_working, opens, closes, note)
            SELECT $1, $2, * FROM unnest($3::date[], $4::bool[], $5::time[], $6::time[], $7::text[])
            """,
            [site, id, exceptions.map(\.date), exceptions.map(\.working), exceptions.map { $0.hours.map { WorkingCalendar.clock($0.opens) } },
             exceptions.map { $0.hours.map { WorkingCalendar.clock($0.closes) } }, exceptions.map(\.note)])
        try await connection.query("UPDATE working_calendars SET name = coalesce($3, name), version = version + 1, updated_at = now() WHERE site_id = $1 AND id = $2", [site, id, name])
        return true
    }

    static func notFound(_ code: String) -> DomainError {
        DomainError(.notFound, code: "calendar.not_found", message: "no calendar '\(code)' at this site")
    }
}
