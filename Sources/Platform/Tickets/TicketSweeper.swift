import Domain
import Foundation
import Logging
import Postgres
import ServiceLifecycle

/// The background job that marks missed ticket deadlines: first feedback, promised reply
/// times, resolution and sampled (or owed) follow-ups. Each mark is set once and written on the ticket's timeline once.
///
/// Safe with several servers: each batch locks its tickets with `FOR UPDATE SKIP LOCKED`, and
/// a mark is only set where it is still empty.
public struct TicketSweeper: Service {
    let database: PlatformDatabase
    let clock: PlatformClock
    let interval: Duration
    let logger: Logger

    public init(database: PlatformDatabase, clock: PlatformClock, interval: Duration, logger: Logger) {
        self.database = database
        self.clock = clock
        self.interval = interval
        self.logger = logger
    }

    static let batchSize = 500

    /// One kind of deadline: the column it fills, the condition, and the timeline action.
    struct Deadline: Sendable {
        var mark: String
        var due: String
        var pending: String
        var action: String
        var note: String
    }

    static let deadlines = [
        Deadline(mark: "feedback_breached_at", due: "feedback_due_at", pending: "first_feedback_at IS NULL",
                 action: "sla.feedback_breached", note: "no feedback to the reporter by the deadline"),
        Deadline(mark: "reply_breached_at", due: "promised_reply_at", pending: "reply_given_at IS NULL",
                 action: "sla.reply_breached", note: "no reply to the reporter by the time promised"),
        Deadline(mark: "resolution_breached_at", due: "resolve_due_at", pending: "resolved_at IS NULL",
                 action: "sla.resolution_breached", note: "not resolved by the target time"),
        Deadline(mark: "follow_up_overdue_at", due: "follow_up_due_at", pending: "follow_up_sampled AND followed_up_at IS NULL",
                 action: "follow_up.overdue", note: "sampled for a follow-up that was not made in its window"),
    ]

    public func run() async throws {
        await runPeriodically(every: interval, logger: logger, job: "ticket deadline sweep") { [self] in try await sweep(now: clock.now()) }
    }

    /// Marks every deadline missed by `now` at every active site; returns how many marks were set.
    @discardableResult
    public func sweep(now: Date) async throws -> Int {
        let sites = try await database.pipeline(.operations, [PostgresStatement("SELECT id FROM sites WHERE status = 'active' ORDER BY code")])[0]
            .map { try $0.decode("id", as: UUID.self) }
        var marked = 0
        for site in sites {
            let scope = AccessScope(sites: .only([site]), role: "system")
            while true {
                let counts = try await database.pipeline(scope, Self.deadlines.map { Self.mark($0, site: site, now: now) })
                let batch = try counts.reduce(0) { $0 + (try $1.first?.decode("n", as: Int.self) ?? 0) }
                marked += batch
                if batch < Self.batchSize { break }
            }
        }
        return marked
    }

    static func mark(_ deadline: Deadline, site: UUID, now: Date) -> PostgresStatement {
        PostgresStatement(
            """
            WITH due AS (
                SELECT id FROM tickets
                WHERE site_id = $1 AND \(deadline.pending) AND \(deadline.mark) IS NULL AND \(deadline.due) < $2 AND status NOT IN ('closed', 'cancelled')
                ORDER BY \(deadline.due) LIMIT \(batchSize) FOR UPDATE SKIP LOCKED
            ), marked AS (
                UPDATE tickets t SET \(deadline.mark) = $2, version = t.version + 1, updated_at = $2
                FROM due WHERE t.site_id = $1 AND t.id = due.id
                RETURNING t.id, t.version, t.status, t.\(deadline.due) AS due_at, t.received_at
            ), events AS (
                INSERT INTO ticket_events (site_id, ticket_id, seq, at, action, from_status, to_status, actor_id, actor_role, note, detail)
                SELECT $1, id, version, $2, '\(deadline.action)', status, status, NULL, 'system', '\(deadline.note)',
                       jsonb_build_object('dueAt', to_char(due_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'))
                FROM marked
            ), queued AS (
                \(ReportQueue.cte(site: "$1", rows: "marked", instants: ["marked.received_at", "$2"]))
            )
            SELECT count(*)::int AS n FROM marked
            """, [site, now])
    }
}
