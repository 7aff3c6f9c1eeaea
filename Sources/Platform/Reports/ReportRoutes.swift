import Domain
import Foundation
import Hummingbird
import Postgres

/// Headquarters reports across sites (`/api/v1/hq/portfolio`, `/api/v1/hq/trends`), read
/// from the rollups `ReportRollup` keeps, so their cost follows the number of sites and
/// months, not the number of tickets. hq_admin and hq_analyst see every site, a regional
/// manager their own sites.
struct ReportRoutes {
    let services: APIServices

    struct SiteRow: Sendable, Codable, Equatable {
        var siteCode: String
        var name: String
        var kind: String
        var region: String?
        var measures: ReportMeasures
    }

    struct KindRow: Sendable, Codable, Equatable {
        var kind: String
        var sites: Int
        /// Counts summed over the kind's sites; rates of the summed counts.
        var total: ReportMeasures
        /// Each measure's median over the kind's sites.
        var median: ReportMeasures
    }

    struct Portfolio: Sendable, Codable, Equatable {
        var period: String
        var from: CalendarDate
        var through: CalendarDate
        /// When the oldest of the figures shown was computed.
        var computedAt: Date?
        var sites: [SiteRow]
        var kinds: [KindRow]
        var targets: [String: ReportTarget]
    }

    struct TrendMonth: Sendable, Codable, Equatable {
        var month: String
        var measures: ReportMeasures
    }

    struct Trend: Sendable, Codable, Equatable {
        var through: String
        var siteCode: String?
        var kind: String?
        var region: String?
        var sites: Int
        var months: [TrendMonth]
        var targets: [String: ReportTarget]
    }

    static let csvQuery = Endpoint.Query("format", "string", "json (default) or csv (UTF-8 with BOM); Accept: text/csv also gives CSV", values: ["json", "csv"])

    func register(_ routes: inout APIRoutes) {
        routes.add(Endpoint(
            .get, "/api/v1/hq/portfolio", summary: "One row per site with the period's figures, and totals and medians per site kind",
            tag: "Reports", response: "Portfolio",
            query: [.init("period", "string", "2026-11 (a month), 2026-Q4 or 2026"), .init("kind", "string", "Site kind", values: OpenAPISchemas.siteKinds),
                    .init("region", "string", "Region"), Self.csvQuery])) { request, context in
            try await portfolio(request, context)
        }
        routes.add(Endpoint(
            .get, "/api/v1/hq/trends", summary: "The same figures per month for 12 months, for one site, a kind, a region or every site in reach",
            tag: "Reports", response: "Trend",
            query: [.init("through", "string", "The last month, YYYY-MM (default: this month)"), .init("site", "string", "Site code"),
                    .init("kind", "string", "Site kind", values: OpenAPISchemas.siteKinds), .init("region", "string", "Region"), Self.csvQuery])) { request, context in
            try await trend(request, context)
        }
    }

    func portfolio(_ request: Request, _ context: PlatformRequestContext) async throws -> Response {
        let scope = try services.headquartersScope(context, what: "the portfolio")
        guard let label = request.uri.queryParameters.get("period"), let period = AssessmentSummaryRoutes.period(label) else {
            throw DomainError.invalid(field: "period", code: "request.invalid_value", message: "2026-11, 2026-Q4 or 2026")
        }
        let kind = try request.query("kind", oneOf: OpenAPISchemas.siteKinds)
        let region = try request.query(text: "region")
        let csv = try CSVExport.wanted(request)
        let sites = "s.status = 'active' AND ($1::text IS NULL OR s.kind = $1) AND ($2::text IS NULL OR s.region = $2)"
        let results = try await services.reports.pipeline(scope, [
            PostgresStatement(
                """
                SELECT s.code, s.name, s.kind, s.region, c.open_tickets, c.overdue_tickets, c.open_repeat_nonconformities, c.computed_at,
                       (SELECT count(*) FROM staff_certificates x WHERE x.site_id = s.id AND x.expires_on >= d.today AND x.expires_on <= d.today + 60)::int AS licences
                FROM sites s CROSS JOIN LATERAL (SELECT ($3::timestamptz AT TIME ZONE s.timezone)::date AS today) d
                LEFT JOIN site_current_figures c ON c.site_id = s.id
                WHERE \(sites) ORDER BY s.code
                """, [kind, region, services.clock.now()], prepared: false),
            Self.sums(group: "s.code", where: sites + " AND m.month >= $3 AND m.month <= $4", [kind, region, period.start, period.end]),
        ])
        let counters = try Self.counters(results[1])
        var oldest: Date? = try results[1].compactMap { try $0.decodeIfPresent("computed_at", as: Date.self) }.min()
        var rows: [SiteRow] = []
        var currents: [String: [String: Int]] = [:]
        for row in results[0] {
            let code: String = try row.decode("code")
            let current = ["open": try row.decodeIfPresent("open_tickets") ?? 0, "overdue": try row.decodeIfPresent("overdue_tickets") ?? 0,
                           "repeat_open": try row.decodeIfPresent("open_repeat_nonconformities") ?? 0, "licences": try row.decode("licences", as: Int.self)]
            if let at: Date = try row.decodeIfPresent("computed_at"), at < (oldest ?? .distantFuture) { oldest = at }
            currents[code] = current
            rows.append(SiteRow(siteCode: code, name: try row.decode("name"), kind: try row.decode("kind"), region: try row.decodeIfPresent("region"),
                                measures: ReportMeasures(counters[code] ?? [:], current: current)))
        }
        let kinds = Dictionary(grouping: rows, by: \.kind).sorted { $0.key < $1.key }.map { kind, members -> KindRow in
            var summed: [String: Int] = [:], current: [String: Int] = [:]
            for member in members {
                summed.merge(counters[member.siteCode] ?? [:], uniquingKeysWith: +)
                current.merge(currents[member.siteCode] ?? [:], uniquingKeysWith: +)
            }
            return KindRow(kind: kind, sites: members.count, total: ReportMeasures(summed, current: current), median: ReportMeasures(medianOf: members.map(\.measures)))
        }
        let portfolio = Portfolio(period: label, from: period.start, through: period.end, computedAt: oldest, sites: rows, kinds: kinds, targets: ReportTarget.group)
        guard csv else { return try Response.json(portfolio) }
        let header = ["站点 Site", "名称 Name", "类型 Kind", "区域 Region", "行 Row"] + ReportMeasures.columns.map { "\($0.chinese) \($0.english)" }
        var lines = rows.map { row in [row.siteCode, row.name, row.kind, row.region ?? "", "站点 site"] + Self.cells(row.measures) }
        for kind in kinds {
            lines.append(["", "", kind.kind, "", "合计 total (\(kind.sites))"] + Self.cells(kind.total))
            lines.append(["", "", kind.kind, "", "中位数 median"] + Self.cells(kind.median))
        }
        return CSVExport.response(header: header, rows: lines, filename: "portfolio-\(label).csv")
    }

    func trend(_ request: Request, _ context: PlatformRequestContext) async throws -> Response {
        let scope = try services.headquartersScope(context, what: "trends")
        let through: CalendarDate
        if let text = request.uri.queryParameters.get("through") {
            guard let month = CalendarDate.month(text) else {
                throw DomainError.invalid(field: "through", code: "request.invalid_value", message: "through is YYYY-MM, e.g. 2026-11")
            }
            through = month
        } else {
            through = CalendarDate.day(of: services.clock.now(), in: "UTC").firstOfMonth(adding: 0)
        }
        let from = through.firstOfMonth(adding: -11)
        let code = try request.query(text: "site", maxLength: 16)?.uppercased()
        let kind = try request.query("kind", oneOf: OpenAPISchemas.siteKinds)
        let region = try request.query(text: "region")
        let csv = try CSVExport.wanted(request)
        let sites = "s.status = 'active' AND ($1::text IS NULL OR s.code = $1) AND ($2::text IS NULL OR s.kind = $2) AND ($3::text IS NULL OR s.region = $3)"
        let results = try await services.reports.pipeline(scope, [
            PostgresStatement("SELECT count(*)::int AS n FROM sites s WHERE \(sites)", [code, kind, region], prepared: false),
            Self.sums(group: "to_char(m.month, 'YYYY-MM')", where: sites + " AND m.month >= $4 AND m.month <= $5", [code, kind, region, from, through]),
        ])
        let count: Int = try results[0][0].decode("n")
        if let code, count == 0 { throw Problem(status: .notFound, code: "site.not_found", detail: "no active site \(code) in your reach") }
        let counters = try Self.counters(results[1])
        var months: [TrendMonth] = []
        var month = from
        while month <= through {
            months.append(TrendMonth(month: month.monthLabel, measures: ReportMeasures(counters[month.monthLabel] ?? [:], current: nil)))
            month = month.firstOfMonth(adding: 1)
        }
        let trend = Trend(through: through.monthLabel, siteCode: code, kind: kind, region: region, sites: count, months: months, targets: ReportTarget.group)
        guard csv else { return try Response.json(trend) }
        let monthly = ReportMeasures.columns.filter { !["openTickets", "overdueTickets", "openRepeatNonconformities", "licencesExpiring60d"].contains($0.key) }
        return CSVExport.response(
            header: ["月份 Month"] + monthly.map { "\($0.chinese) \($0.english)" },
            rows: months.map { [$0.month] + Self.cells($0.measures, columns: monthly) },
            filename: "trend-\(code ?? kind ?? region ?? "all")-\(trend.through).csv")
    }

    /// The counters summed per `group` over the figures of the sites and months `where` selects,
    /// with when the oldest of them was computed.
    static func sums(group: String, where condition: String, _ parameters: [(any PostgresEncodable)?]) -> PostgresStatement {
        PostgresStatement(
            """
            SELECT \(group) AS grp, min(m.computed_at) AS computed_at, \(MonthFigures.columns.map { "sum(m.\($0))::bigint AS \($0)" }.joined(separator: ", "))
            FROM site_month_figures m JOIN sites s ON s.id = m.site_id
            WHERE \(condition) GROUP BY 1
            """, parameters, prepared: false)
    }

    static func counters(_ rows: PostgresRows) throws -> [String: [String: Int]] {
        var counters: [String: [String: Int]] = [:]
        for row in rows {
            var sums: [String: Int] = [:]
            for column in MonthFigures.columns { sums[column] = try row.decode(column) }
            counters[try row.decode("grp")] = sums
        }
        return counters
    }

    static func cells(_ measures: ReportMeasures, columns: [(key: String, english: String, chinese: String, value: @Sendable (ReportMeasures) -> Double?)] = ReportMeasures.columns) -> [String] {
        columns.map { column in
            guard let value = column.value(measures) else { return "" }
            return value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
        }
    }
}
