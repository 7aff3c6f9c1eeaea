import Domain
import Foundation
import Postgres

/// Monthly appointment figures of one site; they also feed each window's assessment.
enum AppointmentStatisticsStore {
    static func statements(site: UUID, start: Date, end: Date, now: Date) -> [PostgresStatement] {
        let taking = "a.site_id = $1 AND lower(a.slot) >= $2 AND lower(a.slot) < $3"
        return [
            PostgresStatement(
                """
                SELECT count(*)::int AS requests,
                       count(*) FILTER (WHERE confirmed_at IS NOT NULL OR refused_at IS NOT NULL OR confirm_due_at <= $4)::int AS answer_due,
                       count(*) FILTER (WHERE coalesce(confirmed_at, refused_at) <= confirm_due_at)::int AS answered_in_time,
                       count(*) FILTER (WHERE status = 'refused')::int AS refusals
                FROM appointments WHERE site_id = $1 AND requested_at >= $2 AND requested_at < $3
                """, [site, start, end, now]),
            PostgresStatement(
                "SELECT refusal_reason AS key, count(*)::int AS n FROM appointments WHERE site_id = $1 AND requested_at >= $2 AND requested_at < $3 AND status = 'refused' GROUP BY 1",
                [site, start, end]),
            PostgresStatement(
                """
                SELECT count(*) FILTER (WHERE a.late_cancellation)::int AS late,
                       count(*) FILTER (WHERE a.status = 'no_show')::int AS no_shows,
                       count(*) FILTER (WHERE a.status = 'completed')::int AS completed,
                       count(*) FILTER (WHERE a.status NOT IN ('refused', 'cancelled_by_applicant') AND (lower(a.slot) <= $4 OR a.status = 'completed'))::int AS due,
                       count(*) FILTER (WHERE a.satisfaction IS NOT NULL)::int AS rated,
                       count(*) FILTER (WHERE a.satisfaction IN ('satisfied', 'basically_satisfied'))::int AS satisfied
                FROM appointments a WHERE \(taking)
                """, [site, start, end, now]),
            PostgresStatement(
                """
                SELECT w.code,
                       count(*) FILTER (WHERE a.requested_at >= $2 AND a.requested_at < $3)::int AS requests,
                       count(*) FILTER (WHERE lower(a.slot) >= $2 AND lower(a.slot) < $3 AND a.late_cancellation)::int AS late,
                       count(*) FILTER (WHERE lower(a.slot) >= $2 AND lower(a.slot) < $3 AND a.status = 'no_show')::int AS no_shows,
                       count(*) FILTER (WHERE lower(a.slot) >= $2 AND lower(a.slot) < $3 AND a.status = 'completed')::int AS completed
                FROM appointments a JOIN service_windows w ON w.site_id = a.site_id AND w.id = a.window_id
                WHERE a.site_id = $1 AND ((a.requested_at >= $2 AND a.requested_at < $3) OR (lower(a.slot) >= $2 AND lower(a.slot) < $3))
                GROUP BY w.code
                """, [site, start, end]),
        ]
    }

    static func decode(_ results: [PostgresRows], month: String, timezone: String) throws -> AppointmentStatistics {
        let requested = results[0][0], taking = results[2][0]
        var reasons: [String: Int] = [:]
        for row in results[1] { reasons[try row.decodeIfPresent("key", as: String.self) ?? "", default: 0] += try row.decode("n") }
        var byWindow: [String: AppointmentStatistics.WindowFigures] = [:]
        for row in results[3] {
            byWindow[try row.decode("code")] = .init(requests: try row.decode("requests"), lateCancellationsByCenter: try row.decode("late"),
                                                      noShows: try row.decode("no_shows"), completed: try row.decode("completed"))
        }
        return AppointmentStatistics(
            month: month, timezone: timezone, requests: try requested.decode("requests"),
            answeredInTime: .init(try requested.decode("answered_in_time"), try requested.decode("answer_due")),
            refusals: try requested.decode("refusals"), refusalReasons: reasons,
            lateCancellationsByCenter: try taking.decode("late"), noShows: try taking.decode("no_shows"),
            completion: .init(try taking.decode("completed"), try taking.decode("due")),
            satisfaction: .init(try taking.decode("satisfied"), try taking.decode("rated")), byWindow: byWindow)
    }
}
