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

    func register(_ routes: inout APIRoutes) {
        routes.add(Endpoint(.get, Self.templates, summary: "Assessment templates", tag: "Assessments", response: "AssessmentTemplateList")) { _, context in
            let access = try await services.siteAccess(context)
            let rows = try await services.read(access, [AssessmentStore.templates(site: access.site.id)])
            return try Response.json(TicketRoutes.Listing(items: try rows[0].map(AssessmentStore.decodeTemplate)))
        }
        routes.add(Endpoint(.post, Self.templates, summary: "Add a template; weights must add up to 100 over all four dimensions (managers)", tag: "Assessments",
                            request: "NewAssessmentTemplate", response: "AssessmentTemplate", success: 201, idempotent: true, example: #"{"code":"monthly","name":"月度考核","kind":"regular","items":[{"dimension":"conduct","name":"职业道德","weight":20,"scaleMax":10},{"dimension":"ability","name":"业务能力","weight":30,"scaleMax":10},{"dimension":"diligence","name":"出勤","weight":20,"scaleMax":10},{"dimension":"results","name":"工作业绩","weight":30,"scaleMax":10}]}"#)) { request, context in
            let access = try await services.siteAccess(context)
            try access.require(.manageSite)
            let (body, data) = try await services.body(NewAssessmentTemplate.self, request, context)
            let template = try AssessmentCycleRules.validTemplate(body)
            let site = access.site
            return try await services.create(
                request, context, access, body: data, collection: "assessment-templates", action: "assessment_template.create",
                conflict: DomainError(.conflict, code: "assessment.template_code_taken", message: "template code \(template.code) is already used at this site",
                                      fieldErrors: [.init(field: "code", code: "assessment.template_code_taken", message: "already used")])
            ) { connection in
                let created = try await AssessmentStore.decodeTemplate(try connection.execute(AssessmentStore.insertTemplate(site: site.id, template))[0])
                return .init(record: created, id: created.id, version: created.version, detail: ["code": created.code])
            }
        }
        routes.add(Endpoint(.get, Self.cycles, summary: "Assessment cycles, newest first", tag: "Assessments", response: "AssessmentCycleList")) { _, context in
            let access = try await services.siteAccess(context)
            let rows = try await services.read(access, [AssessmentStore.cycles(site: access.site.id)])
            return try Response.json(TicketRoutes.Listing(items: try rows[0].map(AssessmentStore.decodeCycle)))
        }
        routes.add(Endpoint(.post, Self.cycles, summary: "Start a cycle (draft) for a site's departments and posts (managers)", tag: "Assessments",
                            request: "NewAssessmentCycle", response: "AssessmentCycle", success: 201, idempotent: true, example: #"{"templateId":"\#(ExampleIDs.template)","name":"2026年11月考核","period":"monthly","startsOn":"2026-11-01","endsOn":"2026-11-30","departmentIds":["\#(ExampleIDs.department)"]}"#)) { request, context in
            let access = try await services.siteAccess(context)
            try access.require(.manageSite)
            let (body, data) = try await services.body(NewAssessmentCycle.self, request, context)
            let cycle = try AssessmentCycleRules.validCycle(body)
            let site = access.site
            return try await services.create(
                request, context, access, body: data, collection: "assessment-cycles", action: "assessment_cycle.create",
                conflict: DomainError(.conflict, code: "assessment.cycle_conflict", message: "the cycle conflicts with an existing one")
            ) { connection in
                let found = try await AssessmentStore.decodeReferences(try connection.execute(AssessmentStore.references(site: site.id, cycle))[0])
                try AssessmentCycleRules.checkReferences(cycle, found: found)
                let created = try await AssessmentStore.decodeCycle(try connection.execute(AssessmentStore.insertCycle(site: site.id, cycle))[0])
                return .init(record: created, id: created.id, version: created.version, detail: ["name": created.name])
            }
        }
        routes.add(Endpoint(.get, Self.cycles + "/{cycleId}", summary: "One cycle", tag: "Assessments", response: "AssessmentCycle")) { _, context in
            let access = try await services.siteAccess(context)
            let id = try context.uuidParameter("cycleId", resource: "assessment_cycle")
            return try await services.record(access, AssessmentStore.cycle(site: access.site.id, id: id),
                                             decode: AssessmentStore.decodeCycle, version: \.version, missing: AssessmentStore.cycleNotFound(id))
        }
        for stage in AssessmentCycleRules.stages {
            routes.add(Endpoint(.post, Self.cycles + "/{cycleId}/\(stage.action)", summary: "Move a \(stage.from.rawValue) cycle to \(stage.to.rawValue) (managers)"
                                + (stage.publishes ? "; every member must be scored, and the results are frozen" : ""),
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

    // MARK: Stages, scores, rankings and follow-ups

    func advance(_ stage: CycleStage, _ request: Request, _ context: PlatformRequestContext) async throws -> Response {
        let access = try await services.siteAccess(context)
        try access.require(.manageSite)
        let id = try context.uuidParameter("cycleId", resource: "assessment_cycle")
        let expected = try Versioning.expectedVersion(request)
        let policy = try await services.rulebook.rules(for: access.site).ranking
        let (site, scope, requestID, now) = (access.site, access.scope, context.requestID, services.clock.now())
        let cycle = try await services.database.transaction(scope) { connection -> AssessmentCycle in
            let (cycle, _) = try await AssessmentStore.lockedCycle(connection, site: site.id, id: id)
            if let expected, expected != cycle.version { throw Versioning.stale(current: cycle.version) }
            try AssessmentCycleRules.checkStage(stage, of: cycle)
            if stage.publishes {
                let members = try await connection.execute(AssessmentStore.members(site: site.id, cycle: cycle)).map(AssessmentStore.decodeMember)
                let results = try AssessmentCycleRules.publish(members, policy: policy)
                try await connection.execute(AssessmentStore.insertResults(site: site.id, cycle: cycle.id, results))
                try await connection.execute(ReportQueue.month(site: site.id, of: cycle.endsOn))
            }
            let row = try await connection.execute(AssessmentStore.advance(site: site.id, id: id, to: stage.to, now: now))[0]
            try await connection.execute(AuditLog.record(site: site.id, scope: scope, action: "assessment_cycle.\(stage.action)", targetType: "assessment_cycle",
                                                   targetID: id.uuidString, detail: ["status": stage.to.rawValue], requestID: requestID))
            return try AssessmentStore.decodeCycle(row)
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
            let (cycle, template) = try await AssessmentStore.lockedCycle(connection, site: site.id, id: id)
            try AssessmentCycleRules.checkScoreSheet(body.scores, reason: reason, cycle: cycle, template: template)
            let members = try await connection.execute(AssessmentStore.members(site: site.id, cycle: cycle)).map(AssessmentStore.decodeMember)
            let member = try AssessmentCycleRules.member(staffID, of: members)
            let evidence = AssessmentCycleRules.usesEvidence(template)
                ? try AssessmentStore.decodeEvidence(try await connection.execute(AssessmentStore.evidence(site: site, staff: staffID, cycle: cycle))[0])
                : AssessmentRules.Evidence()
            let revision = AssessmentCycleRules.revision(of: member, scores: body.scores, reason: reason, cycle: cycle, template: template, evidence: evidence)
            try await connection.execute(AssessmentStore.insertScore(site: site.id, cycle: id, revision, actor: actor, now: now))
            try await connection.execute(AuditLog.record(site: site.id, scope: scope, action: "assessment.score", targetType: "staff", targetID: staffID.uuidString,
                                                   detail: ["cycle": id.uuidString, "total": "\(revision.total)", "revision": String(revision.revision)], requestID: requestID))
            return revision.entry
        }
        return try Response.json(entry)
    }

    func ranking(_ request: Request, _ context: PlatformRequestContext, bottomOnly: Bool) async throws -> Response {
        let access = try await services.siteAccess(context)
        guard access.role.may(.manageSite) || access.role == .hqAnalyst else {
            throw Problem(status: .forbidden, code: "auth.forbidden", detail: "rankings are for managers and headquarters")
        }
        let id = try context.uuidParameter("cycleId", resource: "assessment_cycle")
        let wantsCSV = try CSVExport.wanted(request)
        let policy = try await services.rulebook.rules(for: access.site).ranking
        let site = access.site
        let ranking = try await services.database.transaction(access.scope) { connection -> Ranking in
            guard let row = try await connection.execute(AssessmentStore.cycle(site: site.id, id: id)).first else {
                throw AssessmentStore.cycleNotFound(id)
            }
            let cycle = try AssessmentStore.decodeCycle(row)
            let rows = try await connection.execute(AssessmentStore.members(site: site.id, cycle: cycle))
            return AssessmentCycleRules.ranking(of: cycle, members: try rows.map(AssessmentStore.decodeMember), frozen: try rows.compactMap(AssessmentStore.decodeResult),
                                                policy: policy, bottomOnly: bottomOnly)
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
            let (cycle, _) = try await AssessmentStore.lockedCycle(connection, site: site.id, id: id)
            try AssessmentCycleRules.checkFollowUp(on: cycle)
            let written = try await connection.execute(AssessmentStore.recordFollowUp(site: site.id, cycle: id, staff: staffID, action: body.action, note: note, actor: actor, now: now))
                .first.map(AssessmentStore.decodeFollowUp)
            let result = try AssessmentCycleRules.followedUp(written)
            try await connection.execute(AuditLog.record(site: site.id, scope: scope, action: "assessment.follow_up", targetType: "staff", targetID: staffID.uuidString,
                                                   detail: ["cycle": id.uuidString, "action": body.action.rawValue], requestID: requestID))
            return result
        }
        return try Response.json(entry)
    }
}
