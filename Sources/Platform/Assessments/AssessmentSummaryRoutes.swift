import Domain
import Foundation
import Hummingbird
import Postgres

/// `GET /api/v1/hq/assessments/summary?period=…`: published results across sites — the score
/// distribution per site and post, and the bottom groups with their follow-ups.
struct AssessmentSummaryRoutes {
    let services: APIServices

    struct Distribution: Sendable, Codable, Equatable {
        public var siteCode: String
        /// Post code, or `all` for the site's whole group.
        public var post: String
        public var count: Int
        public var min: Decimal
        public var p25: Decimal
        public var median: Decimal
        public var p75: Decimal
        public var max: Decimal
        public var mean: Decimal
    }

    struct BottomMember: Sendable, Codable, Equatable {
        public var siteCode: String
        public var cycleId: UUID
        public var employeeNo: String
        public var name: String
        public var post: String?
        public var total: Decimal
        public var rank: Int
        public var followUp: String?
    }

    struct Summary: Sendable, Codable, Equatable {
        public var period: String
        public var cycles: Int
        public var distributions: [Distribution]
        public var bottom: [BottomMember]
    }

    func register(_ routes: inout APIRoutes) {
        routes.add(Endpoint(
            .post, "/api/v1/hq/assessment-templates", summary: "Copy a group-wide template to sites (hq_admin); sites that have the code keep theirs",
            tag: "Assessments", request: "GroupAssessmentTemplate", response: "TemplateCopies", example: #"{"template":{"code":"group_monthly","name":"集团月度考核","kind":"regular","items":[{"dimension":"conduct","name":"职业道德","weight":20,"scaleMax":10},{"dimension":"ability","name":"业务能力","weight":30,"scaleMax":10},{"dimension":"diligence","name":"出勤","weight":20,"scaleMax":10},{"dimension":"results","name":"工作业绩","weight":30,"scaleMax":10}]},"kind":"hospital"}"#)) { request, context in
            let principal = try context.requirePrincipal()
            guard principal.globalRole?.may(.administerGroup) == true else {
                throw Problem(status: .forbidden, code: "auth.forbidden", detail: "group-wide templates are copied by hq_admin")
            }
            let (body, _) = try await services.body(GroupAssessmentTemplate.self, request, context)
            let template = try AssessmentCycleRules.validTemplate(body.template)
            let kind = try body.kind.map { kind -> String in
                guard OpenAPISchemas.siteKinds.contains(kind) else { throw DomainError.invalid(field: "kind", code: "request.invalid_value", message: "a site kind") }
                return kind
            }
            let codes = body.siteCodes?.map { $0.uppercased() }
            let copies = try await services.database.transaction(principal.scope) { connection -> TemplateCopies in
                let sites = try await connection.execute(AssessmentStore.copyTargets(codes: codes, kind: kind)).map(AssessmentStore.decodeCopyTarget)
                try AssessmentCycleRules.checkCopyTargets(requested: codes, active: sites.map { $0.code })
                var copies = TemplateCopies(created: [], skipped: [])
                for (site, code) in sites {
                    let inserted = try await connection.execute(AssessmentStore.copyTemplate(site: site, template))
                    if let id = try inserted.first.map(AssessmentStore.decodeCopied) {
                        copies.created.append(code)
                        try await connection.execute(AuditLog.record(site: site, scope: principal.scope, action: "assessment_template.copy", targetType: "assessment_template",
                                                               targetID: id.uuidString, detail: ["code": template.code], requestID: context.requestID))
                    } else {
                        copies.skipped.append(code)
                    }
                }
                return copies
            }
            return try Response.json(copies)
        }
        routes.add(Endpoint(
            .get, "/api/v1/hq/assessments/summary", summary: "Published assessment results across sites: distributions per site and post, bottom groups",
            tag: "Assessments", response: "AssessmentSummary",
            query: [.init("period", "string", "2026-11 (monthly), 2026-Q4 (quarterly) or 2026 (annual)"), .init("kind", "string", "Site kind", values: OpenAPISchemas.siteKinds),
                    .init("region", "string", "Region"), ReportRoutes.csvQuery])) { request, context in
            let scope = try services.headquartersScope(context, what: "the assessment summary")
            let csv = try CSVExport.wanted(request)
            guard let label = request.uri.queryParameters.get("period"), let period = Self.period(label) else {
                throw DomainError.invalid(field: "period", code: "request.invalid_value", message: "2026-11, 2026-Q4 or 2026")
            }
            let kind = try request.query("kind", oneOf: OpenAPISchemas.siteKinds)
            let region = try request.query(text: "region")
            let results = try await services.reports.pipeline(
                scope, AssessmentStore.summary(period: period.name, start: period.start, end: period.end, kind: kind, region: region))
            var groups: [String: [Decimal]] = [:]
            var order: [String] = []
            for row in results[0] {
                let (site, post, total) = try AssessmentStore.decodeSummaryTotal(row)
                for key in ["\(site)\t all", "\(site)\t\(post)"] {
                    if groups[key] == nil { order.append(key) }
                    groups[key, default: []].append(total)
                }
            }
            let distributions = order.sorted().map { key -> Distribution in
                let parts = key.split(separator: "\t", omittingEmptySubsequences: false)
                return Self.distribution(site: String(parts[0]), post: String(parts[1]).trimmingCharacters(in: .whitespaces), groups[key] ?? [])
            }
            let bottom = try results[1].map(AssessmentStore.decodeSummaryBottom)
            let summary = Summary(period: label, cycles: try AssessmentStore.decodeSummaryCycles(results[2][0]), distributions: distributions, bottom: bottom)
            guard csv else { return try Response.json(summary) }
            // One sheet: the distributions, a blank line, then the bottom group with its own header.
            let distributionRows = summary.distributions.map { d in
                [d.siteCode, d.post, String(d.count), "\(d.min)", "\(d.p25)", "\(d.median)", "\(d.p75)", "\(d.max)", "\(d.mean)"]
            }
            let bottomRows = [[], ["末位 Bottom group: 站点 Site", "工号 Employee no.", "姓名 Name", "岗位 Post", "总分 Total", "排名 Rank", "跟进 Follow-up"]]
                + summary.bottom.map { b in [b.siteCode, b.employeeNo, b.name, b.post ?? "", "\(b.total)", String(b.rank), b.followUp ?? ""] }
            return CSVExport.response(
                header: ["站点 Site", "岗位 Post", "人数 Count", "最低 Min", "P25", "中位数 Median", "P75", "最高 Max", "平均 Mean"],
                rows: distributionRows + bottomRows, filename: "assessments-\(label).csv")
        }
    }

    /// The cycle period and days a label names.
    static func period(_ label: String) -> (name: String, start: CalendarDate, end: CalendarDate)? {
        if let first = CalendarDate.month(label) { return ("monthly", first, .lastDay(ofMonth: first.month, year: first.year)) }
        let parts = label.split(separator: "-", omittingEmptySubsequences: false)
        guard let first = parts.first, first.count == 4, let year = Int(first), (2000...2999).contains(year), parts.count <= 2 else { return nil }
        if parts.count == 1 { return ("annual", CalendarDate(year: year, month: 1, day: 1), CalendarDate(year: year, month: 12, day: 31)) }
        if parts[1].hasPrefix("Q"), let quarter = Int(parts[1].dropFirst()), (1...4).contains(quarter) {
            let start = CalendarDate(year: year, month: quarter * 3 - 2, day: 1)
            return ("quarterly", start, .lastDay(ofMonth: quarter * 3, year: year))
        }
        return nil
    }

    /// Quartiles by the nearest-rank method on the sorted totals; the mean to two decimals.
    static func distribution(site: String, post: String, _ totals: [Decimal]) -> Distribution {
        let sorted = totals.sorted()
        func quantile(_ q: Decimal) -> Decimal {
            guard !sorted.isEmpty else { return 0 }
            return sorted[max(0, min(sorted.count - 1, (q * Decimal(sorted.count)).roundedUp() - 1))]
        }
        let rounded = (sorted.isEmpty ? 0 : sorted.reduce(0, +) / Decimal(sorted.count)).rounded(2)
        return Distribution(siteCode: site, post: post, count: sorted.count, min: sorted.first ?? 0, p25: quantile(0.25), median: quantile(0.5), p75: quantile(0.75),
                            max: sorted.last ?? 0, mean: rounded)
    }
}
