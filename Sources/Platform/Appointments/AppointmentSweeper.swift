import Domain
import Foundation
import Logging
import Postgres
import ServiceLifecycle

/// The background job of bookings: flags requests not answered within their deadline (once,
/// on the timeline) and marks as `no_show`, which frees their place, what `NoShowRule` calls
/// the applicant's no-show: a confirmed window booking with no check-in 30 minutes after the
/// start, a confirmed home visit only once staff have also recorded that they could not reach
/// the applicant (`contact-failed`). A home visit without that record stays confirmed and shows
/// `needsAction`. Batches are claimed with `FOR UPDATE SKIP LOCKED`, so several servers may run it.
public struct AppointmentSweeper: Service {
    let database: PlatformDatabase
    let clock: PlatformClock
    let interval: Duration
    let logger: Logger
    static let batchSize = 500

    public init(database: PlatformDatabase, clock: PlatformClock, interval: Duration, logger: Logger) {
        self.database = database
        self.clock = clock
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        await runPeriodically(every: interval, logger: logger, job: "appointment sweep") { [self] in try await sweep(now: clock.now()) }
    }

    /// Marks what is due at `now` at every active site; returns how many bookings changed.
    @discardableResult
    public func sweep(now: Date) async throws -> Int {
        let sites = try await database.pipeline(.operations, [PostgresStatement(
            "SELECT s.id, coalesce((SELECT value::text FROM site_policies p WHERE p.site_id = s.id AND p.key = 'appointments.no_show_minutes'), '30') AS minutes FROM sites s WHERE s.status = 'active' ORDER BY s.code")])[0]
        var marked = 0
        for row in sites {
            let site: UUID = try row.decode("id")
            // Read as the booking rules read it (NoShowRule.verdict): one reading of the policy.
            let minutes = AppointmentPolicy(policies: ["appointments.no_show_minutes": try row.decode("minutes", as: String.self)]).noShowMinutes
            let scope = AccessScope(sites: .only([site]), role: "system")
            while true {
                let counts = try await database.pipeline(scope, [Self.overdue(site: site, now: now), Self.noShows(site: site, now: now, minutes: minutes)])
                let batch = try counts.reduce(0) { $0 + (try $1.first?.decode("n", as: Int.self) ?? 0) }
                marked += batch
                if batch < Self.batchSize { break }
            }
        }
        return marked
    }

    static func overdue(site: UUID, now: Date) -> PostgresStatement {
        PostgresStatement(
            """
            WITH due AS (
                SELECT id FROM appointments WHERE site_id = $1 AND status = 'requested' AND confirm_overdue_at IS NULL AND confirm_due_at < $2
                ORDER BY confirm_due_at LIMIT \(batchSize) FOR UPDATE SKIP LOCKED
            ), marked AS (
                UPDATE appointments a SET confirm_overdue_at = $2, version = a.version + 1, updated_at = $2
                FROM due WHERE a.site_id = $1 AND a.id = due.id RETURNING a.id, a.version, a.status, a.requested_at, a.slot
            ), events AS (
                INSERT INTO appointment_events (site_id, appointment_id, seq, at, action, from_status, to_status, actor_role, note)
                SELECT $1, id, version, $2, 'confirmation.overdue', status, status, 'system', 'not confirmed or refused within the deadline' FROM marked
            ), queued AS (
                \(ReportQueue.cte(site: "$1", rows: "marked", instants: ["marked.requested_at", "lower(marked.slot)", "$2"]))
            )
            SELECT count(*)::int AS n FROM marked
            """, [site, now])
    }

    static func noShows(site: UUID, now: Date, minutes: Int) -> PostgresStatement {
        PostgresStatement(
            """
            WITH due AS (
                SELECT id FROM appointments WHERE site_id = $1 AND status = 'confirmed' AND lower(slot) < $2::timestamptz - make_interval(mins => $3)
                  AND (NOT home_visit OR contact_failed_at IS NOT NULL)
                ORDER BY lower(slot) LIMIT \(batchSize) FOR UPDATE SKIP LOCKED
            ), marked AS (
                UPDATE appointments a SET status = 'no_show', no_show_at = $2, version = a.version + 1, updated_at = $2
                FROM due WHERE a.site_id = $1 AND a.id = due.id RETURNING a.id, a.version, a.requested_at, a.slot, a.home_visit
            ), events AS (
                INSERT INTO appointment_events (site_id, appointment_id, seq, at, action, from_status, to_status, actor_role, note)
                SELECT $1, id, version, $2, 'no_show', 'confirmed', 'no_show', 'system',
                       CASE WHEN home_visit THEN 'no check-in within the grace period and the applicant could not be reached: treated as given up'
                            ELSE 'no check-in within the grace period: treated as given up' END
                FROM marked
            ), queued AS (
                \(ReportQueue.cte(site: "$1", rows: "marked", instants: ["marked.requested_at", "lower(marked.slot)", "$2"]))
            )
            SELECT count(*)::int AS n FROM marked
            """, [site, now, minutes])
    }
}
