import Domain
import Foundation
import Postgres

/// Queues a site's months for the report rollup (`ReportRollup`), in the transaction of the
/// change that moves their figures: a change that commits has queued its months, one that
/// rolls back has not. Each change appends its own rows (never an upsert), so no change
/// waits on another or on the job.
enum ReportQueue {
    /// The body of a data-modifying CTE: for each row of `rows`, the site-local months of
    /// the `instants` (SQL over the rows' columns or the statement's parameters).
    static func cte(site: String, rows: String, instants: [String]) -> String {
        let values = instants.map { "((\($0))::timestamptz)" }.joined(separator: ", ")
        return """
            INSERT INTO report_refresh_queue (site_id, month)
            SELECT DISTINCT \(site)::uuid, app.site_month(\(site)::uuid, q.at) FROM \(rows), LATERAL (VALUES \(values)) AS q(at)
            WHERE q.at IS NOT NULL
            """
    }

    /// Queues the site-local month of `instant`.
    static func month(site: UUID, containing instant: Date) -> PostgresStatement {
        PostgresStatement(
            "INSERT INTO report_refresh_queue (site_id, month) VALUES ($1, app.site_month($1, $2))", [site, instant])
    }

    /// Queues the month of a calendar day.
    static func month(site: UUID, of day: CalendarDate) -> PostgresStatement {
        PostgresStatement(
            "INSERT INTO report_refresh_queue (site_id, month) VALUES ($1, date_trunc('month', $2::date)::date)", [site, day])
    }
}
