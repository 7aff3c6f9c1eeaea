import Domain
import Foundation
import Postgres

/// Assessment templates, cycles, scores and results in PostgreSQL. Every statement on one
/// site's records filters `site_id` explicitly as well as through row-level security; the
/// headquarters statements read across the sites the caller's scope reaches.
enum AssessmentStore {
    // MARK: Templates

    static let templateColumns = "id, code, name, kind, items, version, created_at"

    static func decodeTemplate(_ row: PostgresRow) throws -> AssessmentTemplate {
        AssessmentTemplate(id: try row.decode("id"), code: try row.decode("code"), name: try row.decode("name"), kind: try row.decode("kind"),
                           items: try row.decode("items", as: PostgresJSON<[AssessmentItem]>.self).value, version: try row.decode("version"),
                           createdAt: try row.decode("created_at"))
    }

    static func templates(site: UUID) -> PostgresStatement {
        PostgresStatement("SELECT \(templateColumns) FROM assessment_templates WHERE site_id = $1 ORDER BY code", [site])
    }

    static func template(site: UUID, id: UUID) -> PostgresStatement {
        PostgresStatement("SELECT \(templateColumns) FROM assessment_templates WHERE site_id = $1 AND id = $2", [site, id])
    }

    static func insertTemplate(site: UUID, _ template: NewAssessmentTemplate) -> PostgresStatement {
        PostgresStatement(
            "INSERT INTO assessment_templates (site_id, code, name, kind, items) VALUES ($1, $2, $3, $4, $5) RETURNING \(templateColumns)",
            [site, template.code, template.name, template.kind ?? "regular", PostgresJSON(template.items)])
    }

    /// A group-wide template copied to one site; no row when the site already has the code (it keeps its own).
    static func copyTemplate(site: UUID, _ template: NewAssessmentTemplate) -> PostgresStatement {
        PostgresStatement(
            "INSERT INTO assessment_templates (site_id, code, name, kind, items) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (site_id, code) DO NOTHING RETURNING id",
            [site, template.code, template.name, template.kind ?? "regular", PostgresJSON(template.items)])
    }

    /// The active sites a group-wide template goes to: those named (all when nil), of `kind` (any when nil).
    static func copyTargets(codes: [String]?, kind: String?) -> PostgresStatement {
        PostgresStatement(
            "SELECT id, code FROM sites WHERE status = 'active' AND ($1::text[] IS NULL OR code = ANY($1)) AND ($2::text IS NULL OR kind = $2) ORDER BY code",
            [codes, kind])
    }

    static func decodeCopyTarget(_ row: PostgresRow) throws -> (id: UUID, code: String) {
        (try row.decode("id", as: UUID.self), try row.decode("code", as: String.self))
    }

    static func decodeCopied(_ row: PostgresRow) throws -> UUID {
        try row.decode("id", as: UUID.self)
    }

    // MARK: Cycles

    static let cycleColumns = "id, template_id, name, period, starts_on, ends_on, department_ids, post_ids, status, published_at, version, created_at, updated_at"

    static func decodeCycle(_ row: PostgresRow) throws -> AssessmentCycle {
        AssessmentCycle(
            id: try row.decode("id"), templateId: try row.decode("template_id"), name: try row.decode("name"), period: try row.decode("period"),
            startsOn: try row.decode("starts_on"), endsOn: try row.decode("ends_on"), departmentIds: try row.decode("department_ids"),
            postIds: try row.decode("post_ids"), status: CycleStatus(rawValue: try row.decode("status")) ?? .draft,
            publishedAt: try row.decodeIfPresent("published_at"), version: try row.decode("version"), createdAt: try row.decode("created_at"),
            updatedAt: try row.decode("updated_at"))
    }

    static func cycleNotFound(_ id: UUID) -> DomainError {
        DomainError(.notFound, code: "assessment_cycle.not_found", message: "no assessment cycle \(id.uuidString) at this site")
    }

    /// Newest first.
    static func cycles(site: UUID) -> PostgresStatement {
        PostgresStatement("SELECT \(cycleColumns) FROM assessment_cycles WHERE site_id = $1 ORDER BY starts_on DESC, id", [site])
    }

    static func cycle(site: UUID, id: UUID, forUpdate: Bool = false) -> PostgresStatement {
        PostgresStatement("SELECT \(cycleColumns) FROM assessment_cycles WHERE site_id = $1 AND id = $2" + (forUpdate ? " FOR UPDATE" : ""), [site, id])
    }

    /// The cycle (locked) and its template, inside a transaction.
    static func lockedCycle(_ connection: isolated PostgresConnection, site: UUID, id: UUID) async throws -> (AssessmentCycle, AssessmentTemplate) {
        guard let row = try await connection.execute(Self.cycle(site: site, id: id, forUpdate: true)).first else {
            throw Self.cycleNotFound(id)
        }
        let locked = try Self.decodeCycle(row)
        let itsTemplate = try await Self.decodeTemplate(try connection.execute(Self.template(site: site, id: locked.templateId))[0])
        return (locked, itsTemplate)
    }

    /// Whether the template, and how many of the departments and posts, a new cycle names are the site's.
    static func references(site: UUID, _ cycle: NewAssessmentCycle) -> PostgresStatement {
        PostgresStatement(
            """
            SELECT EXISTS (SELECT 1 FROM assessment_templates WHERE site_id = $1 AND id = $2) AS template,
                   (SELECT count(*)::int FROM departments WHERE site_id = $1 AND id = ANY($3::uuid[])) AS departments,
                   (SELECT count(*)::int FROM posts WHERE site_id = $1 AND id = ANY($4::uuid[])) AS posts
            """, [site, cycle.templateId, cycle.departmentIds ?? [], cycle.postIds ?? []])
    }

    static func decodeReferences(_ row: PostgresRow) throws -> CycleReferences {
        CycleReferences(templateExists: try row.decode("template", as: Bool.self), departments: try row.decode("departments", as: Int.self),
                        posts: try row.decode("posts", as: Int.self))
    }

    static func insertCycle(site: UUID, _ cycle: NewAssessmentCycle) -> PostgresStatement {
        PostgresStatement(
            """
            INSERT INTO assessment_cycles (site_id, template_id, name, period, starts_on, ends_on, department_ids, post_ids)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING \(cycleColumns)
            """, [site, cycle.templateId, cycle.name, cycle.period, cycle.startsOn, cycle.endsOn, cycle.departmentIds ?? [], cycle.postIds ?? []])
    }

    /// Moves the cycle to `status`; publication also stamps `published_at`.
    static func advance(site: UUID, id: UUID, to status: CycleStatus, now: Date) -> PostgresStatement {
        PostgresStatement(
            """
            UPDATE assessment_cycles SET status = $3, published_at = CASE WHEN $3 = 'published' THEN $4 ELSE published_at END, version = version + 1, updated_at = $4
            WHERE site_id = $1 AND id = $2 RETURNING \(cycleColumns)
            """, [site, id, status.rawValue, now])
    }

    // MARK: Members, scores and results

    /// The cycle's members (active staff of its departments and posts; for a probation
    /// template, only those on probation during the cycle) with their latest scores, and once
    /// published, everyone with a frozen result.
    static func members(site: UUID, cycle: AssessmentCycle) -> PostgresStatement {
        PostgresStatement(
            """
            SELECT s.id, s.employee_no, s.name, s.post_id, latest.total, latest.revision, latest.scores, r.total AS frozen_total, r.rank, r.post_rank, r.percentile,
                   r.bottom, r.explanation, r.follow_up, r.follow_up_note
            FROM staff s
            LEFT JOIN LATERAL (SELECT total, revision, scores FROM assessment_scores sc WHERE sc.site_id = $1 AND sc.cycle_id = $2 AND sc.staff_id = s.id
                               ORDER BY revision DESC LIMIT 1) latest ON true
            LEFT JOIN assessment_results r ON r.site_id = $1 AND r.cycle_id = $2 AND r.staff_id = s.id
            WHERE s.site_id = $1 AND (r.staff_id IS NOT NULL OR (s.status = 'active'
                  AND (cardinality($3::uuid[]) = 0 OR s.department_id = ANY($3)) AND (cardinality($4::uuid[]) = 0 OR s.post_id = ANY($4))
                  AND ((SELECT kind FROM assessment_templates WHERE site_id = $1 AND id = $5) <> 'probation'
                       OR (s.probation_until >= $6 AND s.hire_date <= $7))))
            ORDER BY s.employee_no
            """, [site, cycle.id, cycle.departmentIds, cycle.postIds, cycle.templateId, cycle.startsOn, cycle.endsOn])
    }

    /// A row of `members` as the member and their latest scores.
    static func decodeMember(_ row: PostgresRow) throws -> CycleMember {
        CycleMember(id: try row.decode("id"), employeeNo: try row.decode("employee_no"), name: try row.decode("name"), post: try row.decodeIfPresent("post_id"),
                    total: try row.decodeIfPresent("total"), revision: try row.decodeIfPresent("revision"), scores: try row.decodeIfPresent("scores"))
    }

    /// A row of `members` as the member's frozen result; nil when the member has none.
    static func decodeResult(_ row: PostgresRow) throws -> RankingEntry? {
        guard let total: Decimal = try row.decodeIfPresent("frozen_total") else { return nil }
        return RankingEntry(
            staffId: try row.decode("id"), employeeNo: try row.decode("employee_no"), name: try row.decode("name"), postId: try row.decodeIfPresent("post_id"),
            total: total, rank: try row.decode("rank"), postRank: try row.decode("post_rank"), percentile: try row.decode("percentile"),
            bottom: try row.decode("bottom"), explanation: try row.decode("explanation"), revision: try row.decodeIfPresent("revision"),
            scores: nil, followUp: try row.decodeIfPresent("follow_up", as: String.self).flatMap(BottomFollowUp.init(rawValue:)),
            followUpNote: try row.decodeIfPresent("follow_up_note"))
    }

    static func insertScore(site: UUID, cycle: UUID, _ revision: ScoreRevision, actor: UUID, now: Date) -> PostgresStatement {
        PostgresStatement(
            """
            INSERT INTO assessment_scores (site_id, cycle_id, staff_id, revision, scores, total, after_publication, reason, actor_id, at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
            """, [site, cycle, revision.member.id, revision.revision, revision.scores, revision.total, revision.afterPublication, revision.reason, actor, now])
    }

    /// The frozen results of a publication, one row per ranked member.
    static func insertResults(site: UUID, cycle: UUID, _ ranking: [RankingEntry]) -> PostgresStatement {
        PostgresStatement(
            """
            INSERT INTO assessment_results (site_id, cycle_id, staff_id, total, rank, post_rank, percentile, bottom, explanation)
            SELECT $1, $2, * FROM unnest($3::uuid[], $4::numeric[], $5::int[], $6::int[], $7::numeric[], $8::bool[], $9::text[])
            """, [site, cycle, ranking.map(\.staffId), ranking.map { $0.total ?? 0 }, ranking.map { $0.rank ?? 0 }, ranking.map { $0.postRank ?? 0 },
                  ranking.map { $0.percentile ?? 0 }, ranking.map(\.bottom), ranking.map(\.explanation)])
    }

    /// What the platform recorded about a member over the cycle's days (site timezone,
    /// `AssessmentCycleRules.evidenceSpan`). Complaints count against the member when upheld as
    /// our service's fault (cause class 1) and about a ticket they handled or a home visit they made.
    /// No-shows are not read: they are the applicant's (视为申请人主动放弃), never the staff member's.
    static func evidence(site: Site, staff: UUID, cycle: AssessmentCycle) -> PostgresStatement {
        let (from, to) = AssessmentCycleRules.evidenceSpan(of: cycle, in: TimeZone(identifier: site.timezone) ?? .gmt)
        return PostgresStatement(
            """
            SELECT (SELECT count(*) FROM tickets WHERE site_id = $1 AND handler_id = $2 AND resolved_at >= $3 AND resolved_at < $4)::int AS resolved,
                   (SELECT count(*) FROM tickets WHERE site_id = $1 AND handler_id = $2 AND resolved_at >= $3 AND resolved_at < $4
                        AND resolve_due_at IS NOT NULL)::int AS with_target,
                   (SELECT count(*) FROM tickets WHERE site_id = $1 AND handler_id = $2 AND resolved_at >= $3 AND resolved_at < $4
                        AND resolved_at <= resolve_due_at)::int AS on_time,
                   (SELECT count(*) FROM ticket_follow_ups f JOIN tickets t ON t.site_id = f.site_id AND t.id = f.ticket_id
                        WHERE f.site_id = $1 AND t.handler_id = $2 AND f.at >= $3 AND f.at < $4)::int AS follow_ups,
                   (SELECT count(*) FROM ticket_follow_ups f JOIN tickets t ON t.site_id = f.site_id AND t.id = f.ticket_id
                        WHERE f.site_id = $1 AND t.handler_id = $2 AND f.at >= $3 AND f.at < $4 AND f.rating <> 'unsatisfied')::int AS satisfied,
                   (SELECT count(*) FROM tickets c WHERE c.site_id = $1 AND c.category = 'complaint' AND c.cause_class = 1 AND c.received_at >= $3 AND c.received_at < $4
                        AND (EXISTS (SELECT 1 FROM tickets t WHERE t.site_id = c.site_id AND t.id = c.related_ticket_id AND t.handler_id = $2)
                             OR EXISTS (SELECT 1 FROM appointments a WHERE a.site_id = c.site_id AND a.id = c.appointment_id AND a.assigned_staff_id = $2)))::int AS complaints,
                   (SELECT count(*) FROM appointments WHERE site_id = $1 AND assigned_staff_id = $2 AND late_cancellation
                        AND lower(slot) >= $3 AND lower(slot) < $4)::int AS late
            """, [site.id, staff, from, to])
    }

    static func decodeEvidence(_ row: PostgresRow) throws -> AssessmentRules.Evidence {
        var evidence = AssessmentRules.Evidence()
        evidence.resolved = try row.decode("resolved")
        evidence.resolvedWithTarget = try row.decode("with_target")
        evidence.resolvedOnTime = try row.decode("on_time")
        evidence.followUps = try row.decode("follow_ups")
        evidence.followUpsSatisfied = try row.decode("satisfied")
        evidence.complaintsUpheld = try row.decode("complaints")
        evidence.lateCancellations = try row.decode("late")
        return evidence
    }

    /// Records the follow-up on the member's published result, only if it is in the bottom
    /// group; no row otherwise.
    static func recordFollowUp(site: UUID, cycle: UUID, staff: UUID, action: BottomFollowUp, note: String?, actor: UUID, now: Date) -> PostgresStatement {
        PostgresStatement(
            """
            UPDATE assessment_results r SET follow_up = $4, follow_up_note = $5, follow_up_by = $6, follow_up_at = $7
            FROM staff s WHERE r.site_id = $1 AND r.cycle_id = $2 AND r.staff_id = $3 AND r.bottom AND s.site_id = r.site_id AND s.id = r.staff_id
            RETURNING r.staff_id, s.employee_no, s.name, s.post_id, r.total, r.rank, r.post_rank, r.percentile, r.bottom, r.explanation, r.follow_up, r.follow_up_note
            """, [site, cycle, staff, action.rawValue, note, actor, now])
    }

    /// A row of `recordFollowUp` as the member's result with its follow-up.
    static func decodeFollowUp(_ row: PostgresRow) throws -> RankingEntry {
        RankingEntry(staffId: try row.decode("staff_id"), employeeNo: try row.decode("employee_no"), name: try row.decode("name"), postId: try row.decodeIfPresent("post_id"),
                     total: try row.decode("total"), rank: try row.decode("rank"), postRank: try row.decode("post_rank"), percentile: try row.decode("percentile"),
                     bottom: try row.decode("bottom"), explanation: try row.decode("explanation"), revision: nil, scores: nil,
                     followUp: try row.decodeIfPresent("follow_up", as: String.self).flatMap(BottomFollowUp.init(rawValue:)),
                     followUpNote: try row.decodeIfPresent("follow_up_note"))
    }

    // MARK: Headquarters summary

    /// Published cycles of one period across the sites of the caller's scope, optionally of a
    /// site kind and region: every result's total (by site and post), the bottom groups, and
    /// the number of cycles, in that order.
    static func summary(period: String, start: CalendarDate, end: CalendarDate, kind: String?, region: String?) -> [PostgresStatement] {
        let cycles = "c.status = 'published' AND c.period = $1 AND c.starts_on = $2 AND c.ends_on = $3 AND ($4::text IS NULL OR s.kind = $4) AND ($5::text IS NULL OR s.region = $5)"
        let parameters: [(any PostgresEncodable)?] = [period, start, end, kind, region]
        return [
            PostgresStatement(
                """
                SELECT s.code AS site, coalesce(p.code, 'none') AS post, r.total
                FROM assessment_results r JOIN assessment_cycles c ON c.site_id = r.site_id AND c.id = r.cycle_id JOIN sites s ON s.id = r.site_id
                JOIN staff st ON st.site_id = r.site_id AND st.id = r.staff_id LEFT JOIN posts p ON p.site_id = st.site_id AND p.id = st.post_id
                WHERE \(cycles) ORDER BY s.code, r.total
                """, parameters, prepared: false),
            PostgresStatement(
                """
                SELECT s.code AS site, r.cycle_id, st.employee_no, st.name, p.code AS post, r.total, r.rank, r.follow_up
                FROM assessment_results r JOIN assessment_cycles c ON c.site_id = r.site_id AND c.id = r.cycle_id JOIN sites s ON s.id = r.site_id
                JOIN staff st ON st.site_id = r.site_id AND st.id = r.staff_id LEFT JOIN posts p ON p.site_id = st.site_id AND p.id = st.post_id
                WHERE \(cycles) AND r.bottom ORDER BY s.code, r.total, st.employee_no
                """, parameters, prepared: false),
            PostgresStatement("SELECT count(*)::int AS n FROM assessment_cycles c JOIN sites s ON s.id = c.site_id WHERE \(cycles)", parameters, prepared: false),
        ]
    }

    /// A row of the first `summary` statement.
    static func decodeSummaryTotal(_ row: PostgresRow) throws -> (site: String, post: String, total: Decimal) {
        (try row.decode("site", as: String.self), try row.decode("post", as: String.self), try row.decode("total", as: Decimal.self))
    }

    /// A row of the second `summary` statement.
    static func decodeSummaryBottom(_ row: PostgresRow) throws -> AssessmentSummaryRoutes.BottomMember {
        AssessmentSummaryRoutes.BottomMember(
            siteCode: try row.decode("site"), cycleId: try row.decode("cycle_id"), employeeNo: try row.decode("employee_no"), name: try row.decode("name"),
            post: try row.decodeIfPresent("post"), total: try row.decode("total"), rank: try row.decode("rank"), followUp: try row.decodeIfPresent("follow_up"))
    }

    /// The row of the third `summary` statement.
    static func decodeSummaryCycles(_ row: PostgresRow) throws -> Int {
        try row.decode("n", as: Int.self)
    }
}
