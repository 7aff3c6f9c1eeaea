import Domain
import Foundation
import Logging
import Postgres
import ServiceLifecycle

/// The background job that keeps `site_month_figures` and `site_current_figures`: it takes
/// each site's queued months (`ReportQueue`), recomputes them from the source tables with the
/// same queries as the site's monthly statistics, and removes the queue rows it read, all in
/// one transaction per site. A failed refresh leaves the months queued for the next run.
///
/// Safe with several servers: a site's queue rows are taken with `FOR UPDATE SKIP LOCKED`;
/// changes only ever append rows, so they never wait on the job.
/// Figures that move with time alone (due counts, overdue tickets) move when the deadline
/// sweepers mark a breach, which queues the month; besides, a site's current month is
/// queued again when its figures are older than `staleAfter`.
public struct ReportRollup: Service {
    let database: PlatformDatabase
    let rulebook: SiteRulebook
    let clock: PlatformClock
    let interval: Duration
    let logger: Logger

    static let staleAfter: TimeInterval = 3600

    public init(database: PlatformDatabase, clock: PlatformClock, interval: Duration, logger: Logger) {
        self.init(database: database, rulebook: SiteRulebook(database: database), clock: clock, interval: interval, logger: logger)
    }

    init(database: PlatformDatabase, rulebook: SiteRulebook, clock: PlatformClock, interval: Duration, logger: Logger) {
        self.database = database
        self.rulebook = rulebook
        self.clock = clock
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        await runPeriodically(every: interval, logger: logger, job: "report rollup") { [self] in try await refresh(now: clock.now()) }
    }

    /// Recomputes every queued month of every site; returns how many site-months it wrote.
    /// `progress` hears (sites done, sites queued) after each site.
    @discardableResult
    public func refresh(now: Date, progress: (@Sendable (Int, Int) -> Void)? = nil) async throws -> Int {
        let sites = try await database.pipeline(.operations, [
            PostgresStatement(
                """
                INSERT INTO report_refresh_queue (site_id, month)
                SELECT f.site_id, f.month FROM site_month_figures f
                WHERE f.month = app.site_month(f.site_id, $1) AND f.computed_at < $1::timestamptz - make_interval(secs => $2)
                  AND NOT EXISTS (SELECT 1 FROM report_refresh_queue q WHERE q.site_id = f.site_id AND q.month = f.month)
                """, [now, Self.staleAfter]),
            PostgresStatement("SELECT \(SiteStore.columns) FROM sites WHERE id IN (SELECT site_id FROM report_refresh_queue) ORDER BY code"),
        ])[1].map(SiteStore.decode)
        var written = 0
        for (index, site) in sites.enumerated() {
            written += try await refresh(site, now: now)
            progress?(index + 1, sites.count)
        }
        return written
    }

    /// Recomputes the queued months of one site and its current figures.
    func refresh(_ site: Site, now: Date) async throws -> Int {
        let rules = try await rulebook.rules(for: site)
        let scope = AccessScope(sites: .only([site.id]), role: "system")
        return try await database.transaction(scope) { connection -> Int in
            // The rows read now are the ones removed at the end: a change committed while the
            // months are recomputed leaves its own row for the next run.
            let queued = try await connection.query(
                "SELECT seq, month FROM report_refresh_queue WHERE site_id = $1 ORDER BY seq FOR UPDATE SKIP LOCKED", [site.id])
            let seqs = try queued.map { try $0.decode("seq", as: Int64.self) }
            let months = Array(Set(try queued.map { try $0.decode("month", as: CalendarDate.self) })).sorted()
            guard !months.isEmpty else { return 0 }
            for first in months {
                let figures = try await Self.figures(connection, site: site, rules: rules, month: first, now: now)
                try await connection.query(Self.upsert, [site.id, first, now] + MonthFigures.columns.map { figures[$0] ?? 0 })
            }
            let current = try await connection.pipeline([
                PostgresStatement(
                    """
                    SELECT count(*)::int AS open, count(*) FILTER (WHERE \(TicketStore.overdueCondition("$2")))::int AS overdue
                    FROM tickets WHERE site_id = $1 AND status NOT IN ('closed', 'cancelled')
                    """, [site.id, now]),
                PostgresStatement(
                    "SELECT count(*)::int AS n FROM ticket_nonconformities WHERE site_id = $1 AND kind = 'repeat' AND closed_at IS NULL", [site.id]),
            ])
            try await connection.query(
                """
                INSERT INTO site_current_figures (site_id, open_tickets, overdue_tickets, open_repeat_nonconformities, computed_at) VALUES ($1, $2, $3, $4, $5)
                ON CONFLICT (site_id) DO UPDATE SET open_tickets = EXCLUDED.open_tickets, overdue_tickets = EXCLUDED.overdue_tickets,
                    open_repeat_nonconformities = EXCLUDED.open_repeat_nonconformities, computed_at = EXCLUDED.computed_at
                """,
                [site.id, try current[0][0].decode("open", as: Int.self), try current[0][0].decode("overdue", as: Int.self),
                 try current[1][0].decode("n", as: Int.self), now])
            try await connection.query("DELETE FROM report_refresh_queue WHERE site_id = $1 AND seq = ANY($2)", [site.id, seqs])
            return months.count
        }
    }

    static let upsert = """
        INSERT INTO site_month_figures (site_id, month, computed_at, \(MonthFigures.columns.joined(separator: ", ")))
        VALUES ($1, $2, $3, \(MonthFigures.columns.indices.map { "$\($0 + 4)" }.joined(separator: ", ")))
        ON CONFLICT (site_id, month) DO UPDATE SET computed_at = EXCLUDED.computed_at, \(MonthFigures.columns.map { "\($0) = EXCLUDED.\($0)" }.joined(separator: ", "))
        """

    /// The counters of one site and month: the site's monthly ticket and appointment
    /// statistics (the same queries as `…/tickets/stats` and `…/appointments/stats`) and its
    /// published assessment results of cycles ending that month.
    static func figures(_ connection: isolated PostgresConnection, site: Site, rules: SiteRulebook.Rules, month first: CalendarDate, now: Date) async throws -> [String: Int] {
        let (start, end) = WorkingCalendar.span(first, through: .lastDay(ofMonth: first.month, year: first.year), in: rules.timeZone)
        let ticketStatements = TicketStatisticsStore.statements(site: site.id, first: first, start: start, end: end, now: now)
        let appointmentStatements = AppointmentStatisticsStore.statements(site: site.id, start: start, end: end, now: now)
        let results = try await connection.pipeline(ticketStatements + appointmentStatements + [
            PostgresStatement(
                """
                SELECT count(*)::int AS n, coalesce(round(sum(r.total) * 100), 0)::bigint AS centi
                FROM assessment_results r JOIN assessment_cycles c ON c.site_id = r.site_id AND c.id = r.cycle_id
                WHERE c.site_id = $1 AND c.status = 'published' AND c.ends_on >= $2 AND c.ends_on <= $3
                """, [site.id, first, CalendarDate.lastDay(ofMonth: first.month, year: first.year)]),
        ])
        let label = first.monthLabel
        let tickets = try TicketStatisticsStore.decode(Array(results[0..<ticketStatements.count]), month: label, timezone: site.timezone, policy: rules.tickets)
        let appointments = try AppointmentStatisticsStore.decode(
            Array(results[ticketStatements.count..<(ticketStatements.count + appointmentStatements.count)]), month: label, timezone: site.timezone)
        let scores = results[results.count - 1][0]
        return MonthFigures.counters(tickets: tickets, appointments: appointments, scoredResults: try scores.decode("n"), scoreCentiSum: try scores.decode("centi"))
    }
}
