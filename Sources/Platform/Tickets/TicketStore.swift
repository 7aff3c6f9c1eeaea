import Domain
import Foundation
import Postgres

/// Tickets in PostgreSQL. Every statement filters `site_id` explicitly as well as through
/// row-level security; timeline rows are written in the transaction of the change they record.
public enum TicketStore {
    static let columns = """
        id, number, channel, category, priority, status, follow_up_class, reporter_name, reporter_phone, reporter_unit, location, description,
        owner_id, department_id, handler_id, required_post_id, cause_class, received_at, feedback_due_at, first_feedback_at, promised_reply_at, resolve_due_at,
        dispatched_at, acknowledged_at, started_at, resolved_at, resolution, materials, time_on_site_minutes, accepted_by, accepted_at,
        verified_at, verified_by, followed_up_at, closed_at, cancelled_at, reply, suggestion_adopted, follow_up_month, follow_up_ordinal, follow_up_sampled,
        follow_up_due_from, follow_up_due_at, reopen_count, nonconformity_open, repeat_of, related_ticket_id, appointment_id, version, created_at, updated_at,
        withdrawn_in_writing, reply_given_at, place_id, repair_item_id, subject, \(complaintColumns),
        referred_to, referral_contact, referred_at, referred_by, referral_due_at, referral_followed_up_at, customer_opinion, site_cleared
        """

    /// Severity, escalation, apology and follow-up confirmation (migration 0018), written by
    /// `updateComplaintRecord`.
    static let complaintColumns = """
        severity, subject_staff_id, escalated_to, escalated_to_role, escalated_at, escalation_importance, apology_method, apology_note, apologised_at,
        apologised_by, follow_up_confirmed_by
        """

    static func decode(_ row: PostgresRow, now: Date) throws -> Ticket {
        func value<T: RawRepresentable>(_ column: String, _ type: T.Type) throws -> T where T.RawValue == String {
            let raw: String = try row.decode(column)
            guard let value = T(rawValue: raw) else { throw PostgresError(kind: .decoding, message: "unexpected \(column) '\(raw)'") }
            return value
        }
        let status = try value("status", TicketStatus.self)
        let category = try value("category", TicketCategory.self)
        let followUpClass = try row.decodeIfPresent("follow_up_class", as: String.self).flatMap(FollowUpClass.init(rawValue:))
        let acceptedBy: String? = try row.decodeIfPresent("accepted_by")
        let acceptedAt: Date? = try row.decodeIfPresent("accepted_at")
        var ticket = Ticket(
            id: try row.decode("id"), number: try row.decode("number"), channel: try value("channel", TicketChannel.self), category: category,
            priority: try value("priority", TicketPriority.self), status: status,
            reporter: TicketReporter(name: try row.decodeIfPresent("reporter_name"), phone: try row.decodeIfPresent("reporter_phone"),
                                     unit: try row.decodeIfPresent("reporter_unit")),
            location: try row.decodeIfPresent("location"), description: try row.decode("description"), ownerId: try row.decode("owner_id"),
            departmentId: try row.decodeIfPresent("department_id"), handlerId: try row.decodeIfPresent("handler_id"),
            requiredPostId: try row.decodeIfPresent("required_post_id"),
            causeClass: try row.decodeIfPresent("cause_class"), receivedAt: try row.decode("received_at"),
            deadlines: TicketDeadlines(
                feedbackDueAt: try row.decode("feedback_due_at"), firstFeedbackAt: try row.decodeIfPresent("first_feedback_at"),
                promisedReplyAt: try row.decodeIfPresent("promised_reply_at"), replyGivenAt: try row.decodeIfPresent("reply_given_at"), resolveDueAt: try row.decodeIfPresent("resolve_due_at"),
                followUpDueFrom: try row.decodeIfPresent("follow_up_due_from"), followUpDueAt: try row.decodeIfPresent("follow_up_due_at"), overdue: []),
            dispatchedAt: try row.decodeIfPresent("dispatched_at"), acknowledgedAt: try row.decodeIfPresent("acknowledged_at"),
            startedAt: try row.decodeIfPresent("started_at"), resolution: try row.decodeIfPresent("resolution"),
            materials: try row.decode("materials", as: PostgresJSON<[TicketMaterial]>.self).value,
            timeOnSiteMinutes: try row.decodeIfPresent("time_on_site_minutes"),
            acceptance: acceptedBy.flatMap { name in acceptedAt.map { TicketAcceptance(name: name, signedAt: $0) } },
            resolvedAt: try row.decodeIfPresent("resolved_at"), verifiedAt: try row.decodeIfPresent("verified_at"), verifiedBy: try row.decodeIfPresent("verified_by"),
            followedUpAt: try row.decodeIfPresent("followed_up_at"), closedAt: try row.decodeIfPresent("closed_at"),
            cancelledAt: try row.decodeIfPresent("cancelled_at"), withdrawnInWriting: try row.decodeIfPresent("withdrawn_in_writing"), reply: try row.decodeIfPresent("reply"),
            suggestionAdopted: try row.decodeIfPresent("suggestion_adopted"),
            followUp: followUpClass.map { TicketFollowUpPlan(followUpClass: $0, month: nil, ordinal: nil, sampled: nil, explanation: nil) },
            reopenCount: try row.decode("reopen_count"), nonconformityOpen: try row.decode("nonconformity_open"),
            repeatOf: try row.decodeIfPresent("repeat_of"), relatedTicketId: try row.decodeIfPresent("related_ticket_id"),
            appointmentId: try row.decodeIfPresent("appointment_id"), allowedActions: [], version: try row.decode("version"),
            createdAt: try row.decode("created_at"), updatedAt: try row.decode("updated_at"))
        ticket.followUp?.month = try row.decodeIfPresent("follow_up_month", as: CalendarDate.self).map(\.monthLabel)
        ticket.followUp?.ordinal = try row.decodeIfPresent("follow_up_ordinal")
        ticket.followUp?.sampled = try row.decodeIfPresent("follow_up_sampled")
        ticket.placeId = try row.decodeIfPresent("place_id")
        ticket.repairItemId = try row.decodeIfPresent("repair_item_id")
        ticket.subject = try row.decodeIfPresent("subject")
        try decodeComplaintRecord(row, into: &ticket)
        if let to: String = try row.decodeIfPresent("referred_to"), let at: Date = try row.decodeIfPresent("referred_at"),
            let due: Date = try row.decodeIfPresent("referral_due_at") {
            ticket.referral = TicketReferral(to: to, contact: try row.decodeIfPresent("referral_contact"), at: at, by: try row.decodeIfPresent("referred_by"),
                                             feedbackDueAt: due, followedUpAt: try row.decodeIfPresent("referral_followed_up_at"))
        }
        ticket.customerOpinion = try row.decodeIfPresent("customer_opinion")
        ticket.siteCleared = try row.decodeIfPresent("site_cleared")
        ticket.refreshDerived(now: now)
        return ticket
    }

    /// Reads `complaintColumns`. A complaint recorded before its severity existed is ordinary.
    static func decodeComplaintRecord(_ row: PostgresRow, into ticket: inout Ticket) throws {
        if ticket.category == .complaint {
            ticket.severity = try row.decodeIfPresent("severity", as: String.self).flatMap(ComplaintSeverity.init(rawValue:)) ?? .ordinary
        }
        ticket.subjectStaffId = try row.decodeIfPresent("subject_staff_id", as: UUID.self)
        ticket.escalatedTo = try row.decodeIfPresent("escalated_to", as: UUID.self)
        ticket.escalatedToRole = try row.decodeIfPresent("escalated_to_role", as: String.self).flatMap(Role.init(rawValue:))
        ticket.escalatedAt = try row.decodeIfPresent("escalated_at", as: Date.self)
        ticket.escalationImportance = try row.decodeIfPresent("escalation_importance", as: String.self).flatMap(EscalationImportance.init(rawValue:))
        if let method = try row.decodeIfPresent("apology_method", as: String.self).flatMap(ApologyMethod.init(rawValue:)),
            let at = try row.decodeIfPresent("apologised_at", as: Date.self) {
            ticket.apology = TicketApology(method: method, note: try row.decodeIfPresent("apology_note", as: String.self), at: at,
                                           recordedBy: try row.decodeIfPresent("apologised_by", as: UUID.self))
        }
        ticket.followUpConfirmedBy = try row.decodeIfPresent("follow_up_confirmed_by", as: String.self)
    }

    /// Writes the records kept beside the lifecycle columns (referral, the customer's opinion of
    /// a repair, the site check), before `update` writes the change and its timeline entry in
    /// the same transaction (the ticket is locked and at `version`).
    static func updateRecords(site: UUID, _ ticket: Ticket, version: Int) -> PostgresStatement {
        PostgresStatement(
            """
            UPDATE tickets SET referred_to = $3, referral_contact = $4, referred_at = $5, referred_by = $6, referral_due_at = $7,
                referral_followed_up_at = $8, customer_opinion = $9, site_cleared = $10
            WHERE site_id = $1 AND id = $2 AND version = $11
            """,
            [site, ticket.id, ticket.referral?.to, ticket.referral?.contact, ticket.referral?.at, ticket.referral?.by, ticket.referral?.feedbackDueAt,
             ticket.referral?.followedUpAt, ticket.customerOpinion, ticket.siteCleared, version])
    }

    /// Filters of the ticket listing.
    public struct Filter: Sendable {
        public var status: String?
        public var category: String?
        public var priority: String?
        public var department: UUID?
        public var owner: UUID?
        public var handler: UUID?
        public var overdue: Bool?
        public var from: Date?
        public var to: Date?
        /// A substring of two or more characters of the description, location, reporter name or unit.
        public var text: String?
        /// The reporter's phone number, digits only.
        public var phone: String?
        public var nonconformity: Bool?
        /// Only tickets escalated to a superior or the site manager (or only those not).
        public var escalated: Bool? = nil
    }

    /// The overdue test, as SQL over the ticket's columns with `now` at `$n` (the same
    /// deadlines as `Ticket.refreshDerived`: feedback, promised reply, resolution, follow-up,
    /// reporting back after a referral).
    static func overdueCondition(_ now: String) -> String {
        """
        coalesce(status NOT IN ('closed', 'cancelled') AND ((first_feedback_at IS NULL AND feedback_due_at < \(now))
            OR (reply_given_at IS NULL AND promised_reply_at < \(now))
            OR (resolved_at IS NULL AND resolve_due_at < \(now))
            OR (follow_up_sampled AND followed_up_at IS NULL AND follow_up_due_at < \(now))
            OR (referral_followed_up_at IS NULL AND referral_due_at < \(now))), false)
        """
    }

    /// Not prepared: planned for each request's own filters, so the absent ones fold away and
    /// the planner sees the search terms (a generic plan would guess their selectivity).
    static func list(site: UUID, filter: Filter, now: Date, after: [String]?, limit: Int, alsoSelect: String = "") -> PostgresStatement {
        PostgresStatement(
            """
            SELECT \(columns)\(alsoSelect) FROM tickets
            WHERE site_id = $1 AND ($2::text IS NULL OR status = $2) AND ($3::text IS NULL OR category = $3) AND ($4::text IS NULL OR priority = $4)
              AND ($5::uuid IS NULL OR department_id = $5) AND ($6::uuid IS NULL OR owner_id = $6) AND ($7::uuid IS NULL OR handler_id = $7)
              AND ($8::bool IS NULL OR $8 = \(overdueCondition("$9")))
              AND ($10::timestamptz IS NULL OR received_at >= $10) AND ($11::timestamptz IS NULL OR received_at < $11)
              AND ($12::text IS NULL OR (search_terms @> app.search_terms($12) AND strpos(search_text, lower($12)) > 0))
              AND ($13::bool IS NULL OR nonconformity_open = $13)
              AND ($14::timestamptz IS NULL OR (received_at, id) < ($14, $15::uuid))
              AND ($17::text IS NULL OR reporter_phone = $17)\(escalatedCondition(filter.escalated))
            ORDER BY received_at DESC, id DESC LIMIT $16
            """,
            [site, filter.status, filter.category, filter.priority, filter.department, filter.owner, filter.handler, filter.overdue, now,
             filter.from, filter.to, filter.text, filter.nonconformity, after?.first.flatMap(RFC3339.parse), after?.last.flatMap { UUID(text: $0) }, limit + 1, filter.phone], prepared: false)
    }

    /// The `escalated` filter as SQL text of its own, so that the positional parameters the
    /// search statements share with `list` stay as they are (`tickets_escalated` indexes it).
    static func escalatedCondition(_ escalated: Bool?) -> String {
        switch escalated {
        case true?: " AND escalated_at IS NOT NULL"
        case false?: " AND escalated_at IS NULL"
        case nil: ""
        }
    }

    /// Text search in two steps, because the planner cannot tell a common phrase from a rare
    /// one (the pairs of one word always come together, so it multiplies their frequencies
    /// into nonsense). First the `window` newest tickets matching the other filters are read in
    /// order and checked with `strpos` — enough for any phrase that is not rare. When they give
    /// less than a page, the rest comes from the GIN index (`searchOlder`).
    static let searchWindow = 5_000

    ///
    /// The window is the newest tickets matching the filters that have an index in time order
    /// (department, owner, handler, dates, …); status, priority and category are checked on
    /// the window's rows, since the GIN index of step 2 carries them. So the window costs the
    /// same whatever those filters are.
    static func searchRecent(site: UUID, filter: Filter, now: Date, after: [String]?, limit: Int) -> [PostgresStatement] {
        var plain = filter
        plain.text = nil
        (plain.status, plain.priority, plain.category) = (nil, nil, nil)
        let candidates = list(site: site, filter: plain, now: now, after: after, limit: searchWindow - 1, alsoSelect: ", search_text").sql
        let cursor = after.map { [$0.first.flatMap(RFC3339.parse) as (any PostgresEncodable)?, $0.last.flatMap { UUID(text: $0) }] } ?? [nil, nil]
        let parameters: [(any PostgresEncodable)?] = [site, nil, nil, nil, plain.department, plain.owner, plain.handler, plain.overdue, now,
                                                      plain.from, plain.to, nil, plain.nonconformity] + cursor + [searchWindow, plain.phone]
        return [
            PostgresStatement(
                """
                SELECT \(columns) FROM (\(candidates)) AS recent
                WHERE strpos(search_text, lower($18)) > 0 AND ($20::text IS NULL OR status = $20) AND ($21::text IS NULL OR priority = $21)
                  AND ($22::text IS NULL OR category = $22)
                ORDER BY received_at DESC, id DESC LIMIT $19
                """,
                parameters + [filter.text, limit + 1, filter.status, filter.priority, filter.category], prepared: false),
            PostgresStatement(
                "SELECT received_at, id FROM (\(candidates)) AS recent ORDER BY received_at DESC, id DESC OFFSET \(searchWindow - 1) LIMIT 1",
                parameters, prepared: false),
        ]
    }

    /// The second step: matches older than the window, from the GIN index, through
    /// `app.ticket_search_ids` (migrations 0020, 0022). Under row-level security the planner
    /// would use the index only if array containment were marked leakproof, which takes a
    /// superuser; the function runs as a role whose policy is `true`, returns only ids, and
    /// takes its site from the request's own settings, which name exactly this site. It is told not to walk the time index, which the
    /// planner would otherwise pick for a phrase it wrongly believes common. The index is asked
    /// for a cover of the phrase (every other pair and the last, see `app.search_cover`), fewer
    /// posting lists to intersect; `strpos` checks the whole phrase. The ids come as an array
    /// (one InitPlan) that drives primary-key lookups: as a hashed `IN` filter the planner would
    /// walk the site's tickets newest first looking for them, all of them when there are none.
    static func searchOlder(site: UUID, filter: Filter, now: Date, before: [String], limit: Int) -> [PostgresStatement] {
        var statement = list(site: site, filter: filter, now: now, after: before, limit: limit)
        statement.sql = statement.sql.replacingOccurrences(
            of: "(search_terms @> app.search_terms($12) AND strpos(search_text, lower($12)) > 0)",
            with: "id = ANY (ARRAY(SELECT app.ticket_search_ids(app.search_cover($12), $12, $2::text, $4::text, $3::text)))")
        return [statement]
    }

    static func get(site: UUID, id: UUID, forUpdate: Bool = false) -> PostgresStatement {
        PostgresStatement("SELECT \(columns) FROM tickets WHERE site_id = $1 AND id = $2\(forUpdate ? " FOR UPDATE" : "")", [site, id])
    }

    /// Looks a ticket up by id or by number (`H01-2026-000123`).
    static func find(site: UUID, reference: String) -> PostgresStatement {
        if let id = UUID(text: reference) { return get(site: site, id: id) }
        return PostgresStatement("SELECT \(columns) FROM tickets WHERE site_id = $1 AND number = $2", [site, reference.uppercased()])
    }

    /// What intake refers to, checked in one query so each problem names its field. For the
    /// staff member a complaint is about (`subject`, an active staff member of the site), returns
    /// their direct superior when that superior is active: the complaint goes to them.
    @discardableResult
    static func checkReferences(
        _ connection: isolated PostgresConnection, site: UUID, owner: UUID?, department: UUID?, related: UUID?, post: UUID? = nil, appointment: UUID? = nil,
        subject: UUID? = nil
    ) async throws -> UUID? {
        let row = try await connection.query(
            """
            SELECT (SELECT status = 'active' FROM staff WHERE site_id = $1 AND id = $2) AS owner_active,
                   (SELECT active FROM departments WHERE site_id = $1 AND id = $3) AS department_active,
                   (SELECT true FROM tickets WHERE site_id = $1 AND id = $4) AS related_exists,
                   (SELECT active FROM posts WHERE site_id = $1 AND id = $5) AS post_active,
                   (SELECT true FROM appointments WHERE site_id = $1 AND id = $6) AS appointment_exists,
                   (SELECT status = 'active' FROM staff WHERE site_id = $1 AND id = $7) AS subject_active,
                   (SELECT boss.id FROM staff subject JOIN staff boss ON boss.site_id = subject.site_id AND boss.id = subject.supervisor_id
                    WHERE subject.site_id = $1 AND subject.id = $7 AND boss.status = 'active') AS subject_supervisor
            """, [site, owner, department, related, post, appointment, subject])[0]
        var errors: [DomainError.FieldError] = []
        if owner != nil {
            switch try row.decodeIfPresent("owner_active", as: Bool.self) {
            case nil: errors.append(.init(field: "ownerId", code: "ticket.unknown_owner", message: "no such staff member at this site"))
            case false?: errors.append(.init(field: "ownerId", code: "ticket.inactive_owner", message: "the receiving staff member has left"))
            default: break
            }
        }
        if department != nil {
            switch try row.decodeIfPresent("department_active", as: Bool.self) {
            case nil: errors.append(.init(field: "departmentId", code: "ticket.unknown_department", message: "no such department at this site"))
            case false?: errors.append(.init(field: "departmentId", code: "ticket.inactive_department", message: "the department is deactivated"))
            default: break
            }
        }
        if related != nil, try row.decodeIfPresent("related_exists", as: Bool.self) == nil {
            errors.append(.init(field: "relatedTicketId", code: "ticket.unknown_ticket", message: "no such ticket at this site"))
        }
        if post != nil, try row.decodeIfPresent("post_active", as: Bool.self) != true {
            errors.append(.init(field: "requiredPostId", code: "ticket.unknown_post", message: "no active post with this id at this site"))
        }
        if appointment != nil, try row.decodeIfPresent("appointment_exists", as: Bool.self) == nil {
            errors.append(.init(field: "appointmentId", code: "ticket.unknown_appointment", message: "no such booking at this site"))
        }
        if subject != nil {
            switch try row.decodeIfPresent("subject_active", as: Bool.self) {
            case nil: errors.append(.init(field: "subjectStaffId", code: "ticket.unknown_subject_staff", message: "no such staff member at this site"))
            case false?: errors.append(.init(field: "subjectStaffId", code: "ticket.inactive_subject_staff", message: "the staff member complained about has left"))
            default: break
            }
        }
        try DomainError.check(errors)
        guard subject != nil else { return nil }
        return try row.decodeIfPresent("subject_supervisor", as: UUID.self)
    }

    /// Checks a department and handler an action assigns: both active at this site, and the
    /// handler a member of the department.
    static func checkAssignment(_ connection: isolated PostgresConnection, site: UUID, department: UUID?, handler: UUID?) async throws {
        guard department != nil || handler != nil else { return }
        let row = try await connection.query(
            """
            SELECT (SELECT active FROM departments WHERE site_id = $1 AND id = $2) AS department_active,
                   (SELECT status = 'active' FROM staff WHERE site_id = $1 AND id = $3) AS handler_active,
                   (SELECT department_id FROM staff WHERE site_id = $1 AND id = $3) AS handler_department
            """, [site, department, handler])[0]
        var errors: [DomainError.FieldError] = []
        if department != nil, try row.decodeIfPresent("department_active", as: Bool.self) != true {
            errors.append(.init(field: "departmentId", code: "ticket.unknown_department", message: "no active department with this id at this site"))
        }
        if handler != nil {
            if try row.decodeIfPresent("handler_active", as: Bool.self) != true {
                errors.append(.init(field: "handlerId", code: "ticket.unknown_handler", message: "no active staff member with this id at this site"))
            } else if let department, try row.decodeIfPresent("handler_department", as: UUID.self) != department {
                errors.append(.init(field: "handlerId", code: "ticket.handler_not_in_department", message: "the handler is not in the department the ticket is dispatched to"))
            }
        }
        try DomainError.check(errors)
    }

    /// Earlier tickets about the same matter (`RepeatRule.Matter`) within the window, most
    /// recent first: complaints with the same subject from the same phone or at the same place,
    /// repairs of the same item at the same place.
    static func repeatCandidates(site: UUID, excluding: UUID?, receivedAt: Date, windowDays: Int, matter: RepeatRule.Matter) -> PostgresStatement {
        PostgresStatement(
            """
            SELECT id FROM tickets
            WHERE site_id = $1 AND category = $2 AND ($3::uuid IS NULL OR id <> $3) AND status <> 'cancelled'
              AND received_at > $4::timestamptz - make_interval(days => $5) AND received_at <= $4
              AND ($6::text IS NULL OR subject_key = $6) AND ($7::uuid IS NULL OR repair_item_id = $7)
              AND (place_id = $8 OR location_key = $9 OR reporter_phone = $10)
            ORDER BY received_at DESC, id DESC LIMIT 100
            """, [site, matter.category.rawValue, excluding, receivedAt, windowDays, matter.subjectKey, matter.repairItemId, matter.placeId,
                  matter.locationKey, matter.phone])
    }

    /// Everything a new ticket is, computed before it is written.
    typealias Draft = TicketDraft

    /// Takes the next number of the site's year and writes the ticket with its first
    /// timeline entry, in one statement.
    static func insert(site: Site, _ draft: Draft, actor: UUID?, role: String, nonconformity: Bool, now: Date) -> PostgresStatement {
        let ticket = draft.ticket
        return PostgresStatement(
            """
            WITH next AS (
                INSERT INTO ticket_counters AS c (site_id, year, last_number) VALUES ($1, $2, 1)
                ON CONFLICT (site_id, year) DO UPDATE SET last_number = c.last_number + 1
                RETURNING last_number
            ), created AS (
                INSERT INTO tickets (site_id, number, channel, category, priority, status, follow_up_class, reporter_name, reporter_phone, reporter_unit,
                    location, location_key, description, owner_id, department_id, cause_class, received_at, feedback_due_at, resolve_due_at,
                    related_ticket_id, appointment_id, repeat_of, nonconformity_open, search_text, search_terms, created_by, created_at, updated_at,
                    required_post_id, place_id, repair_item_id, subject, subject_key)
                SELECT $1, \(TicketNumber.sql(site: "$3", year: "$2", sequence: "next.last_number")), $4, $5, $6, 'received', $7, $8, $9, $10,
                    $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23,
                    lower($24), app.search_terms(lower($24)), $25, $26, $26, $29, $30, $31, $32, $33
                FROM next
                RETURNING \(columns)
            ), event AS (
                INSERT INTO ticket_events (site_id, ticket_id, seq, at, action, from_status, to_status, actor_id, actor_role, note, detail)
                SELECT $1, id, 1, $26, 'create', NULL, 'received', $25, $27, NULL, $28 FROM created
            ), queued AS (
                \(ReportQueue.cte(site: "$1", rows: "created", instants: ["created.received_at", "$26"]))
            )
            SELECT \(columns) FROM created
            """,
            [site.id, draft.year, site.code, ticket.channel.rawValue, ticket.category.rawValue, draft.priority.rawValue, draft.followUpClass?.rawValue,
             ticket.reporter?.name, ticket.reporter?.phone, ticket.reporter?.unit, ticket.location, draft.locationKey, ticket.description, draft.owner,
             ticket.departmentId, ticket.causeClass, draft.receivedAt, draft.feedbackDueAt, draft.resolveDueAt, ticket.relatedTicketId, ticket.appointmentId,
             draft.repeatOf, nonconformity, draft.searchText, actor, now, role,
             PostgresJSON(["channel": ticket.channel.rawValue, "category": ticket.category.rawValue, "owner": draft.owner.uuidString]), ticket.requiredPostId,
             ticket.placeId, ticket.repairItemId, ticket.subject, MatchKey.of(ticket.subject)])
    }

    /// Writes a changed ticket back, if it is still at `version`, and its timeline entry.
    static func update(site: UUID, _ ticket: Ticket, expectedVersion: Int, now: Date, event: TicketEventDraft, actor: UUID?, role: String) -> PostgresStatement {
        PostgresStatement(
            """
            WITH changed AS (
                UPDATE tickets SET status = $3, department_id = $4, handler_id = $5, cause_class = $6, first_feedback_at = $7, promised_reply_at = $8,
                    dispatched_at = $9, acknowledged_at = $10, started_at = $11, resolved_at = $12, resolution = $13, materials = $14,
                    time_on_site_minutes = $15, accepted_by = $16, accepted_at = $17, verified_at = $18, verified_by = $19, followed_up_at = $20,
                    closed_at = $21, cancelled_at = $22, reply = $23, suggestion_adopted = $24, follow_up_ordinal = $25, follow_up_sampled = $26, follow_up_month = $40::date, required_post_id = $41,
                    follow_up_due_from = $27, follow_up_due_at = $28, reopen_count = $29, nonconformity_open = $30, repeat_of = $31,
                    resolve_due_at = $42::timestamptz, reply_given_at = $43, withdrawn_in_writing = $44,
                    repair_item_id = $45, subject = $46, subject_key = $47,
                    reply_breached_at = CASE WHEN $8::timestamptz IS DISTINCT FROM promised_reply_at THEN NULL ELSE reply_breached_at END,
                    resolution_breached_at = CASE WHEN $42::timestamptz IS DISTINCT FROM resolve_due_at OR $12::timestamptz IS NULL AND resolved_at IS NOT NULL
                                                  THEN NULL ELSE resolution_breached_at END,
                    version = version + 1, updated_at = $32
                WHERE site_id = $1 AND id = $2 AND version = $33
                RETURNING \(columns)
            ), event AS (
                INSERT INTO ticket_events (site_id, ticket_id, seq, at, action, from_status, to_status, actor_id, actor_role, note, detail)
                SELECT $1, id, version, $32, $34, $35, status, $36, $37, $38, $39 FROM changed
            ), queued AS (
                \(ReportQueue.cte(site: "$1", rows: "changed", instants: ["changed.received_at", "$32"]))
            )
            SELECT \(columns) FROM changed
            """,
            [site, ticket.id, ticket.status.rawValue, ticket.departmentId, ticket.handlerId, ticket.causeClass, ticket.deadlines.firstFeedbackAt,
             ticket.deadlines.promisedReplyAt, ticket.dispatchedAt, ticket.acknowledgedAt, ticket.startedAt, ticket.resolvedAt, ticket.resolution,
             PostgresJSON(ticket.materials), ticket.timeOnSiteMinutes, ticket.acceptance?.name, ticket.acceptance?.signedAt, ticket.verifiedAt,
             ticket.verifiedBy, ticket.followedUpAt, ticket.closedAt, ticket.cancelledAt, ticket.reply, ticket.suggestionAdopted,
             ticket.followUp?.ordinal, ticket.followUp?.sampled, ticket.deadlines.followUpDueFrom, ticket.deadlines.followUpDueAt,
             ticket.reopenCount, ticket.nonconformityOpen, ticket.repeatOf, now, expectedVersion, event.action, event.from.rawValue, actor, role,
             event.note, PostgresJSON(event.detail), ticket.followUp?.month.map { $0 + "-01" }, ticket.requiredPostId, ticket.deadlines.resolveDueAt,
             ticket.deadlines.replyGivenAt, ticket.withdrawnInWriting, ticket.repairItemId, ticket.subject, MatchKey.of(ticket.subject)])
    }

    /// Writes the ticket's severity, escalation, apology and follow-up confirmation
    /// (`complaintColumns`) as the rules left them, after `insert` or `update` in the same
    /// transaction (the ticket is locked). With an `event` (an escalation the action led to) the
    /// version goes up once more and the event is the timeline line of that version.
    static func updateComplaintRecord(site: UUID, _ ticket: Ticket, now: Date, event: TicketEventDraft?, actor: UUID?, role: String) -> PostgresStatement {
        PostgresStatement(
            """
            WITH changed AS (
                UPDATE tickets SET severity = $3, subject_staff_id = $4, escalated_to = $5, escalated_to_role = $6, escalated_at = $7,
                    escalation_importance = $8, apology_method = $9, apology_note = $10, apologised_at = $11, apologised_by = $12,
                    follow_up_confirmed_by = $13,
                    version = version + CASE WHEN $14::text IS NULL THEN 0 ELSE 1 END, updated_at = $15
                WHERE site_id = $1 AND id = $2
                RETURNING \(columns)
            ), event AS (
                INSERT INTO ticket_events (site_id, ticket_id, seq, at, action, from_status, to_status, actor_id, actor_role, note, detail)
                SELECT $1, id, version, $15, $14, $16, status, $17, $18, $19, $20 FROM changed WHERE $14::text IS NOT NULL
            )
            SELECT \(columns) FROM changed
            """,
            [site, ticket.id, ticket.severity?.rawValue, ticket.subjectStaffId, ticket.escalatedTo, ticket.escalatedToRole?.rawValue, ticket.escalatedAt,
             ticket.escalationImportance?.rawValue, ticket.apology?.method.rawValue, ticket.apology?.note, ticket.apology?.at, ticket.apology?.recordedBy,
             ticket.followUpConfirmedBy, event?.action, now, (event?.from ?? ticket.status).rawValue, actor, role, event?.note,
             PostgresJSON(event?.detail ?? [:])])
    }

    /// Whether an action changed what `updateComplaintRecord` writes.
    static func complaintRecordChanged(_ before: Ticket, _ after: Ticket) -> Bool {
        before.severity != after.severity || before.subjectStaffId != after.subjectStaffId || before.escalatedTo != after.escalatedTo
            || before.escalatedToRole != after.escalatedToRole || before.escalatedAt != after.escalatedAt
            || before.escalationImportance != after.escalationImportance || before.apology != after.apology
            || before.followUpConfirmedBy != after.followUpConfirmedBy
    }

    /// The next ordinal of a resolution of `kind` in `month` (first day) at the site.
    static func nextResolutionOrdinal(site: UUID, month: CalendarDate, kind: FollowUpClass) -> PostgresStatement {
        PostgresStatement(
            """
            INSERT INTO ticket_follow_up_counters AS c (site_id, month, follow_up_class, resolved) VALUES ($1, $2, $3, 1)
            ON CONFLICT (site_id, month, follow_up_class) DO UPDATE SET resolved = c.resolved + 1
            RETURNING resolved
            """, [site, month, kind.rawValue])
    }

    static func insertFollowUp(site: UUID, ticket: UUID, at: Date, method: String, satisfaction: Int?, rating: SatisfactionRating, comments: String?, by: UUID?,
                               confirmedBy: String? = nil) -> PostgresStatement {
        PostgresStatement(
            """
            INSERT INTO ticket_follow_ups (site_id, ticket_id, at, method, satisfaction, rating, comments, recorded_by, confirmed_by)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
            """,
            [site, ticket, at, method, satisfaction, rating.rawValue, comments, by, confirmedBy])
    }

    static func insertNonconformity(site: UUID, ticket: UUID, kind: String, at: Date, matched: [UUID], reason: String) -> PostgresStatement {
        PostgresStatement(
            """
            INSERT INTO ticket_nonconformities (site_id, ticket_id, kind, detected_at, matched_ticket_ids, reason)
            VALUES ($1, $2, $3, $4, $5, $6) RETURNING id
            """, [site, ticket, kind, at, matched, reason])
    }

    static let nonconformityColumns = "id, ticket_id, kind, detected_at, reason, matched_ticket_ids, cause, action, action_owner_id, due_date, action_recorded_at, closed_at, closed_by, version"

    static func decodeNonconformity(_ row: PostgresRow) throws -> TicketNonconformity {
        TicketNonconformity(
            id: try row.decode("id"), ticketId: try row.decode("ticket_id"), kind: try row.decode("kind"), detectedAt: try row.decode("detected_at"),
            reason: try row.decode("reason"), matchedTicketIds: try row.decode("matched_ticket_ids"), cause: try row.decodeIfPresent("cause"),
            action: try row.decodeIfPresent("action"), actionOwnerId: try row.decodeIfPresent("action_owner_id"), dueDate: try row.decodeIfPresent("due_date"),
            actionRecordedAt: try row.decodeIfPresent("action_recorded_at"), closedAt: try row.decodeIfPresent("closed_at"),
            closedBy: try row.decodeIfPresent("closed_by"), version: try row.decode("version"))
    }

    static func nonconformities(site: UUID, ticket: UUID) -> PostgresStatement {
        PostgresStatement("SELECT \(nonconformityColumns) FROM ticket_nonconformities WHERE site_id = $1 AND ticket_id = $2 ORDER BY detected_at, id", [site, ticket])
    }

    static func timeline(site: UUID, ticket: UUID) -> PostgresStatement {
        PostgresStatement(
            "SELECT seq, at, action, from_status, to_status, actor_id, actor_role, note, detail FROM ticket_events WHERE site_id = $1 AND ticket_id = $2 ORDER BY seq",
            [site, ticket])
    }

    static func decodeEvent(_ row: PostgresRow) throws -> TicketEvent {
        TicketEvent(
            seq: try row.decode("seq"), at: try row.decode("at"), action: try row.decode("action"),
            fromStatus: try row.decodeIfPresent("from_status", as: String.self).flatMap(TicketStatus.init(rawValue:)),
            toStatus: TicketStatus(rawValue: try row.decode("to_status")) ?? .received, actorId: try row.decodeIfPresent("actor_id"),
            actorRole: try row.decode("actor_role"), note: try row.decodeIfPresent("note"),
            detail: try row.decode("detail", as: PostgresJSON<[String: String]>.self).value)
    }

    static func followUps(site: UUID, ticket: UUID) -> PostgresStatement {
        PostgresStatement(
            "SELECT id, at, method, satisfaction, rating, comments, recorded_by, confirmed_by FROM ticket_follow_ups WHERE site_id = $1 AND ticket_id = $2 ORDER BY at, id",
            [site, ticket])
    }

    static func decodeFollowUp(_ row: PostgresRow) throws -> TicketFollowUpRecord {
        var record = TicketFollowUpRecord(
            id: try row.decode("id"), at: try row.decode("at"), method: try row.decode("method"), satisfaction: try row.decodeIfPresent("satisfaction"),
            rating: SatisfactionRating(rawValue: try row.decode("rating")) ?? .unsatisfied, comments: try row.decodeIfPresent("comments"),
            recordedBy: try row.decodeIfPresent("recorded_by"))
        record.confirmedBy = try row.decodeIfPresent("confirmed_by", as: String.self)
        return record
    }

    /// A ticket's non-conformity, locked for a change.
    static func nonconformity(site: UUID, ticket: UUID, id: UUID) -> PostgresStatement {
        PostgresStatement("SELECT \(nonconformityColumns) FROM ticket_nonconformities WHERE site_id = $1 AND ticket_id = $2 AND id = $3 FOR UPDATE", [site, ticket, id])
    }

    /// Writes a non-conformity's corrective action and closing as the rules left them.
    static func update(site: UUID, _ record: TicketNonconformity) -> PostgresStatement {
        PostgresStatement(
            """
            UPDATE ticket_nonconformities SET cause = $3, action = $4, action_owner_id = $5, due_date = $6, action_recorded_at = $7,
                closed_at = $8, closed_by = $9, version = version + 1
            WHERE site_id = $1 AND id = $2 RETURNING \(nonconformityColumns)
            """, [site, record.id, record.cause, record.action, record.actionOwnerId, record.dueDate, record.actionRecordedAt, record.closedAt, record.closedBy])
    }

    /// How many of a ticket's non-conformities are still open (`n`).
    static func openNonconformities(site: UUID, ticket: UUID) -> PostgresStatement {
        PostgresStatement("SELECT count(*)::int AS n FROM ticket_nonconformities WHERE site_id = $1 AND ticket_id = $2 AND closed_at IS NULL", [site, ticket])
    }

    static func notFound(_ reference: String) -> DomainError {
        DomainError(.notFound, code: "ticket.not_found", message: "no ticket \(reference) at this site")
    }
}

/// The timeline entry an action writes.
struct TicketEventDraft: Sendable {
    var action: String
    var from: TicketStatus
    var note: String?
    var detail: [String: String]
}
