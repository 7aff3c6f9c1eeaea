import Domain
import Foundation
import Postgres

/// Service items, windows and bookings in PostgreSQL. Every statement filters `site_id`
/// explicitly as well as through row-level security.
enum AppointmentStore {
    // MARK: Items

    static let itemColumns = "id, code, name, department_id, duration_minutes, capacity_per_slot, documents, home_visit_allowed, post_id, active, version, created_at, updated_at"

    static func decodeItem(_ row: PostgresRow) throws -> ServiceItem {
        ServiceItem(
            id: try row.decode("id"), code: try row.decode("code"), name: try row.decode("name"), departmentId: try row.decode("department_id"),
            durationMinutes: try row.decode("duration_minutes"), capacityPerSlot: try row.decode("capacity_per_slot"),
            documents: try row.decode("documents"), homeVisitAllowed: try row.decode("home_visit_allowed"), postId: try row.decodeIfPresent("post_id"),
            active: try row.decode("active"),
            version: try row.decode("version"), createdAt: try row.decode("created_at"), updatedAt: try row.decode("updated_at"))
    }

    static func items(site: UUID, after: [String]?, limit: Int) -> PostgresStatement {
        PostgresStatement(
            "SELECT \(itemColumns) FROM service_items WHERE site_id = $1 AND ($2::text IS NULL OR code > $2) ORDER BY code LIMIT $3",
            [site, after?.first, limit + 1])
    }

    static func item(site: UUID, id: UUID, forUpdate: Bool = false) -> PostgresStatement {
        PostgresStatement("SELECT \(itemColumns) FROM service_items WHERE site_id = $1 AND id = $2\(forUpdate ? " FOR UPDATE" : "")", [site, id])
    }

    static func insertItem(site: UUID, _ item: NewServiceItem) -> PostgresStatement {
        PostgresStatement(
            """
            INSERT INTO service_items (site_id, code, name, department_id, duration_minutes, capacity_per_slot, documents, home_visit_allowed, post_id)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING \(itemColumns)
            """,
            [site, item.code, item.name, item.departmentId, item.durationMinutes, item.capacityPerSlot ?? 1, item.documents ?? [], item.homeVisitAllowed ?? false, item.postId])
    }

    static func updateItem(site: UUID, _ item: ServiceItem, expectedVersion: Int) -> PostgresStatement {
        PostgresStatement(
            """
            UPDATE service_items SET name = $3, duration_minutes = $4, capacity_per_slot = $5, documents = $6, home_visit_allowed = $7, active = $8,
                post_id = $10, version = version + 1, updated_at = now()
            WHERE site_id = $1 AND id = $2 AND version = $9 RETURNING \(itemColumns)
            """,
            [site, item.id, item.name, item.durationMinutes, item.capacityPerSlot, item.documents, item.homeVisitAllowed, item.active, expectedVersion, item.postId])
    }

    // MARK: Windows

    static let windowColumns = """
        w.id, w.code, w.name, w.kind, w.department_id, c.code AS calendar, w.item_ids, w.active, w.version, w.created_at, w.updated_at
        """
    /// Windows (`source`: the table, or the rows a `WITH` just wrote) with their calendar's code.
    static func windowFrom(_ source: String = "service_windows") -> String {
        "\(source) w JOIN working_calendars c ON c.site_id = w.site_id AND c.id = w.calendar_id"
    }

    static func decodeWindow(_ row: PostgresRow) throws -> ServiceWindow {
        ServiceWindow(
            id: try row.decode("id"), code: try row.decode("code"), name: try row.decode("name"), kind: try row.decode("kind"),
            departmentId: try row.decode("department_id"), calendar: try row.decode("calendar"), itemIds: try row.decode("item_ids"),
            active: try row.decode("active"), version: try row.decode("version"), createdAt: try row.decode("created_at"), updatedAt: try row.decode("updated_at"))
    }

    static func windows(site: UUID, item: UUID?, after: [String]?, limit: Int) -> PostgresStatement {
        PostgresStatement(
            """
            SELECT \(windowColumns) FROM \(windowFrom())
            WHERE w.site_id = $1 AND ($2::uuid IS NULL OR w.item_ids @> ARRAY[$2::uuid]) AND ($3::text IS NULL OR w.code > $3)
            ORDER BY w.code LIMIT $4
            """, [site, item, after?.first, limit + 1])
    }

    static func window(site: UUID, id: UUID) -> PostgresStatement {
        PostgresStatement("SELECT \(windowColumns) FROM \(windowFrom()) WHERE w.site_id = $1 AND w.id = $2", [site, id])
    }

    /// The open windows serving `item`, by code; only `window` when one is named.
    static func openWindows(site: UUID, item: UUID, only window: UUID? = nil) -> PostgresStatement {
        PostgresStatement(
            "SELECT \(windowColumns) FROM \(windowFrom()) WHERE w.site_id = $1 AND w.active AND w.item_ids @> ARRAY[$2::uuid] AND ($3::uuid IS NULL OR w.id = $3) ORDER BY w.code",
            [site, item, window])
    }

    /// Checks what a window refers to: its department, its calendar (by code; the default
    /// when nil) and its items, all at this site. Returns the calendar id.
    static func checkWindowReferences(
        _ connection: isolated PostgresConnection, site: UUID, department: UUID?, calendar: String?, items: [UUID]?, post: UUID? = nil
    ) async throws -> UUID {
        let row = try await connection.query(
            """
            SELECT (SELECT active FROM departments WHERE site_id = $1 AND id = $2) AS department_active,
                   (SELECT id FROM working_calendars WHERE site_id = $1 AND (code = $3 OR ($3 IS NULL AND is_default))) AS calendar_id,
                   (SELECT count(*)::int FROM service_items WHERE site_id = $1 AND id = ANY($4::uuid[])) AS known_items,
                   (SELECT active FROM posts WHERE site_id = $1 AND id = $5) AS post_active
            """, [site, department, calendar, items ?? [], post])[0]
        var errors: [DomainError.FieldError] = []
        if post != nil, try row.decodeIfPresent("post_active", as: Bool.self) != true {
            errors.append(.init(field: "postId", code: "appointment.unknown_post", message: "no active post with this id at this site"))
        }
        if department != nil, try row.decodeIfPresent("department_active", as: Bool.self) != true {
            errors.append(.init(field: "departmentId", code: "appointment.unknown_department", message: "no active department with this id at this site"))
        }
        let calendarID: UUID? = try row.decodeIfPresent("calendar_id")
        if calendarID == nil {
            errors.append(.init(field: "calendar", code: "appointment.unknown_calendar", message: "no calendar '\(calendar ?? "default")' at this site"))
        }
        if let items, try row.decode("known_items", as: Int.self) != Set(items).count {
            errors.append(.init(field: "itemIds", code: "appointment.unknown_item", message: "every item must be a service item of this site"))
        }
        try DomainError.check(errors)
        guard let calendarID else { throw DomainError.invalid(field: "calendar", code: "appointment.unknown_calendar", message: "no such calendar at this site") }
        return calendarID
    }

    static func insertWindow(site: UUID, _ window: NewServiceWindow, calendar: UUID) -> PostgresStatement {
        PostgresStatement(
            """
            WITH created AS (
                INSERT INTO service_windows (site_id, code, name, kind, department_id, calendar_id, item_ids)
                VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING *
            )
            SELECT \(windowColumns) FROM \(windowFrom("created"))
            """, [site, window.code, window.name, window.kind ?? "counter", window.departmentId, calendar, Array(Set(window.itemIds)).sorted { $0.uuidString < $1.uuidString }])
    }

    static func updateWindow(site: UUID, id: UUID, name: String, calendar: UUID, items: [UUID], active: Bool, expectedVersion: Int) -> PostgresStatement {
        PostgresStatement(
            """
            WITH changed AS (
                UPDATE service_windows SET name = $3, calendar_id = $4, item_ids = $5, active = $6, version = version + 1, updated_at = now()
                WHERE site_id = $1 AND id = $2 AND version = $7 RETURNING *
            )
            SELECT \(windowColumns) FROM \(windowFrom("changed"))
            """, [site, id, name, calendar, items, active, expectedVersion])
    }

    // MARK: Availability

    /// The places live bookings hold over `[start, end)` at the windows serving `item`.
    static func heldPlaces(site: UUID, item: UUID, start: Date, end: Date) -> PostgresStatement {
        PostgresStatement(
            """
            SELECT window_id, lower(slot) AS slot_start, upper(slot) AS slot_end FROM appointments
            WHERE site_id = $1 AND slot && tstzrange($2, $3) AND status IN ('requested', 'confirmed', 'checked_in', 'completed')
              AND window_id IN (SELECT id FROM service_windows WHERE site_id = $1 AND item_ids @> ARRAY[$4::uuid])
            """, [site, start, end, item])
    }

    static func decodeHeldPlace(_ row: PostgresRow) throws -> BookingRules.HeldPlace {
        BookingRules.HeldPlace(windowId: try row.decode("window_id"), start: try row.decode("slot_start"), end: try row.decode("slot_end"))
    }

    // MARK: Bookings

    static let columns = """
        a.id, a.item_id, a.window_id, lower(a.slot) AS slot_start, upper(a.slot) AS slot_end, a.seat, a.channel, a.status, a.applicant_name,
        a.applicant_phone, a.applicant_id_number, a.home_visit, a.home_visit_reason, a.address, a.assigned_staff_id, a.note, a.requested_at,
        a.confirm_due_at, a.confirmed_at, a.refused_at, a.refusal_reason, a.checked_in_at, a.completed_at, a.result, a.satisfaction, a.cancelled_at,
        a.cancel_reason, a.late_cancellation, a.no_show_at, a.reschedule_count, a.complaint_ticket_id, a.version, a.created_at, a.updated_at,
        a.contact_failed_at, a.contact_failed_note, a.late_reschedules,
        i.documents, i.post_id AS item_post_id, i.department_id AS item_department_id, w.department_id AS window_department_id
        """
    static let from = """
        appointments a JOIN service_items i ON i.site_id = a.site_id AND i.id = a.item_id
        JOIN service_windows w ON w.site_id = a.site_id AND w.id = a.window_id
        """

    /// A booking as the API shows it at `now`; `policy` decides whether a home visit past its
    /// grace period needs action (`NoShowRule`).
    static func decode(_ row: PostgresRow, timeZone: TimeZone, now: Date, policy: AppointmentPolicy) throws -> Appointment {
        let status = AppointmentStatus(rawValue: try row.decode("status")) ?? .requested
        let start: Date = try row.decode("slot_start")
        let end: Date = try row.decode("slot_end")
        let idNumber: String? = try row.decodeIfPresent("applicant_id_number")
        let confirmedAt: Date? = try row.decodeIfPresent("confirmed_at")
        let confirmDueAt: Date = try row.decode("confirm_due_at")
        let homeVisit: Bool = try row.decode("home_visit")
        var appointment = Appointment(
            id: try row.decode("id"), itemId: try row.decode("item_id"), windowId: try row.decode("window_id"), start: start, end: end,
            localStart: LocalTime.format(start, timeZone), localEnd: LocalTime.format(end, timeZone), timezone: timeZone.identifier,
            seat: try row.decode("seat"), channel: AppointmentChannel(rawValue: try row.decode("channel")) ?? .onSite, status: status,
            applicant: Applicant(name: try row.decode("applicant_name"), phone: try row.decode("applicant_phone"), idNumber: idNumber.map(IdentityNumber.masked)),
            homeVisit: homeVisit ? HomeVisit(reason: HomeVisitReason(rawValue: try row.decodeIfPresent("home_visit_reason") ?? "") ?? .elderly,
                                             address: try row.decodeIfPresent("address") ?? "") : nil,
            assignedStaffId: try row.decodeIfPresent("assigned_staff_id"), note: try row.decodeIfPresent("note"),
            requestedAt: try row.decode("requested_at"), confirmDueAt: confirmDueAt, confirmedAt: confirmedAt,
            documents: confirmedAt == nil ? nil : try row.decode("documents", as: [String].self),
            refusedAt: try row.decodeIfPresent("refused_at"), refusalReason: try row.decodeIfPresent("refusal_reason"),
            checkedInAt: try row.decodeIfPresent("checked_in_at"), completedAt: try row.decodeIfPresent("completed_at"), result: try row.decodeIfPresent("result"),
            satisfaction: try row.decodeIfPresent("satisfaction", as: String.self).flatMap(SatisfactionRating.init(rawValue:)),
            cancelledAt: try row.decodeIfPresent("cancelled_at"), cancelReason: try row.decodeIfPresent("cancel_reason"),
            lateCancellation: try row.decode("late_cancellation"), noShowAt: try row.decodeIfPresent("no_show_at"),
            overdue: status == .requested && confirmDueAt < now, rescheduleCount: try row.decode("reschedule_count"),
            complaintTicketId: try row.decodeIfPresent("complaint_ticket_id"), contactFailedAt: try row.decodeIfPresent("contact_failed_at"),
            contactFailedNote: try row.decodeIfPresent("contact_failed_note"), lateReschedules: try row.decode("late_reschedules"), allowedActions: [],
            version: try row.decode("version"), createdAt: try row.decode("created_at"), updatedAt: try row.decode("updated_at"))
        appointment.allowedActions = AppointmentAction.allowed(for: appointment)
        appointment.needsAction = NoShowRule.verdict(for: appointment, now: now, policy: policy) == .needsContactAttempt
        return appointment
    }

    struct Filter: Sendable {
        var status: String?
        var item: UUID?
        var window: UUID?
        /// Bookings whose slot starts within this instant range (a day in the site's timezone).
        var startFrom: Date?
        var startTo: Date?
        var overdue: Bool?
        /// Home visits past the grace period with no failed contact on record (`NoShowRule.Verdict.needsContactAttempt`).
        var needsAction: Bool?
    }

    /// The condition `NoShowRule.verdict` calls `.needsContactAttempt`, at `now` (`$now`) with a
    /// grace period of `minutes` (`$minutes`) minutes.
    static func needsContactAttempt(now: String, minutes: String) -> String {
        "(a.status = 'confirmed' AND a.home_visit AND a.contact_failed_at IS NULL AND lower(a.slot) < \(now)::timestamptz - make_interval(mins => \(minutes)))"
    }

    static func list(site: UUID, filter: Filter, now: Date, noShowMinutes: Int, after: [String]?, limit: Int) -> PostgresStatement {
        PostgresStatement(
            """
            SELECT \(columns) FROM \(from)
            WHERE a.site_id = $1 AND ($2::text IS NULL OR a.status = $2) AND ($3::uuid IS NULL OR a.item_id = $3) AND ($4::uuid IS NULL OR a.window_id = $4)
              AND ($5::timestamptz IS NULL OR lower(a.slot) >= $5) AND ($6::timestamptz IS NULL OR lower(a.slot) < $6)
              AND ($7::bool IS NULL OR $7 = (a.status = 'requested' AND a.confirm_due_at < $8))
              AND ($9::timestamptz IS NULL OR (lower(a.slot), a.id) > ($9, $10::uuid))
              AND ($12::bool IS NULL OR $12 = \(needsContactAttempt(now: "$8", minutes: "$13::int")))
            ORDER BY lower(a.slot), a.id LIMIT $11
            """,
            [site, filter.status, filter.item, filter.window, filter.startFrom, filter.startTo, filter.overdue, now,
             after?.first.flatMap(RFC3339.parse), after?.last.flatMap { UUID(text: $0) }, limit + 1, filter.needsAction, noShowMinutes])
    }

    static func get(site: UUID, id: UUID, forUpdate: Bool = false) -> PostgresStatement {
        PostgresStatement("SELECT \(columns) FROM \(from) WHERE a.site_id = $1 AND a.id = $2\(forUpdate ? " FOR UPDATE OF a" : "")", [site, id])
    }

    /// The lowest place (1 … capacity `$5`) of window `$3` that no live booking holds over
    /// `[$4, $6)`, leaving out the booking `excluding` (a parameter) when moving it.
    static func freePlace(excluding booking: String?) -> String {
        """
        SELECT g.seat FROM generate_series(1, $5::int) AS g(seat)
        WHERE NOT EXISTS (
            SELECT 1 FROM appointments b WHERE b.site_id = $1 AND b.window_id = $3 AND b.seat = g.seat\(booking.map { " AND b.id <> \($0)" } ?? "")
              AND b.slot && tstzrange($4, $6) AND b.status IN ('requested', 'confirmed', 'checked_in', 'completed'))
        ORDER BY g.seat LIMIT 1
        """
    }

    /// Takes the lowest free place of the slot, or returns nothing when another booking took
    /// it first (the exclusion constraint decides; the caller tries the next free place).
    static func insert(site: UUID, item: UUID, window: UUID, start: Date, end: Date, capacity: Int, body: NewAppointment,
                       phone: String, confirmDue: Date, now: Date, actor: UUID?, role: String) -> PostgresStatement {
        PostgresStatement(
            """
            WITH place AS (\(freePlace(excluding: nil))), created AS (
                INSERT INTO appointments (site_id, item_id, window_id, slot, seat, channel, status, applicant_name, applicant_phone, applicant_id_number,
                    home_visit, home_visit_reason, address, note, requested_at, confirm_due_at, created_by, created_at, updated_at)
                SELECT $1, $2, $3, tstzrange($4, $6), seat, $7, 'requested', $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $15, $15 FROM place
                ON CONFLICT DO NOTHING
                RETURNING *
            ), event AS (
                INSERT INTO appointment_events (site_id, appointment_id, seq, at, action, from_status, to_status, actor_id, actor_role, detail)
                SELECT $1, id, 1, $15, 'request', NULL, 'requested', $17, $18, jsonb_build_object('seat', seat::text) FROM created
            ), queued AS (
                \(ReportQueue.cte(site: "$1", rows: "created", instants: ["created.requested_at", "lower(created.slot)", "$15"]))
            )
            SELECT id, (SELECT count(*) FROM place)::int AS free FROM created
            UNION ALL SELECT NULL, (SELECT count(*) FROM place)::int WHERE NOT EXISTS (SELECT 1 FROM created)
            """,
            [site, item, window, start, capacity, end, body.channel.rawValue, body.applicant.name, phone, body.applicant.idNumber?.uppercased(),
             body.homeVisit != nil, body.homeVisit?.reason.rawValue, body.homeVisit?.address, body.note, now, confirmDue, actor, role])
    }

    typealias Change = AppointmentChange

    static func update(site: UUID, id: UUID, _ change: Change, expectedVersion: Int, now: Date, action: String, from: AppointmentStatus,
                       note: String?, detail: [String: String], actor: UUID?, role: String) -> PostgresStatement {
        PostgresStatement(
            """
            WITH changed AS (
                UPDATE appointments SET status = $3, assigned_staff_id = $4, confirmed_at = $5, refused_at = $6, refusal_reason = $7, checked_in_at = $8,
                    completed_at = $9, result = $10, satisfaction = $11, cancelled_at = $12, cancel_reason = $13, late_cancellation = $14,
                    complaint_ticket_id = $15, contact_failed_at = $24, contact_failed_note = $25, version = version + 1, updated_at = $16
                WHERE site_id = $1 AND id = $2 AND version = $17 RETURNING id, version, status, requested_at, slot
            ), event AS (
                INSERT INTO appointment_events (site_id, appointment_id, seq, at, action, from_status, to_status, actor_id, actor_role, note, detail)
                SELECT $1, id, version, $16, $18, $19, status, $20, $21, $22, $23 FROM changed
            ), queued AS (
                \(ReportQueue.cte(site: "$1", rows: "changed", instants: ["changed.requested_at", "lower(changed.slot)", "$16"]))
            )
            SELECT id FROM changed
            """,
            [site, id, change.status.rawValue, change.assignedStaff, change.confirmedAt, change.refusedAt, change.refusalReason, change.checkedInAt,
             change.completedAt, change.result, change.satisfaction?.rawValue, change.cancelledAt, change.cancelReason, change.lateCancellation,
             change.complaintTicket, now, expectedVersion, action, from.rawValue, actor, role, note, PostgresJSON(detail), change.contactFailedAt,
             change.contactFailedNote])
    }

    /// Moves a booking to another slot (and window), onto its lowest free place there; the
    /// action (`reschedule` or `reschedule-by-center`) goes on the timeline, and a late move by
    /// the center (`late`) is counted on the booking.
    static func reschedule(site: UUID, id: UUID, window: UUID, start: Date, end: Date, capacity: Int, expectedVersion: Int, now: Date,
                           from: AppointmentStatus, action: String, late: Bool, reason: String?, detail: [String: String], actor: UUID?,
                           role: String) -> PostgresStatement {
        PostgresStatement(
            """
            WITH place AS (\(freePlace(excluding: "$2"))), before AS (
                SELECT lower(slot) AS start FROM appointments WHERE site_id = $1 AND id = $2
            ), changed AS (
                UPDATE appointments SET window_id = $3, slot = tstzrange($4, $6), seat = place.seat, reschedule_count = reschedule_count + 1,
                    late_reschedules = late_reschedules + CASE WHEN $15::bool THEN 1 ELSE 0 END, version = version + 1, updated_at = $7
                FROM place WHERE site_id = $1 AND id = $2 AND version = $8 RETURNING id, version, status, requested_at, slot
            ), event AS (
                INSERT INTO appointment_events (site_id, appointment_id, seq, at, action, from_status, to_status, actor_id, actor_role, note, detail)
                SELECT $1, id, version, $7, $14, $9, status, $10, $11, $12, $13 FROM changed
            ), queued AS (
                \(ReportQueue.cte(site: "$1", rows: "changed", instants: ["changed.requested_at", "lower(changed.slot)", "(SELECT start FROM before)", "$7"]))
            )
            SELECT id FROM changed
            """, [site, id, window, start, capacity, end, now, expectedVersion, from.rawValue, actor, role, reason, PostgresJSON(detail), action, late])
    }

    /// The exclusion constraint that keeps a staff member on one home visit at a time.
    static let staffOverlapConstraint = "appointments_no_overlapping_visits"

    static func timeline(site: UUID, id: UUID) -> PostgresStatement {
        PostgresStatement(
            "SELECT seq, at, action, from_status, to_status, actor_id, actor_role, note, detail FROM appointment_events WHERE site_id = $1 AND appointment_id = $2 ORDER BY seq",
            [site, id])
    }

    static func notFound(_ id: String) -> DomainError {
        DomainError(.notFound, code: "appointment.not_found", message: "no booking \(id) at this site")
    }

    static func itemNotFound(_ id: String) -> DomainError {
        DomainError(.notFound, code: "service_item.not_found", message: "no service item \(id) at this site")
    }

    static func windowNotFound(_ id: String) -> DomainError {
        DomainError(.notFound, code: "window.not_found", message: "no window \(id) at this site")
    }

    /// The unique code of a service item at its site, already used.
    static func itemCodeTaken(_ code: String) -> DomainError {
        DomainError(.conflict, code: "appointment.item_code_taken", message: "service item code \(code) is already used at this site",
                    fieldErrors: [.init(field: "code", code: "appointment.item_code_taken", message: "already used")])
    }

    /// The unique code of a window at its site, already used.
    static func windowCodeTaken(_ code: String) -> DomainError {
        DomainError(.conflict, code: "appointment.window_code_taken", message: "window code \(code) is already used at this site",
                    fieldErrors: [.init(field: "code", code: "appointment.window_code_taken", message: "already used")])
    }
}

/// Wall-clock time in a timezone, as `2026-11-26T09:00`.
enum LocalTime {
    static func format(_ date: Date, _ timeZone: TimeZone) -> String {
        let (_, day, second) = WorkingCalendar.local(date, in: timeZone)
        return "\(day)T\(WorkingCalendar.clock(second / 60))"
    }
}
