import Domain
import Foundation
import Hummingbird
import Postgres

/// The records kept about tickets: the daily suggestion roll-up and the monthly suggestion
/// table (建议情况月度表), and the quarterly archive of complaint and follow-up records with
/// its filing (存档保管2年). Read by reception, managers and headquarters
/// (`TicketRecords.mayRead`); a quarter is filed by a site manager.
extension TicketRoutes {
    func registerRecords(_ routes: inout APIRoutes) {
        routes.add(Endpoint(
            .get, Self.base + "/suggestions/daily",
            summary: "The day's suggestions by department, undispatched ones under their own heading, for the department heads (每日下班前统一整理上报部门主管)",
            tag: "Tickets", response: "SuggestionDay",
            query: [.init("date", "string", "The day, YYYY-MM-DD in the site's timezone (default: today)", format: "date")])) { request, context in
            try await suggestionDay(request, context)
        }
        routes.add(Endpoint(
            .get, Self.base + "/suggestions/monthly",
            summary: "The monthly suggestion table (建议情况月度表): each suggestion, adopted or not, when the reporter was told, and the totals",
            tag: "Tickets", response: "SuggestionMonth",
            query: [.init("month", "string", "YYYY-MM in the site's timezone"), ReportRoutes.csvQuery])) { request, context in
            try await suggestionMonth(request, context)
        }
        routes.add(Endpoint(
            .get, Self.base + "/archive",
            summary: "The quarter's complaint records and follow-up records (回访记录) to file with the archivist, and the filing once recorded",
            tag: "Tickets", response: "TicketArchive",
            query: [.init("quarter", "string", "YYYY-Qn in the site's timezone, e.g. 2026-Q3"), ReportRoutes.csvQuery])) { request, context in
            try await archive(request, context)
        }
        routes.add(Endpoint(
            .post, Self.base + "/archive/{quarter}",
            summary: "Record that the quarter's records were filed (site managers); once, after the quarter has ended; late after the 10th of the next quarter's first month",
            tag: "Tickets", response: "TicketArchiveFiling", success: 201)) { request, context in
            try await fileArchive(request, context)
        }
    }

    func suggestionDay(_ request: Request, _ context: PlatformRequestContext) async throws -> Response {
        let access = try await services.siteAccess(context)
        try TicketRecords.authoriseReading(access.role, what: "the daily suggestion roll-up")
        let date = try request.query(date: "date") ?? CalendarDate.day(of: services.clock.now(), in: access.site.timezone)
        let rules = try await services.rulebook.rules(for: access.site)
        let span = WorkingCalendar.span(date, through: date, in: rules.timeZone)
        let rows = try await services.read(access, [TicketRecordsStore.suggestions(site: access.site.id, start: span.start, end: span.end)])
        let entries = try rows[0].map(TicketRecordsStore.decodeSuggestion)
        return try Response.json(SuggestionRegister.day(date, timezone: access.site.timezone, entries: entries))
    }

    func suggestionMonth(_ request: Request, _ context: PlatformRequestContext) async throws -> Response {
        let access = try await services.siteAccess(context)
        try TicketRecords.authoriseReading(access.role, what: "the monthly suggestion table")
        let month = try request.requiredQuery(month: "month")
        let csv = try CSVExport.wanted(request)
        let rules = try await services.rulebook.rules(for: access.site)
        let range = try TicketStatisticsStore.monthRange(month, timeZone: rules.timeZone)
        let rows = try await services.read(access, [TicketRecordsStore.suggestions(site: access.site.id, start: range.start, end: range.end)])
        let table = SuggestionRegister.month(month, timezone: access.site.timezone, entries: try rows[0].map(TicketRecordsStore.decodeSuggestion))
        guard csv else { return try Response.json(table) }
        let zone = rules.timeZone
        func time(_ instant: Date?) -> String { instant.map { TicketRecords.localTime($0, in: zone) } ?? "" }
        func adopted(_ value: Bool?) -> String {
            switch value {
            case true?: "是 adopted"
            case false?: "否 not adopted"
            case nil: "待定 pending"
            }
        }
        var lines: [[String]] = table.items.map { item -> [String] in
            let department = item.departmentName ?? item.departmentCode ?? "未派单 undispatched"
            let reporter: [String] = [item.reporter.name ?? "", item.reporter.phone ?? "", item.reporter.unit ?? ""]
            return [item.number, time(item.receivedAt)] + reporter + [item.summary, department, adopted(item.adopted), time(item.answeredAt), item.reply ?? ""]
        }
        let totals = table.totals
        lines.append([])
        lines += [["收到 Received", String(totals.received)], ["采纳 Adopted", String(totals.adopted)], ["未采纳 Not adopted", String(totals.notAdopted)],
                  ["待定 Pending", String(totals.pending)], ["已告知 Told", String(totals.told)]]
        return CSVExport.response(
            header: ["编号 Number", "受理时间 Received", "建议人 Reporter", "电话 Phone", "房号 Unit", "建议内容 Summary", "部门 Department", "采纳 Adopted",
                     "告知时间 Answered", "答复 Reply"],
            rows: lines, filename: "suggestions-\(access.site.code)-\(month).csv")
    }

    func archive(_ request: Request, _ context: PlatformRequestContext) async throws -> Response {
        let access = try await services.siteAccess(context)
        try TicketRecords.authoriseReading(access.role, what: "the quarterly archive")
        let quarter = try TicketArchiveRules.quarter(try request.query(value: "quarter"))
        let csv = try CSVExport.wanted(request)
        let rules = try await services.rulebook.rules(for: access.site)
        let span = WorkingCalendar.span(quarter.first, through: quarter.last, in: rules.timeZone)
        let now = services.clock.now()
        let site = access.site
        let results = try await services.reports.pipeline(access.scope, TicketRecordsStore.archive(site: site.id, start: span.start, end: span.end)
                                              + [TicketRecordsStore.filing(site: site.id, quarter: quarter.description)])
        let tickets = try results[0].map { try TicketStore.decode($0, now: now) }
        var followUps: [UUID: [TicketFollowUpRecord]] = [:]
        for row in results[1] {
            let ticket: UUID = try row.decode("ticket_id")
            followUps[ticket, default: []].append(try TicketStore.decodeFollowUp(row))
        }
        let records = tickets.map { TicketArchiveRecord(ticket: $0, followUps: followUps[$0.id] ?? []) }
        let archive = TicketArchive(
            quarter: quarter.description, timezone: site.timezone, from: quarter.first, through: quarter.last, dueOn: quarter.filingDueOn,
            filing: try results[3].first.map(TicketRecordsStore.decodeFiling), tickets: records.count, followUps: results[1].count, records: records)
        guard csv else { return try Response.json(archive) }

        var departments: [UUID: String] = [:]
        for row in results[2] {
            let id: UUID = try row.decode("id")
            departments[id] = try row.decode("name", as: String.self)
        }
        let zone = rules.timeZone
        func time(_ instant: Date?) -> String { instant.map { TicketRecords.localTime($0, in: zone) } ?? "" }
        let header = ["记录 Record", "编号 Number", "类别 Category", "受理时间 Received", "客户 Reporter", "电话 Phone", "房号 Unit", "地点 Location",
                      "内容 Description", "原因类别 Cause class", "部门 Department", "状态 Status", "处理结果 Result", "完成时间 Resolved",
                      "客户意见 Customer opinion", "回访时间 Follow-up at", "回访方式 Method", "满意度 Satisfaction", "评价 Rating", "回访意见 Comments",
                      "客户确认 Confirmed by"]
        var lines: [[String]] = []
        for record in records {
            let ticket = record.ticket
            let kind = ticket.category == .complaint ? "投诉 complaint" : "工单 ticket"
            let cause = ticket.causeClass.map { String($0) } ?? ""
            let department = ticket.departmentId.flatMap { departments[$0] } ?? ""
            var row: [String] = [kind, ticket.number, ticket.category.rawValue, time(ticket.receivedAt)]
            row += [ticket.reporter.name ?? "", ticket.reporter.phone ?? "", ticket.reporter.unit ?? "", ticket.location ?? "", ticket.description]
            row += [cause, department, ticket.status.rawValue, ticket.resolution ?? "", time(ticket.resolvedAt), ticket.customerOpinion ?? ""]
            lines.append(row + Array(repeating: "", count: 6))
            for followUp in record.followUps {
                let score = followUp.satisfaction.map { String($0) } ?? ""
                let visit: [String] = [time(followUp.at), followUp.method, score, followUp.rating.rawValue, followUp.comments ?? "", followUp.confirmedBy ?? ""]
                lines.append(["回访 follow-up", ticket.number] + Array(repeating: "", count: 13) + visit)
            }
        }
        return CSVExport.response(header: header, rows: lines, filename: "archive-\(site.code)-\(quarter).csv")
    }

    func fileArchive(_ request: Request, _ context: PlatformRequestContext) async throws -> Response {
        let access = try await services.siteAccess(context)
        try access.require(.manageSite)
        let quarter = try TicketArchiveRules.quarter(try context.parameter("quarter"))
        let rules = try await services.rulebook.rules(for: access.site)
        let now = services.clock.now()
        let today = CalendarDate.day(of: now, in: access.site.timezone)
        let span = WorkingCalendar.span(quarter.first, through: quarter.last, in: rules.timeZone)
        let (site, scope, requestID, actor) = (access.site, access.scope, context.requestID, access.principal.userID)
        let (start, end) = (span.start, span.end)
        do {
            let filing = try await services.database.transaction(scope) { connection -> TicketArchiveFiling in
                let existing = try await connection.execute(TicketRecordsStore.filing(site: site.id, quarter: quarter.description))
                let late = try TicketArchiveRules.file(quarter, today: today, alreadyFiled: !existing.isEmpty)
                let counts = try await connection.execute(TicketRecordsStore.archiveCounts(site: site.id, start: start, end: end))[0]
                let row = try await connection.execute(TicketRecordsStore.insertFiling(
                    site: site.id, quarter: quarter, filedAt: now, filedBy: actor, tickets: try counts.decode("tickets"),
                    followUps: try counts.decode("follow_ups"), late: late))[0]
                let filing = try TicketRecordsStore.decodeFiling(row)
                try await connection.execute(AuditLog.record(
                    site: site.id, scope: scope, action: "ticket.archive_filed", targetType: "ticket_archive", targetID: quarter.description,
                    detail: ["quarter": quarter.description, "tickets": String(filing.tickets), "followUps": String(filing.followUps), "late": String(late)],
                    requestID: requestID))
                return filing
            }
            return try Response.json(filing, status: .created)
        } catch let error as PostgresError where error.code == .uniqueViolation {
            // Two managers filing the same quarter at once: the second finds it filed.
            throw DomainError(.conflict, code: "ticket.archive_already_filed", message: "the records of \(quarter) are already filed",
                              fieldErrors: [.init(field: "quarter", code: "ticket.archive_already_filed", message: "filed already")])
        }
    }
}
