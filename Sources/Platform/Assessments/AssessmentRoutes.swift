import Domain
import Foundation
import Hummingbird
import Postgres

/// `/api/v1/sites/{siteCode}/assessment-templates` and `…/assessment-cycles`: templates,
/// cycles through their stages, scores with revisions, rankings, the bottom group.
struct AssessmentRoutes {
    let services: APIServices
    static let templates = "/api/v1/sites/{siteCode}/assessment-templates"
    static let cycles = "/api/v1/sites/{siteCode}/assessment-cycles"
    /// Stage actions: the action, the status it needs, the status it leads to.
    static let stages: [(action: String, from: CycleStatus, to: CycleStatus)] = [
        ("open", .draft, .open), ("review", .open, .managerReview), ("calibrate", .managerReview, .calibrated), ("publish", .calibrated, .published),
    ]

    func register(_ routes: inout APIRoutes) {
        routes.add(Endpoint(.get, Self.templates, summary: "Assessment templates", tag: "Assessments", response: "AssessmentTemplateList")) { _, context in
            let access = try await services.siteAccess(context)
            let rows = try await services.read(access, [PostgresStatement(
                "SELECT id, code, name, kind, items, version, created_at FROM assessment_templates WHERE site_id = $1 ORDER BY code", [access.site.id])])
            return try Response.json(TicketRoutes.Listing(items: try rows[0].map(Self.decodeTemplate)))
        }
        routes.add(Endpoint(.post, Self.templates, summary: "Add a template; weights must add up to 100 over all four dimensions (managers)", tag: "Assessments",
                            request: "NewAssessmentTemplate", response: "AssessmentTemplate", success: 201, idempotent: true, example: #"{"code":"monthly","name":"月度考核","kind":"regular","items":[{"dimension":"conduct","name":"职业道德","weight":20,"scaleMax":10},{"dimension":"ability","name":"业务能力","weight":30,"scaleMax":10},{"dimension":"diligence","name":"出勤","weight":20,"scaleMax":10},{"dimension":"results","name":"工作业绩","weight":30,"scaleMax":10}]}"#)) { request, context in
            let access = try await services.siteAccess(context)
            try access.require(.manageSite)
            let (body, data) = try await services.body(NewAssessmentTemplate.self, request, context)
            let template = try Self.validate(body)
            let site = access.site
            return try await services.create(
                request, context, access, body: data, collection: "assessment-templates", action: "assessment_template.create",
                conflict: DomainError(.conflict, code: "assessment.template_code_taken", message: "template code \(template.code) is already used at this site",
                                      fieldErrors: [.init(field: "code", code: "assessment.template_code_taken", message: "already used")])
            ) { connection in
                let row = try connection.query(
                    "INSERT INTO assessment_templates (site_id, code, name, kind, items) VALUES ($1, $2, $3, $4, $5) RETURNING id, code, name, kind, items, version, created_at",
                    [site.id, template.code, template.name, template.kind ?? "regular", PostgresJSON(template.items)])[0]
                let created = try Self.decodeTemplate(row)
                return .init(record: created, id: created.id, version: created.version, detail: ["code": created.code])
            }
        }
        routes.add(Endpoint(.get, Self.cycles, summary: "Assessment cycles, newest first", tag: "Assessments", response: "AssessmentCycleList")) { _, context in
            let access = try await services.siteAccess(context)
            let rows = try await services.read(access, [PostgresStatement("SELECT \(Self.cycleColumns) FROM assessment_cycles WHERE site_id = $1 ORDER BY starts_on DESC, id", [access.site.id])])
            return try Response.json(TicketRoutes.Listing(items: try rows[0].map(Self.decodeCycle)))
        }
        routes.add(Endpoint(.post, Self.cycles, summary: "Start a cycle (draft) for a site's departments and posts (managers)", tag: "Assessments",
                            request: "NewAssessmentCycle", response: "AssessmentCycle", success: 201, idempotent: true, example: #"{"templateId":"\#(ExampleIDs.template)","name":"2026年11月考核","period":"monthly","startsOn":"2026-11-01","endsOn":"2026-11-30","departmentIds":["\#(ExampleIDs.department)"]}"#)) { request, context in
            let access = try await services.siteAccess(context)
            try access.require(.manageSite)
            let (body, data) = try await services.body(NewAssessmentCycle.self, request, context)
            guard ["monthly", "quarterly", "annual"].contains(body.period) else {
                throw DomainError.invalid(field: "period", code: "request.invalid_value", message: "monthly, quarterly or annual")
            }
            guard body.startsOn <= body.endsOn else { throw DomainError.invalid(field: "endsOn", code: "request.invalid_value", message: "the cycle ends on or after its start") }
            let name = try InputText.trimmed(body.name, field: "name", max: 100) ?? ""
            guard !name.isEmpty else { throw DomainError.invalid(field: "name", code: "request.missing_field", message: "name the cycle") }
            let site = access.site
            return try await services.create(
                request, context, access, body: data, collection: "assessment-cycles", action: "assessment_cycle.create",
                conflict: DomainError(.conflict, code: "assessment.cycle_conflict", message: "the cycle conflicts with an existing one")
            ) { connection in
                let known = try connection.query(
                    """
                    SELECT EXISTS (SELECT 1 FROM assessment_templates WHERE site_id = $1 AND id = $2) AS template,
                           (SELECT count(*)::int FROM departments WHERE site_id = $1 AND id = ANY($3::uuid[])) AS departments,
                           (SELECT count(*)::int FROM posts WHERE site_id = $1 AND id = ANY($4::uuid[])) AS posts
                    """, [site.id, body.templateId, body.departmentIds ?? [], body.postIds ?? []])[0]
                var errors: [DomainError.FieldError] = []
                if try !known.decode("template", as: Bool.self) { errors.append(.init(field: "templateId", code: "assessment.unknown_template", message: "no such template at this site")) }
                if try known.decode("departments", as: Int.self) != Set(body.departmentIds ?? []).count {
                    errors.append(.init(field: "departmentIds", code: "assessment.unknown_department", message: "every department must be of this site"))
                }
                if try known.decode("posts", as: Int.self) != Set(body.postIds ?? []).count {
                    errors.append(.init(field: "postIds", code: "assessment.unknown_post", message: "every post must be of this site"))
                }
                try DomainError.check(errors)
                let created = try Self.decodeCycle(try connection.query(
                    """
                    INSERT INTO assessment_cycles (site_id, template_id, name, period, starts_on, ends_on, department_ids, post_ids)
                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING \(Self.cycleColumns)
                    """, [site.id, body.templateId, name, body.period, body.startsOn, body.endsOn, body.departmentIds ?? [], body.postIds ?? []])[0])
                return .init(record: created, id: created.id, version: created.version, detail: ["name": created.name])
            }
        }
        routes.add(Endpoint(.get, Self.cycles + "/{cycleId}", summary: "One cycle", tag: "Assessments", response: "AssessmentCycle")) { _, context in
            let access = try await services.siteAccess(context)
            let id = try context.uuidParameter("cycleId", resource: "assessment_cycle")
            return try await services.record(access, PostgresStatement("SELECT \(Self.cycleColumns) FROM assessment_cycles WHERE site_id = $1 AND id = $2", [access.site.id, id]),
                                             decode: Self.decodeCycle, version: \.version, missing: Self.cycleNotFound(id))
        }
        for stage in Self.stages {
            routes.add(Endpoint(.post, Self.cycles + "/{cycleId}/\(stage.action)", summary: "Move a \(stage.from.rawValue) cycle to \(stage.to.rawValue) (managers)"
                                + (stage.to == .published ? "; every member must be scored, and the results are frozen" : ""),
                                tag: "Assessments", response: "AssessmentCycle", conditional: true)) { request, context in
                try await advance(stage, request, context)
            }
        }
        routes.add(Endpoint(.put, Self.cycles + "/{cycleId}/scores/{staffId}", summary: "Score a member (a new revision; after publication with a reason) (managers)",
                            tag: "Assessments", request: "ScoreSheet", response: "RankingEntry", example: #"{"scores":[8,9,10,8]}"#)) { request, context in
            try await score(request, context)
        }
        routes.add(Endpoint(.get, Self.cycles + "/{cycleId}/rankings", summary: "Ranking within the site and within each post, with percentiles and the bottom group",
                            tag: "Assessments", response: "Ranking", query: [.init("format", "string", "json (default) or csv (UTF-8 with BOM)", values: ["json", "csv"])])) { request, context in
            try await ranking(request, context, bottomOnly: false)
        }
        routes.add(Endpoint(.get, Self.cycles + "/{cycleId}/bottom", summary: "The bottom group (末位) and the follow-up recorded for each", tag: "Assessments",
                            response: "Ranking", query: [.init("format", "string", "json (default) or csv (UTF-8 with BOM)", values: ["json", "csv"])])) { request, context in
            try await ranking(request, context, bottomOnly: true)
        }
        routes.add(Endpoint(.post, Self.cycles + "/{cycleId}/results/{staffId}/follow-up", summary: "Record the follow-up of a bottom-group member (managers)",
                            tag: "Assessments", request: "BottomFollowUpBody", response: "RankingEntry", example: #"{"action":"retraining","note":"参加服务规范培训两周"}"#)) { request, context in
            try await followUp(request, context)
        }
    }

    // MARK: Templates and cycles

    static func validate(_ body: NewAssessmentTemplate) throws -> NewAssessmentTemplate {
        var template = body
        template.code = template.code.trimmingCharacters(in: .whitespaces)
        template.name = template.name.trimmingCharacters(in: .whitespacesAndNewlines)
        if template.code.range(of: #"^[a-z][a-z0-9_]{0,31}$"#, options: .regularExpression) == nil {
            throw DomainError.invalid(field: "code", code: "request.invalid_value", message: "lower-case letters, digits and _, starting with a letter")
        }
        if template.name.isEmpty || template.name.count > 100 { throw DomainError.invalid(field: "name", code: "request.invalid_value", message: "1–100 characters") }
        if let kind = template.kind, kind != "regular" && kind != "probation" {
            throw DomainError.invalid(field: "kind", code: "request.invalid_value", message: "regular or probation")
        }
        for (index, item) in template.items.enumerated() where item.name.trimmingCharacters(in: .whitespaces).isEmpty || item.name.count > 100 {
            throw DomainError.invalid(field: "items[\(index)].name", code: "request.invalid_value", message: "1–100 characters")
        }
        try AssessmentRules.checkWeights(template.items.map { .init(dimension: $0.dimension, weight: $0.weight, scaleMax: $0.scaleMax) })
        for (index, item) in template.items.enumerated() {
            if item.metric == nil && item.target != nil {
                throw DomainError.invalid(field: "items[\(index)].target", code: "request.not_applicable", message: "only computed items (with a metric) have a target")
            }
            if let target = item.target, target <= 0 {
                throw DomainError.invalid(field: "items[\(index)].target", code: "request.invalid_value", message: "a target is positive")
            }
            if item.metric == .ticketsResolved && item.target == nil {
                throw DomainError.invalid(field: "items[\(index)].target", code: "request.missing_field", message: "how many resolved tickets earn full marks")
            }
        }
        return template
    }

    static func decodeTemplate(_ row: PostgresRow) throws -> AssessmentTemplate {
        AssessmentTemplate(id: try row.decode("id"), code: try row.decode("code"), name: try row.decode("name"), kind: try row.decode("kind"),
                           items: try row.decode("items", as: PostgresJSON<[AssessmentItem]>.self).value, version: try row.decode("version"),
                           createdAt: try row.decode("created_at"))
    }

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

    /// The cycle (locked) and its template, inside a transaction.
    static func cycle(_ connection: isolated PostgresConnection, site: UUID, id: UUID) throws -> (AssessmentCycle, AssessmentTemplate) {
        guard let row = try connection.query("SELECT \(cycleColumns) FROM assessment_cycles WHERE site_id = $1 AND id = $2 FOR UPDATE", [site, id]).first else {
            throw cycleNotFound(id)
        }
        let cycle = try decodeCycle(row)
        let template = try decodeTemplate(try connection.query(
            "SELECT id, code, name, kind, items, version, created_at FROM assessment_templates WHERE site_id = $1 AND id = $2", [site, cycle.templateId])[0])
        return (cycle, template)
    }

    /// The cycle's members (active staff of its departments and posts; for a probation
    /// template, only those on probation during the cycle) with their latest scores.
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

    struct Member: Sendable {
        var id: UUID
        var employeeNo: String
        var name: String
        var post: UUID?
        var total: Decimal?
        var revision: Int?
        var scores: [Decimal]?
    }

    static func decodeMember(_ row: PostgresRow) throws -> Member {
        Member(id: try row.decode("id"), employeeNo: try row.decode("employee_no"), name: try row.decode("name"), post: try row.decodeIfPresent("post_id"),
               total: try row.decodeIfPresent("total"), revision: try row.decodeIfPresent("revision"), scores: try row.decodeIfPresent("scores"))
    }

    /// The live ranking of scored members: within the whole group (with the bottom group),
    /// and within each post.
    static func rank(_ members: [Member], policy: [String: String]) -> [RankingEntry] {
        let share = policy["assessments.bottom_share"].flatMap { Decimal(string: $0) } ?? Decimal(string: "0.05")!
        let minimum = policy["assessments.bottom_minimum_group"].flatMap { Int($0) } ?? 20
        let scored = members.compactMap { member in member.total.map { (staffId: member.id, employeeNo: member.employeeNo, score: $0) } }
        let overall = Dictionary(uniqueKeysWithValues: AssessmentRules.rank(scored, share: share, minimumGroup: minimum).map { ($0.staffId, $0) })
        var postRanks: [UUID: Int] = [:]
        for (_, group) in Dictionary(grouping: members.filter { $0.total != nil }, by: { $0.post }) {
            for entry in AssessmentRules.rank(group.map { ($0.id, $0.employeeNo, $0.total ?? 0) }, share: 0, minimumGroup: Int.max) {
                postRanks[entry.staffId] = entry.rank
            }
        }
        return members.map { member in
            let ranked = overall[member.id]
            return RankingEntry(staffId: member.id, employeeNo: member.employeeNo, name: member.name, postId: member.post, total: member.total,
                                rank: ranked?.rank, postRank: postRanks[member.id], percentile: ranked?.percentile, bottom: ranked?.bottom ?? false,
                                explanation: ranked?.explanation ?? "not scored yet", revision: member.revision, scores: member.scores, followUp: nil, followUpNote: nil)
        }.sorted { ($0.rank ?? Int.max, $0.employeeNo) < ($1.rank ?? Int.max, $1.employeeNo) }
    }

    func advance(_ stage: (action: String, from: CycleStatus, to: CycleStatus), _ request: Request, _ context: PlatformRequestContext) async throws -> Response {
        let access = try await services.siteAccess(context)
        try access.require(.manageSite)
        let id = try context.uuidParameter("cycleId", resource: "assessment_cycle")
        let expected = try Versioning.expectedVersion(request)
        let rules = try await services.rulebook.rules(for: access.site)
        let (site, scope, requestID, now) = (access.site, access.scope, context.requestID, services.clock.now())
        let cycle = try await services.database.transaction(scope) { connection -> AssessmentCycle in
            let (cycle, _) = try Self.cycle(connection, site: site.id, id: id)
            if let expected, expected != cycle.version { throw Versioning.stale(current: cycle.version) }
            guard cycle.status == stage.from else {
                throw DomainError(.conflict, code: "assessment.wrong_stage", message: "a \(cycle.status.rawValue) cycle cannot \(stage.action); it must be \(stage.from.rawValue)")
            }
            if stage.to == .published {
                let members = try connection.execute(Self.members(site: site.id, cycle: cycle)).map(Self.decodeMember)
                let unscored = members.filter { $0.total == nil }
                guard unscored.isEmpty else {
                    throw DomainError(.invalid, code: "assessment.unscored", message: "\(unscored.count) member(s) are not scored: \(unscored.prefix(10).map(\.employeeNo).joined(separator: ", "))")
                }
                let ranking = Self.rank(members, policy: rules.policies)
                try connection.query(
                    """
                    INSERT INTO assessment_results (site_id, cycle_id, staff_id, total, rank, post_rank, percentile, bottom, explanation)
                    SELECT $1, $2, * FROM unnest($3::uuid[], $4::numeric[], $5::int[], $6::int[], $7::numeric[], $8::bool[], $9::text[])
                    """, [site.id, cycle.id, ranking.map(\.staffId), ranking.map { $0.total ?? 0 }, ranking.map { $0.rank ?? 0 }, ranking.map { $0.postRank ?? 0 },
                          ranking.map { $0.percentile ?? 0 }, ranking.map(\.bottom), ranking.map(\.explanation)])
                try connection.execute(ReportQueue.month(site: site.id, of: cycle.endsOn))
            }
            let row = try connection.query(
                """
                UPDATE assessment_cycles SET status = $3, published_at = CASE WHEN $3 = 'published' THEN $4 ELSE published_at END, version = version + 1, updated_at = $4
                WHERE site_id = $1 AND id = $2 RETURNING \(Self.cycleColumns)
                """, [site.id, id, stage.to.rawValue, now])[0]
            try connection.execute(AuditLog.record(site: site.id, scope: scope, action: "assessment_cycle.\(stage.action)", targetType: "assessment_cycle",
                                                   targetID: id.uuidString, detail: ["status": stage.to.rawValue], requestID: requestID))
            return try Self.decodeCycle(row)
        }
        return try Response.json(cycle, version: cycle.version)
    }

    func score(_ request: Request, _ context: PlatformRequestContext) async throws -> Response {
        let access = try await services.siteAccess(context)
        try access.require(.manageSite)
        let id = try context.uuidParameter("cycleId", resource: "assessment_cycle")
        let staffID = try context.uuidParameter("staffId", resource: "staff")
        let (body, _) = try await services.body(ScoreSheet.self, request, context)
        let reason = try InputText.trimmed(body.reason, field: "reason", max: 2000)
        let (site, scope, requestID, now, actor) = (access.site, access.scope, context.requestID, services.clock.now(), access.principal.userID)
        let entry = try await services.database.transaction(scope) { connection -> RankingEntry in
            let (cycle, template) = try Self.cycle(connection, site: site.id, id: id)
            guard cycle.status != .draft else { throw DomainError(.conflict, code: "assessment.wrong_stage", message: "open the cycle before scoring") }
            let published = cycle.status == .published
            if published && reason == nil {
                throw DomainError.invalid(field: "reason", code: "assessment.reason_required", message: "the cycle is published: a later edit is a revision with a reason")
            }
            let manual = template.items.filter { $0.metric == nil }
            guard body.scores.count == manual.count else {
                throw DomainError.invalid(field: "scores", code: "request.invalid_value", message: "one score per hand-scored item: \(manual.count) (computed items are filled in)")
            }
            for (index, (score, item)) in zip(body.scores, manual).enumerated() where score < 0 || score > item.scaleMax {
                throw DomainError.invalid(field: "scores[\(index)]", code: "request.invalid_value", message: "\(item.name) is scored 0–\(item.scaleMax)")
            }
            let members = try connection.execute(Self.members(site: site.id, cycle: cycle)).map(Self.decodeMember)
            guard let member = members.first(where: { $0.id == staffID }) else {
                throw Problem(status: .notFound, code: "staff.not_found", detail: "no member \(staffID.uuidString) in this cycle")
            }
            let evidence = template.items.contains { $0.metric != nil }
                ? try Self.evidence(connection, site: site, staff: staffID, cycle: cycle) : AssessmentRules.Evidence()
            var manualScores = body.scores.makeIterator()
            let scores: [Decimal] = template.items.map { item in
                item.metric.map { AssessmentRules.computedScore($0, target: item.target, scaleMax: item.scaleMax, evidence: evidence) } ?? manualScores.next() ?? 0
            }
            let total = AssessmentRules.weightedScore(zip(template.items, scores).map { (AssessmentRules.Item(dimension: $0.dimension, weight: $0.weight, scaleMax: $0.scaleMax), $1) })
            let revision = (member.revision ?? 0) + 1
            try connection.query(
                """
                INSERT INTO assessment_scores (site_id, cycle_id, staff_id, revision, scores, total, after_publication, reason, actor_id, at)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
                """, [site.id, id, staffID, revision, scores, total, published, reason, actor, now])
            try connection.execute(AuditLog.record(site: site.id, scope: scope, action: "assessment.score", targetType: "staff", targetID: staffID.uuidString,
                                                   detail: ["cycle": id.uuidString, "total": "\(total)", "revision": String(revision)], requestID: requestID))
            return RankingEntry(staffId: staffID, employeeNo: member.employeeNo, name: member.name, postId: member.post, total: total, rank: nil, postRank: nil,
                                percentile: nil, bottom: false, explanation: published ? "revision \(revision) recorded; the published result is unchanged" : "scored",
                                revision: revision, scores: scores, followUp: nil, followUpNote: nil)
        }
        return try Response.json(entry)
    }

    /// What the platform recorded about a member over the cycle's days (site timezone).
    /// Complaints count against the member when upheld as our service's fault (cause class 1)
    /// and about a ticket they handled or a home visit they made.
    static func evidence(_ connection: isolated PostgresConnection, site: Site, staff: UUID, cycle: AssessmentCycle) throws -> AssessmentRules.Evidence {
        let (from, to) = WorkingCalendar.span(cycle.startsOn, through: cycle.endsOn, in: TimeZone(identifier: site.timezone) ?? .gmt)
        let row = try connection.query(
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
                        AND lower(slot) >= $3 AND lower(slot) < $4)::int AS late,
                   (SELECT count(*) FROM appointments WHERE site_id = $1 AND assigned_staff_id = $2 AND status = 'no_show'
                        AND lower(slot) >= $3 AND lower(slot) < $4)::int AS no_shows
            """, [site.id, staff, from, to])[0]
        var evidence = AssessmentRules.Evidence()
        evidence.resolved = try row.decode("resolved")
        evidence.resolvedWithTarget = try row.decode("with_target")
        evidence.resolvedOnTime = try row.decode("on_time")
        evidence.followUps = try row.decode("follow_ups")
        evidence.followUpsSatisfied = try row.decode("satisfied")
        evidence.complaintsUpheld = try row.decode("complaints")
        evidence.lateCancellations = try row.decode("late")
        evidence.noShows = try row.decode("no_shows")
        return evidence
    }

    func ranking(_ request: Request, _ context: PlatformRequestContext, bottomOnly: Bool) async throws -> Response {
        let access = try await services.siteAccess(context)
        guard access.role.may(.manageSite) || access.role == .hqAnalyst else {
            throw Problem(status: .forbidden, code: "auth.forbidden", detail: "rankings are for managers and headquarters")
        }
        let id = try context.uuidParameter("cycleId", resource: "assessment_cycle")
        let wantsCSV = try CSVExport.wanted(request)
        let rules = try await services.rulebook.rules(for: access.site)
        let site = access.site
        let ranking = try await services.database.transaction(access.scope) { connection -> Ranking in
            guard let row = try connection.query("SELECT \(Self.cycleColumns) FROM assessment_cycles WHERE site_id = $1 AND id = $2", [site.id, id]).first else {
                throw Self.cycleNotFound(id)
            }
            let cycle = try Self.decodeCycle(row)
            let rows = try connection.execute(Self.members(site: site.id, cycle: cycle))
            var entries: [RankingEntry]
            if cycle.status == .published {
                entries = try rows.compactMap { row -> RankingEntry? in
                    guard let total: Decimal = try row.decodeIfPresent("frozen_total") else { return nil }
                    return RankingEntry(
                        staffId: try row.decode("id"), employeeNo: try row.decode("employee_no"), name: try row.decode("name"), postId: try row.decodeIfPresent("post_id"),
                        total: total, rank: try row.decode("rank"), postRank: try row.decode("post_rank"), percentile: try row.decode("percentile"),
                        bottom: try row.decode("bottom"), explanation: try row.decode("explanation"), revision: try row.decodeIfPresent("revision"),
                        scores: nil, followUp: try row.decodeIfPresent("follow_up", as: String.self).flatMap(BottomFollowUp.init(rawValue:)),
                        followUpNote: try row.decodeIfPresent("follow_up_note"))
                }.sorted { ($0.rank ?? 0, $0.employeeNo) < ($1.rank ?? 0, $1.employeeNo) }
            } else {
                entries = Self.rank(try rows.map(Self.decodeMember), policy: rules.policies)
            }
            if bottomOnly { entries = entries.filter(\.bottom) }
            return Ranking(cycleId: id, status: cycle.status, frozen: cycle.status == .published, items: entries)
        }
        guard wantsCSV else { return try Response.json(ranking) }
        func text<T>(_ value: T?) -> String { value.map { "\($0)" } ?? "" }
        return CSVExport.response(
            header: ["排名", "岗位排名", "工号", "姓名", "总分", "百分位", "末位", "说明", "跟进措施"],
            rows: ranking.items.map { entry in
                [text(entry.rank), text(entry.postRank), entry.employeeNo, entry.name, text(entry.total), text(entry.percentile),
                 entry.bottom ? "是" : "否", entry.explanation, text(entry.followUp?.rawValue)]
            },
            filename: "ranking-\(id.uuidString).csv")
    }

    func followUp(_ request: Request, _ context: PlatformRequestContext) async throws -> Response {
        let access = try await services.siteAccess(context)
        try access.require(.manageSite)
        let id = try context.uuidParameter("cycleId", resource: "assessment_cycle")
        let staffID = try context.uuidParameter("staffId", resource: "staff")
        let (body, _) = try await services.body(BottomFollowUpBody.self, request, context)
        let note = try InputText.trimmed(body.note, field: "note", max: 2000)
        let (site, scope, requestID, now, actor) = (access.site, access.scope, context.requestID, services.clock.now(), access.principal.userID)
        let entry = try await services.database.transaction(scope) { connection -> RankingEntry in
            let (cycle, _) = try Self.cycle(connection, site: site.id, id: id)
            guard cycle.status == .published else { throw DomainError(.conflict, code: "assessment.wrong_stage", message: "follow-ups are recorded on published results") }
            guard let row = try connection.query(
                """
                UPDATE assessment_results r SET follow_up = $4, follow_up_note = $5, follow_up_by = $6, follow_up_at = $7
                FROM staff s WHERE r.site_id = $1 AND r.cycle_id = $2 AND r.staff_id = $3 AND r.bottom AND s.site_id = r.site_id AND s.id = r.staff_id
                RETURNING r.staff_id, s.employee_no, s.name, s.post_id, r.total, r.rank, r.post_rank, r.percentile, r.explanation
                """, [site.id, id, staffID, body.action.rawValue, note, actor, now]).first
            else {
                throw DomainError(.invalid, code: "assessment.not_in_bottom_group", message: "only members of the published bottom group get a follow-up")
            }
            try connection.execute(AuditLog.record(site: site.id, scope: scope, action: "assessment.follow_up", targetType: "staff", targetID: staffID.uuidString,
                                                   detail: ["cycle": id.uuidString, "action": body.action.rawValue], requestID: requestID))
            return RankingEntry(staffId: staffID, employeeNo: try row.decode("employee_no"), name: try row.decode("name"), postId: try row.decodeIfPresent("post_id"),
                                total: try row.decode("total"), rank: try row.decode("rank"), postRank: try row.decode("post_rank"), percentile: try row.decode("percentile"),
                                bottom: true, explanation: try row.decode("explanation"), revision: nil, scores: nil, followUp: body.action, followUpNote: note)
        }
        return try Response.json(entry)
    }
}
