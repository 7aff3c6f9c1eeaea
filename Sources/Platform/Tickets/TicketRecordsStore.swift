import Domain
import Foundation
import Postgres

/// The records kept about tickets in PostgreSQL: the suggestion registers and the quarterly
/// archive of complaint and follow-up records (`ticket_archives`). Every statement filters
/// `site_id` explicitly as well as through row-level security.
enum TicketRecordsStore {
    /// The suggestions received in `[start, end)`, cancelled ones left out, with their department.
    static func suggestions(site: UUID, start: Date, end: Date) -> PostgresStatement {
        PostgresStatement(
            """
            SELECT t.id, t.number, t.received_at, t.reporter_name, t.reporter_phone, t.reporter_unit, t.description, t.department_id,
                   d.code AS department_code, d.name AS department_name, t.status, t.suggestion_adopted, t.reply,
                   CASE WHEN t.suggestion_adopted IS NOT NULL THEN t.closed_at END AS answered_at
            FROM tickets t LEFT JOIN departments d ON d.site_id = t.site_id AND d.id = t.department_id
            WHERE t.site_id = $1 AND t.category = 'suggestion' AND t.status <> 'cancelled' AND t.received_at >= $2 AND t.received_at < $3
            ORDER BY t.received_at, t.number
            """, [site, start, end])
    }

    static func decodeSuggestion(_ row: PostgresRow) throws -> SuggestionEntry {
        let status: String = try row.decode("status")
        let description: String = try row.decode("description")
        return SuggestionEntry(
            id: try row.decode("id"), number: try row.decode("number"), receivedAt: try row.decode("received_at"),
            reporter: TicketReporter(name: try row.decodeIfPresent("reporter_name"), phone: try row.decodeIfPresent("reporter_phone"),
                                     unit: try row.decodeIfPresent("reporter_unit")),
            summary: SuggestionRegister.summary(description), departmentId: try row.decodeIfPresent("department_id"),
            departmentCode: try row.decodeIfPresent("department_code"), departmentName: try row.decodeIfPresent("department_name"),
            status: TicketStatus(rawValue: status) ?? .received, adopted: try row.decodeIfPresent("suggestion_adopted"),
            answeredAt: try row.decodeIfPresent("answered_at"), reply: try row.decodeIfPresent("reply"))
    }

    /// The tickets a quarter files (columns of `table`, parameters $1 site, $2–$3 the quarter):
    /// received in it, and either complaints (every one, however it ended) or tickets with a
    /// follow-up record (回访记录).
    static func archived(_ table: String) -> String {
        """
        \(table).site_id = $1 AND \(table).received_at >= $2 AND \(table).received_at < $3
          AND (\(table).category = 'complaint'
               OR EXISTS (SELECT 1 FROM ticket_follow_ups x WHERE x.site_id = \(table).site_id AND x.ticket_id = \(table).id))
        """
    }

    /// The quarter's tickets, their follow-up records, and the site's departments (for names).
    static func archive(site: UUID, start: Date, end: Date) -> [PostgresStatement] {
        [
            PostgresStatement("SELECT \(TicketStore.columns) FROM tickets WHERE \(archived("tickets")) ORDER BY received_at, number", [site, start, end]),
            PostgresStatement(
                """
                SELECT f.ticket_id, f.id, f.at, f.method, f.satisfaction, f.rating, f.comments, f.recorded_by, f.confirmed_by
                FROM ticket_follow_ups f JOIN tickets t ON t.site_id = f.site_id AND t.id = f.ticket_id
                WHERE \(archived("t")) ORDER BY f.at, f.id
                """, [site, start, end]),
            PostgresStatement("SELECT id, code, name FROM departments WHERE site_id = $1 ORDER BY code", [site]),
        ]
    }

    /// How many tickets (`tickets`) and follow-up records (`follow_ups`) the quarter files.
    static func archiveCounts(site: UUID, start: Date, end: Date) -> PostgresStatement {
        PostgresStatement(
            """
            SELECT (SELECT count(*) FROM tickets t WHERE \(archived("t")))::int AS tickets,
                   (SELECT count(*) FROM ticket_follow_ups f JOIN tickets t ON t.site_id = f.site_id AND t.id = f.ticket_id
                    WHERE \(archived("t")))::int AS follow_ups
            """, [site, start, end])
    }

    static let filingColumns = "quarter, first_day, last_day, due_on, filed_at, filed_by, tickets, follow_ups, late"

    /// The quarter's filing, if recorded.
    static func filing(site: UUID, quarter: String) -> PostgresStatement {
        PostgresStatement("SELECT \(filingColumns) FROM ticket_archives WHERE site_id = $1 AND quarter = $2", [site, quarter])
    }

    static func insertFiling(site: UUID, quarter: TicketQuarter, filedAt: Date, filedBy: UUID?, tickets: Int, followUps: Int, late: Bool) -> PostgresStatement {
        PostgresStatement(
            """
            INSERT INTO ticket_archives (site_id, quarter, first_day, last_day, due_on, filed_at, filed_by, tickets, follow_ups, late)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
            RETURNING \(filingColumns)
            """, [site, quarter.description, quarter.first, quarter.last, quarter.filingDueOn, filedAt, filedBy, tickets, followUps, late])
    }

    static func decodeFiling(_ row: PostgresRow) throws -> TicketArchiveFiling {
        TicketArchiveFiling(
            quarter: try row.decode("quarter"), from: try row.decode("first_day"), through: try row.decode("last_day"), dueOn: try row.decode("due_on"),
            filedAt: try row.decode("filed_at"), filedBy: try row.decodeIfPresent("filed_by"), tickets: try row.decode("tickets"),
            followUps: try row.decode("follow_ups"), late: try row.decode("late"))
    }
}
