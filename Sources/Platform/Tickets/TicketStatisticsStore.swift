import Domain
import Foundation
import Postgres

/// Monthly ticket statistics of one site (月度统计). Cancelled tickets are left out — they
/// record contacts withdrawn or entered by mistake, not service given — except complaints:
/// every complaint counts (一切投诉事件), a withdrawn one as received and as `withdrawn`.
enum TicketStatisticsStore {
    /// The tickets a month counts (columns of `table`, or unqualified): received in it, not
    /// cancelled unless a complaint.
    static func counted(_ table: String = "") -> String {
        let t = table.isEmpty ? "" : table + "."
        return "\(t)site_id = $1 AND \(t)received_at >= $2 AND \(t)received_at < $3 AND (\(t)status <> 'cancelled' OR \(t)category = 'complaint')"
    }

    /// The month `YYYY-MM` as an instant range in the site's timezone.
    static func monthRange(_ text: String, timeZone: TimeZone) throws -> (first: CalendarDate, start: Date, end: Date) {
        guard let first = CalendarDate.month(text) else {
            throw DomainError.invalid(field: "month", code: "request.invalid_value", message: "month is YYYY-MM, e.g. 2026-11")
        }
        let (start, end) = WorkingCalendar.span(first, through: .lastDay(ofMonth: first.month, year: first.year), in: timeZone)
        return (first, start, end)
    }

    static func statements(site: UUID, first: CalendarDate, start: Date, end: Date, now: Date) -> [PostgresStatement] {
        let received = counted()
        return [
            PostgresStatement("SELECT category AS key, count(*)::int AS n FROM tickets WHERE \(received) GROUP BY 1", [site, start, end]),
            PostgresStatement(
                "SELECT coalesce(cause_class::text, 'unclassified') AS key, count(*)::int AS n FROM tickets WHERE \(received) AND category = 'complaint' GROUP BY 1",
                [site, start, end]),
            PostgresStatement(
                """
                SELECT coalesce(d.code, 'undispatched') AS key, count(*)::int AS n
                FROM tickets t LEFT JOIN departments d ON d.site_id = t.site_id AND d.id = t.department_id
                WHERE \(counted("t")) GROUP BY 1
                """, [site, start, end]),
            PostgresStatement("SELECT channel AS key, count(*)::int AS n FROM tickets WHERE \(received) GROUP BY 1", [site, start, end]),
            PostgresStatement(
                """
                SELECT count(*)::int AS received,
                       count(*) FILTER (WHERE status <> 'cancelled' AND (first_feedback_at IS NOT NULL OR feedback_due_at <= $4))::int AS feedback_due,
                       count(*) FILTER (WHERE status <> 'cancelled' AND first_feedback_at <= feedback_due_at)::int AS feedback_on_time,
                       count(*) FILTER (WHERE status <> 'cancelled' AND resolve_due_at IS NOT NULL AND (resolved_at IS NOT NULL OR resolve_due_at <= $4))::int AS resolution_due,
                       count(*) FILTER (WHERE status <> 'cancelled' AND resolved_at <= resolve_due_at)::int AS resolution_on_time,
                       count(*) FILTER (WHERE category = 'complaint' AND cancelled_at IS NOT NULL)::int AS withdrawn,
                       count(*) FILTER (WHERE category = 'complaint' AND cancelled_at IS NOT NULL AND withdrawn_in_writing IS NOT TRUE)::int AS withdrawn_owed,
                       count(*) FILTER (WHERE category = 'complaint' AND cancelled_at IS NOT NULL AND withdrawn_in_writing IS NOT TRUE
                                          AND followed_up_at IS NOT NULL)::int AS withdrawn_followed_up,
                       count(*) FILTER (WHERE status <> 'cancelled' AND promised_reply_at IS NOT NULL)::int AS replies_promised,
                       count(*) FILTER (WHERE status <> 'cancelled' AND promised_reply_at IS NOT NULL
                                          AND (reply_given_at IS NOT NULL OR promised_reply_at <= $4))::int AS reply_due,
                       count(*) FILTER (WHERE status <> 'cancelled' AND reply_given_at <= promised_reply_at)::int AS reply_on_time
                FROM tickets WHERE \(received)
                """, [site, start, end, now]),
            PostgresStatement(
                """
                SELECT c.follow_up_class, c.resolved,
                       count(t.id) FILTER (WHERE t.follow_up_sampled)::int AS sampled,
                       count(t.id) FILTER (WHERE t.follow_up_sampled AND EXISTS (
                           SELECT 1 FROM ticket_follow_ups f WHERE f.site_id = t.site_id AND f.ticket_id = t.id))::int AS followed_up
                FROM ticket_follow_up_counters c
                LEFT JOIN tickets t ON t.site_id = c.site_id AND t.follow_up_month = c.month AND t.follow_up_class = c.follow_up_class
                WHERE c.site_id = $1 AND c.month = $2
                GROUP BY c.follow_up_class, c.resolved ORDER BY c.follow_up_class
                """, [site, first]),
            PostgresStatement(
                """
                SELECT count(*)::int AS total, count(*) FILTER (WHERE rating <> 'unsatisfied')::int AS satisfied
                FROM ticket_follow_ups WHERE site_id = $1 AND at >= $2 AND at < $3
                """, [site, start, end]),
            PostgresStatement(
                """
                SELECT count(*) FILTER (WHERE kind = 'repeat')::int AS repeats, count(*) FILTER (WHERE kind = 'reopened')::int AS reopened
                FROM ticket_nonconformities WHERE site_id = $1 AND detected_at >= $2 AND detected_at < $3
                """, [site, start, end]),
        ]
    }

    static func decode(_ results: [PostgresRows], month: String, timezone: String, policy: TicketPolicy) throws -> TicketStatistics {
        func counts(_ rows: PostgresRows) throws -> [String: Int] {
            var counts: [String: Int] = [:]
            for row in rows { counts[try row.decode("key")] = try row.decode("n") }
            return counts
        }
        let rates = results[4][0]
        let followUp = try results[5].compactMap { row -> TicketStatistics.FollowUpCoverage? in
            guard let kind = FollowUpClass(rawValue: try row.decode("follow_up_class")) else { return nil }
            let perMille = policy.followUp[kind]?.perMille ?? 0
            let resolved: Int = try row.decode("resolved")
            let required = FollowUpSampling.required(resolved: resolved, perMille: perMille)
            let followedUp: Int = try row.decode("followed_up")
            return .init(followUpClass: kind, quota: Double(perMille) / 1000, resolved: resolved, required: required, sampled: try row.decode("sampled"),
                         followedUp: followedUp, coverage: required == 0 ? nil : (Double(followedUp) / Double(required) * 10_000).rounded() / 10_000)
        }
        return TicketStatistics(
            month: month, timezone: timezone, received: try rates.decode("received"), byCategory: try counts(results[0]), byCauseClass: try counts(results[1]),
            byDepartment: try counts(results[2]), byChannel: try counts(results[3]),
            onTimeFeedback: .init(try rates.decode("feedback_on_time"), try rates.decode("feedback_due")),
            onTimeResolution: .init(try rates.decode("resolution_on_time"), try rates.decode("resolution_due")),
            followUp: followUp,
            satisfaction: .init(try results[6][0].decode("satisfied"), try results[6][0].decode("total")),
            repeats: try results[7][0].decode("repeats"), reopened: try results[7][0].decode("reopened"),
            withdrawn: try rates.decode("withdrawn"),
            withdrawnFollowUp: .init(try rates.decode("withdrawn_followed_up"), try rates.decode("withdrawn_owed")),
            repliesPromised: try rates.decode("replies_promised"),
            onTimeReply: .init(try rates.decode("reply_on_time"), try rates.decode("reply_due")))
    }
}
