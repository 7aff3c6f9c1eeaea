import Domain
import Foundation
import Hummingbird
import Postgres

/// `/api/v1/sites/{siteCode}/tickets`: intake, the lifecycle actions, timeline, follow-ups,
/// non-conformities and monthly statistics.
struct TicketRoutes {
    let services: APIServices
    static let base = "/api/v1/sites/{siteCode}/tickets"
    static let statuses = TicketStatus.allCases.map(\.rawValue)
    static let categories = TicketCategory.allCases.map(\.rawValue)
    static let priorities = TicketPriority.allCases.map(\.rawValue)

    /// A valid body of each action, documented as its example.
    static let examples: [TicketAction: String] = [
        .dispatch: #"{"departmentId":"\#(ExampleIDs.department)","repairItemId":"\#(ExampleIDs.repairItem)","note":"请工程部今日处理"}"#,
        .acknowledge: #"{"note":"已签收"}"#,
        .start: #"{"note":"已到场"}"#,
        .resolve: #"{"result":"更换水管接头，试水无渗漏","materials":[{"item":"水管接头","quantity":1,"unit":"个","unitCost":12.5}],"timeOnSiteMinutes":40,"acceptance":{"name":"杨阿姨","signedAt":"2026-11-26T10:00:00+08:00"},"customerOpinion":"师傅很细心，修得好","siteCleared":true}"#,
        .verify: #"{"passed":true,"note":"现场查看已修复"}"#,
        .followUp: #"{"method":"phone","satisfaction":5,"rating":"satisfied","note":"客户表示满意","confirmedBy":"杨阿姨"}"#,
        .close: #"{"note":"回访满意，结案"}"#,
        .cancel: #"{"reason":"重复登记"}"#,
        .answer: #"{"reply":"门诊时间为每日8:00至17:30","note":"当场答复"}"#,
        .feedback: #"{"note":"已电话告知处理进度","promisedReplyAt":"2030-06-28T17:00:00+08:00"}"#,
        .classify: #"{"causeClass":1,"subject":"护工服务态度","severity":"serious","subjectStaffId":"\#(ExampleIDs.staff)","note":"服务不到位"}"#,
        .escalate: #"{"importance":"important","note":"涉及整栋楼停水，呈报管理处经理"}"#,
        .apologise: #"{"method":"visit","note":"管理处经理上门致歉"}"#,
        .refer: #"{"referredTo":"市自来水公司客服中心","contact":"96116","note":"小区外市政供水管道，已告知客户联系方式"}"#,
    ]

    func register(_ routes: inout APIRoutes) {
        routes.add(Endpoint(
            .get, Self.base, summary: "List tickets, newest first", tag: "Tickets", response: "TicketPage",
            query: [.init("status", "string", "Lifecycle status", values: Self.statuses), .init("category", "string", "Category", values: Self.categories),
                    .init("priority", "string", "Priority", values: Self.priorities), .init("department", "string", "Department id", format: "uuid"),
                    .init("owner", "string", "Owner (receiving staff member) id", format: "uuid"), .init("handler", "string", "Handler id", format: "uuid"),
                    .init("overdue", "boolean", "Only tickets past a feedback, promised reply, resolution or follow-up deadline (or only those not)", values: ["true", "false"]),
                    .init("nonconformity", "boolean", "Only tickets with an open non-conformity", values: ["true", "false"]),
                    .init("escalated", "boolean", "Only tickets escalated to a superior or the site manager (or only those not)", values: ["true", "false"]),
                    .init("from", "string", "Received at or after (RFC 3339)", format: "date-time"), .init("to", "string", "Received before (RFC 3339)", format: "date-time"),
                    .init("q", "string", "Two or more characters of the description, location, reporter name or unit (e.g. 漏水), or a reporter's phone number"),
                    .init("limit", "integer", "Page size, 1–200"), .init("cursor", "string", "nextCursor of the previous page")])) { request, context in
            try await list(request, context)
        }
        routes.add(Endpoint(
            .post, Self.base, summary: "Record a contact (intake)", tag: "Tickets", request: "NewTicket", response: "Ticket", success: 201, idempotent: true, example: #"{"channel":"phone","category":"repair","priority":"normal","reporter":{"name":"杨阿姨","phone":"13812345678","unit":"3号楼502"},"location":"3号楼502卫生间","placeId":"\#(ExampleIDs.place)","repairItemId":"\#(ExampleIDs.repairItem)","description":"卫生间水管漏水"}"#)) { request, context in
            try await create(request, context)
        }
        routes.add(Endpoint(
            .get, Self.base + "/stats", summary: "Monthly statistics (月度统计)", tag: "Tickets", response: "TicketStatistics",
            query: [.init("month", "string", "YYYY-MM in the site's timezone")])) { request, context in
            let access = try await services.siteAccess(context)
            guard let month = request.uri.queryParameters.get("month") else {
                throw DomainError.invalid(field: "month", code: "request.missing_field", message: "month is required, e.g. 2026-11")
            }
            let rules = try await services.rulebook.rules(for: access.site)
            let range = try TicketStatisticsStore.monthRange(month, timeZone: rules.timeZone)
            let results = try await services.read(access, TicketStatisticsStore.statements(site: access.site.id, first: range.first, start: range.start, end: range.end,
                                                                                          now: services.clock.now()))
            return try Response.json(try TicketStatisticsStore.decode(results, month: month, timezone: access.site.timezone, policy: rules.tickets))
        }
        routes.add(Endpoint(.get, Self.base + "/{ticketId}", summary: "One ticket, by id or number (H01-2026-000123)", tag: "Tickets", response: "Ticket")) { _, context in
            let access = try await services.siteAccess(context)
            let reference = try context.parameter("ticketId")
            let rules = try await services.rulebook.rules(for: access.site)
            guard let row = try await services.read(access, [TicketStore.find(site: access.site.id, reference: reference)])[0].first else {
                throw TicketStore.notFound(reference)
            }
            let ticket = try TicketStore.decode(row, now: services.clock.now()).explained(rules.tickets)
            return try Response.json(ticket, version: ticket.version)
        }
        routes.add(Endpoint(.get, Self.base + "/{ticketId}/timeline", summary: "The ticket's append-only timeline", tag: "Tickets", response: "TicketTimeline")) { _, context in
            let (access, id) = try await ticket(context)
            let results = try await services.read(access, [TicketStore.get(site: access.site.id, id: id), TicketStore.timeline(site: access.site.id, ticket: id)])
            guard !results[0].isEmpty else { throw TicketStore.notFound(id.uuidString) }
            return try Response.json(Listing(items: try results[1].map(TicketStore.decodeEvent)))
        }
        routes.add(Endpoint(.get, Self.base + "/{ticketId}/follow-ups", summary: "Follow-up records (回访记录)", tag: "Tickets", response: "TicketFollowUpList")) { _, context in
            let (access, id) = try await ticket(context)
            let results = try await services.read(access, [TicketStore.get(site: access.site.id, id: id), TicketStore.followUps(site: access.site.id, ticket: id)])
            guard !results[0].isEmpty else { throw TicketStore.notFound(id.uuidString) }
            return try Response.json(Listing(items: try results[1].map(TicketStore.decodeFollowUp)))
        }
        for action in TicketAction.allCases {
            routes.add(Endpoint(
                .post, Self.base + "/{ticketId}/\(action.rawValue)", summary: Self.summaries[action] ?? action.rawValue, tag: "Tickets",
                request: "TicketActionBody", response: "Ticket", conditional: true, example: Self.examples[action])) { request, context in
                try await act(action, request, context)
            }
        }
        routes.add(Endpoint(
            .get, Self.base + "/{ticketId}/nonconformities", summary: "Non-conformities (不合格项) and their corrective actions", tag: "Tickets",
            response: "TicketNonconformityList")) { _, context in
            let (access, id) = try await ticket(context)
            let results = try await services.read(access, [TicketStore.get(site: access.site.id, id: id), TicketStore.nonconformities(site: access.site.id, ticket: id)])
            guard !results[0].isEmpty else { throw TicketStore.notFound(id.uuidString) }
            return try Response.json(Listing(items: try results[1].map(TicketStore.decodeNonconformity)))
        }
        routes.add(Endpoint(
            .post, Self.base + "/{ticketId}/nonconformities/{nonconformityId}/corrective-action",
            summary: "Record the corrective and preventive action (cause, action, owner, due date)", tag: "Tickets",
            request: "CorrectiveAction", response: "TicketNonconformity", conditional: true, example: #"{"cause":"同一位置水管老化","action":"更换整段水管并每月巡查","ownerId":"\#(ExampleIDs.staff)","dueDate":"2026-12-31"}"#)) { request, context in
            try await correctiveAction(request, context)
        }
        routes.add(Endpoint(
            .post, Self.base + "/{ticketId}/nonconformities/{nonconformityId}/close",
            summary: "Close a non-conformity whose corrective action is done (managers); the ticket's flag clears with the last one", tag: "Tickets",
            response: "TicketNonconformity", conditional: true)) { request, context in
            try await closeNonconformity(request, context)
        }
        registerRecords(&routes)
    }

    static let summaries: [TicketAction: String] = [
        .dispatch: "Dispatch to the responsible department (or pass it on)", .acknowledge: "The department signs for it (签收)",
        .start: "Work begins", .resolve: "The handler returns it with the result, materials, time on site and acceptance",
        .verify: "Customer service verifies the result (验证); a failed check reopens it", .followUp: "Record a follow-up (回访); an unsatisfied customer reopens it",
        .close: "Close the case",
        .cancel: "Cancel (withdrawn or recorded by mistake), with a reason; a complaint is withdrawn by a site manager, and unless withdrawn in writing still owes its follow-up",
        .answer: "Answer an inquiry or praise at intake, or reply to a suggestion (adopted or not: required), and close",
        .feedback: "Record feedback to the reporter, with a promised reply time where needed; after a referral, the owner reporting back",
        .classify: "Classify a complaint: its cause (1, 2, 3), subject, severity (ordinary, serious) and the staff member complained about, whose direct superior it is escalated to",
        .escalate: "Escalate an 'other' matter or a complaint to the site manager, with its importance (routine, important, critical)",
        .apologise: "Record the apology visit or call a serious complaint owes; it cannot be closed before",
        .refer: "Refer the matter to the right window, department or outside body, with its contact (首问责任制); the owner reports back with feedback",
    ]

    struct Listing<Item: Encodable & Sendable>: Encodable, Sendable {
        var items: [Item]
    }

    func ticket(_ context: PlatformRequestContext) async throws -> (SiteAccess, UUID) {
        (try await services.siteAccess(context), try context.uuidParameter("ticketId", resource: "ticket"))
    }

    func list(_ request: Request, _ context: PlatformRequestContext) async throws -> Response {
        let access = try await services.siteAccess(context)
        let listing = "tickets:\(access.site.id)"
        let page = try PageRequest(request, listing: listing)
        let text = try request.query(text: "q")
        if let text, text.count < 2 {
            throw DomainError.invalid(field: "q", code: "request.too_short", message: "search with two or more characters")
        }
        // Digits (with spaces, dashes, +) are a reporter's phone number: an exact, indexed match.
        let phone = text.flatMap { text in
            text.allSatisfy({ $0.isASCII && ($0.isNumber || " -+()".contains($0)) }) ? RepeatRule.phoneKey(text) : nil
        }
        let filter = TicketStore.Filter(
            status: try request.query("status", oneOf: Self.statuses), category: try request.query("category", oneOf: Self.categories),
            priority: try request.query("priority", oneOf: Self.priorities), department: try request.query(uuid: "department"),
            owner: try request.query(uuid: "owner"), handler: try request.query(uuid: "handler"), overdue: try request.query(bool: "overdue"),
            from: try request.query(instant: "from"), to: try request.query(instant: "to"), text: phone == nil ? text : nil, phone: phone,
            nonconformity: try request.query(bool: "nonconformity"), escalated: try request.query(bool: "escalated"))
        let now = services.clock.now()
        var tickets: [Ticket]
        if filter.text == nil {
            let rows = try await services.read(access, [TicketStore.list(site: access.site.id, filter: filter, now: now, after: page.after, limit: page.limit)])
            tickets = try rows[0].map { try TicketStore.decode($0, now: now) }
        } else {
            let recent = try await services.read(access, TicketStore.searchRecent(site: access.site.id, filter: filter, now: now, after: page.after, limit: page.limit))
            tickets = try recent[0].map { try TicketStore.decode($0, now: now) }
            if tickets.count <= page.limit, let boundary = recent[1].first {
                let before = [RFC3339.format(try boundary.decode("received_at", as: Date.self)), try boundary.decode("id", as: UUID.self).uuidString]
                let older = try await services.read(access, TicketStore.searchOlder(site: access.site.id, filter: filter, now: now, before: before,
                                                                                   limit: page.limit - tickets.count))
                tickets += try older[0].map { try TicketStore.decode($0, now: now) }
            }
        }
        return try Response.json(page.page(tickets, listing: listing) { [RFC3339.format($0.receivedAt), $0.id.uuidString] })
    }

    func create(_ request: Request, _ context: PlatformRequestContext) async throws -> Response {
        let access = try await services.siteAccess(context)
        try access.require(.departmentWork)
        let (body, data) = try await services.body(NewTicket.self, request, context)
        if access.role == .siteStaff && body.channel != .patrol {
            throw Problem(status: .forbidden, code: "auth.forbidden", detail: "department staff record what they find on patrol (channel 'patrol'); other contacts go through reception")
        }
        let now = services.clock.now()
        let rules = try await services.rulebook.rules(for: access.site)
        let staff = access.principal.grants.first { $0.siteId == access.site.id }?.staffId
        let intake = try TicketIntake.draft(body, ownerFallback: staff, now: now, rules: rules)
        let policy = rules.tickets
        let (site, scope, requestID, actor) = (access.site, access.scope, context.requestID, access.principal.userID)
        let threshold = RepeatRule.threshold(body.category, policy: policy)
        return try await IdempotentCreate(database: services.database, scope: scope, siteID: site.id, userID: actor).run(request, body: data) { connection in
            var draft = intake
            let supervisor = try await TicketStore.checkReferences(connection, site: site.id, owner: draft.owner, department: draft.ticket.departmentId,
                                                             related: draft.ticket.relatedTicketId, post: draft.ticket.requiredPostId,
                                                             appointment: draft.ticket.appointmentId, subject: draft.ticket.subjectStaffId)
            let named = try await TicketStore.placeAndItem(connection, site: site.id, place: draft.ticket.placeId, locationKey: draft.locationKey,
                                                     item: draft.ticket.repairItemId)
            TicketIntake.complete(&draft, place: named.place, repairScale: named.scale, rules: rules)
            var matches: [UUID] = []
            if let threshold, let matter = TicketIntake.matter(draft) {
                matches = try await connection.execute(TicketStore.repeatCandidates(
                    site: site.id, excluding: nil, receivedAt: draft.receivedAt, windowDays: policy.repeats.windowDays, matter: matter))
                    .map { try $0.decode("id", as: UUID.self) }
                if matches.count + 1 < threshold { matches = [] }
            }
            draft.repeatOf = matches.first
            guard let row = try await connection.execute(TicketStore.insert(site: site, draft, actor: actor, role: scope.role, nonconformity: !matches.isEmpty, now: now)).first else {
                throw PostgresError(kind: .client, message: "ticket insert returned no row")
            }
            var ticket = try TicketStore.decode(row, now: now)
            if !matches.isEmpty {
                try await connection.execute(TicketStore.insertNonconformity(
                    site: site.id, ticket: ticket.id, kind: "repeat", at: now, matched: matches,
                    reason: TicketIntake.repeatReason(ticket.category, count: matches.count + 1, windowDays: policy.repeats.windowDays)))
            }
            var audit = ["number": ticket.number, "category": ticket.category.rawValue]
            // A complaint's severity, and the escalation to the superior of the staff member it names.
            if draft.ticket.severity != nil || draft.ticket.subjectStaffId != nil {
                var recorded = ticket
                let escalation = TicketEscalation.atIntake(&recorded, severity: draft.ticket.severity, subject: draft.ticket.subjectStaffId,
                                                           supervisor: supervisor, at: now)
                guard let written = try await connection.execute(TicketStore.updateComplaintRecord(
                    site: site.id, recorded, now: now, event: escalation.map { TicketEventDraft(action: "escalate", from: recorded.status, note: nil, detail: $0) },
                    actor: actor, role: scope.role)).first
                else { throw PostgresError(kind: .client, message: "ticket update returned no row") }
                ticket = try TicketStore.decode(written, now: now)
                audit["severity"] = ticket.severity?.rawValue
                audit["escalatedTo"] = ticket.escalatedTo?.uuidString ?? ticket.escalatedToRole?.rawValue
            }
            try await connection.execute(AuditLog.record(site: site.id, scope: scope, action: "ticket.create", targetType: "ticket", targetID: ticket.id.uuidString,
                                                   detail: audit, requestID: requestID))
            return .init(status: .created, body: try PlatformJSONEncoder.encode(ticket), version: ticket.version,
                         location: "/api/v1/sites/\(site.code)/tickets/\(ticket.id.uuidString)")
        }
    }

    func act(_ action: TicketAction, _ request: Request, _ context: PlatformRequestContext) async throws -> Response {
        let (access, id) = try await ticket(context)
        try access.require(action.permission)  // a category's own rule (withdrawing a complaint) is checked once the ticket is loaded
        let expected = try Versioning.expectedVersion(request)
        let body = try await services.optionalBody(TicketActionBody.self, request, context, empty: TicketActionBody())
        let now = services.clock.now()
        let rules = try await services.rulebook.rules(for: access.site)
        let policy = rules.tickets
        let staff = access.principal.grants.first { $0.siteId == access.site.id }?.staffId
        let (site, scope, requestID, actor, role) = (access.site, access.scope, context.requestID, access.principal.userID, access.role)
        let month = CalendarDate.day(of: now, in: site.timezone).monthLabel
        let ticket = try await services.database.transaction(scope) { connection -> Ticket in
            guard let row = try await connection.execute(TicketStore.get(site: site.id, id: id, forUpdate: true)).first else { throw TicketStore.notFound(id.uuidString) }
            let current = try TicketStore.decode(row, now: now)
            if let expected, expected != current.version { throw Versioning.stale(current: current.version) }
            try TicketLifecycle.authorise(action, category: current.category, role: role, serious: current.severity == .serious)
            if role == .siteStaff {
                try await TicketRoutes.requireOwnDepartment(connection, site: site.id, staff: staff, ticket: current)
            }
            var context = TicketWorkflow.Context(now: now, actor: actor, actorStaff: staff, policy: policy)
            if action == .resolve, let plan = current.followUp, plan.sampled == nil, policy.followUp[plan.followUpClass] != nil {
                context.resolutionOrdinal = try await connection.execute(TicketStore.nextResolutionOrdinal(
                    site: site.id, month: CalendarDate(year: Int(month.prefix(4)) ?? 2000, month: Int(month.suffix(2)) ?? 1, day: 1),
                    kind: plan.followUpClass))[0].decode("resolved")
                context.resolutionMonth = month
            }
            // The staff member a complaint newly names: active at the site; their superior hears of it.
            if action == .classify, let subject = body.subjectStaffId, subject != current.subjectStaffId, current.allowedActions.contains(.classify) {
                context.subjectSupervisor = try await TicketStore.checkReferences(connection, site: site.id, owner: nil, department: nil, related: nil, subject: subject)
            }
            var outcome = try TicketWorkflow.apply(action, body, to: current, context)
            try TicketEscalation.authoriseSeverity(from: current.severity, to: outcome.ticket.severity, role: role)
            if outcome.ticket.departmentId != current.departmentId || outcome.ticket.handlerId != current.handlerId {
                try await TicketStore.checkAssignment(connection, site: site.id, department: outcome.ticket.departmentId,
                                                handler: outcome.ticket.handlerId == current.handlerId ? nil : outcome.ticket.handlerId)
            }
            if let post = outcome.ticket.requiredPostId, post != current.requiredPostId {
                try await TicketStore.checkReferences(connection, site: site.id, owner: current.ownerId, department: nil, related: nil, post: post)
            }
            // 持证上岗: whoever handles licensed work holds the post's certificates on the day of work.
            if let handler = outcome.ticket.handlerId, let post = outcome.ticket.requiredPostId,
                handler != current.handlerId || post != current.requiredPostId || action == .start {
                try await CertificateStore.requireLicence(connection, site: site.id, staff: handler, post: post, day: CalendarDate.day(of: now, in: site.timezone),
                                                    field: "handlerId")
            }
            if let item = outcome.ticket.repairItemId, item != current.repairItemId {
                let named = try await TicketStore.placeAndItem(connection, site: site.id, place: nil, locationKey: nil, item: item)
                if let scale = named.scale { TicketWorkflow.naming(repairScale: scale, on: &outcome.ticket, rules: rules) }
            }
            var matches: [UUID] = []
            if outcome.effects.contains(.checkRepeats), let threshold = RepeatRule.threshold(current.category, policy: policy),
                let matter = RepeatRule.matter(of: outcome.ticket), !current.nonconformityOpen || current.repeatOf == nil {
                matches = try await connection.execute(TicketStore.repeatCandidates(
                    site: site.id, excluding: current.id, receivedAt: current.receivedAt, windowDays: policy.repeats.windowDays, matter: matter))
                    .map { try $0.decode("id", as: UUID.self) }
                if matches.count + 1 >= threshold {
                    outcome.ticket.nonconformityOpen = true
                    outcome.ticket.repeatOf = matches.first
                    outcome.detail["repeatOf"] = matches.first?.uuidString
                } else {
                    matches = []
                }
            }
            if !outcome.ticket.keepsTheSameRecords(as: current) {
                try await connection.execute(TicketStore.updateRecords(site: site.id, outcome.ticket, version: current.version))
            }
            guard var updated = try await connection.execute(TicketStore.update(
                site: site.id, outcome.ticket, expectedVersion: current.version, now: now,
                event: TicketEventDraft(action: action.rawValue, from: current.status, note: outcome.note, detail: outcome.detail),
                actor: actor, role: scope.role)).first
            else { throw Versioning.stale(current: current.version + 1) }
            for effect in outcome.effects {
                switch effect {
                case .followUp(let method, let satisfaction, let rating, let comments):
                    try await connection.execute(TicketStore.insertFollowUp(site: site.id, ticket: id, at: now, method: method, satisfaction: satisfaction,
                                                                      rating: rating, comments: comments, by: actor, confirmedBy: outcome.ticket.followUpConfirmedBy))
                case .nonconformity(let kind, let reason):
                    try await connection.execute(TicketStore.insertNonconformity(site: site.id, ticket: id, kind: kind, at: now, matched: [], reason: reason + (outcome.note.map { ": \($0)" } ?? "")))
                case .checkRepeats:
                    if !matches.isEmpty {
                        try await connection.execute(TicketStore.insertNonconformity(
                            site: site.id, ticket: id, kind: "repeat", at: now, matched: matches,
                            reason: TicketIntake.repeatReason(current.category, count: matches.count + 1, windowDays: policy.repeats.windowDays)))
                    }
                case .escalated:
                    break  // written with the ticket's complaint record below
                }
            }
            var audit = outcome.detail.merging(["number": current.number, "status": outcome.ticket.status.rawValue]) { $1 }
            // Severity, escalation, apology and follow-up confirmation; an escalation the action
            // led to (a complaint naming a staff member) is its own timeline line.
            var escalation: [String: String]?
            for case .escalated(let detail) in outcome.effects { escalation = detail }
            if escalation != nil || TicketStore.complaintRecordChanged(current, outcome.ticket) {
                guard let written = try await connection.execute(TicketStore.updateComplaintRecord(
                    site: site.id, outcome.ticket, now: now,
                    event: escalation.map { TicketEventDraft(action: "escalate", from: outcome.ticket.status, note: nil, detail: $0) },
                    actor: actor, role: scope.role)).first
                else { throw Versioning.stale(current: current.version + 1) }
                updated = written
                if escalation != nil { audit["escalatedTo"] = outcome.ticket.escalatedTo?.uuidString ?? outcome.ticket.escalatedToRole?.rawValue }
            }
            try await connection.execute(AuditLog.record(site: site.id, scope: scope, action: "ticket.\(action.rawValue)", targetType: "ticket", targetID: id.uuidString,
                                                   detail: audit, requestID: requestID))
            return try TicketStore.decode(updated, now: now)
        }
        let explained = ticket.explained(policy)
        return try Response.json(explained, version: explained.version)
    }

    /// Department staff act only on tickets dispatched to their own department.
    static func requireOwnDepartment(_ connection: isolated PostgresConnection, site: UUID, staff: UUID?, ticket: Ticket) async throws {
        guard let department = try await StaffStore.activeDepartment(connection, site: site, staff: staff), department == ticket.departmentId else {
            throw DomainError(.forbidden, code: "ticket.not_your_department", message: "department staff act only on tickets dispatched to their own department")
        }
    }

    func correctiveAction(_ request: Request, _ context: PlatformRequestContext) async throws -> Response {
        let (access, ticketID) = try await ticket(context)
        try access.require(.intake)
        let id = try context.uuidParameter("nonconformityId", resource: "nonconformity")
        let expected = try Versioning.expectedVersion(request)
        let (body, _) = try await services.body(CorrectiveAction.self, request, context)
        let now = services.clock.now()
        let (site, scope, requestID) = (access.site, access.scope, context.requestID)
        let record = try await services.database.transaction(scope) { connection -> TicketNonconformity in
            let recorded = try await TicketRoutes.nonconformity(connection, site: site.id, ticket: ticketID, id: id, expected: expected).recordingCorrectiveAction(body, at: now)
            guard try await !connection.execute(StaffStore.active(site: site.id, id: body.ownerId)).isEmpty else {
                throw DomainError.invalid(field: "ownerId", code: "ticket.unknown_owner", message: "no active staff member with this id at this site")
            }
            let row = try await connection.execute(TicketStore.update(site: site.id, recorded))[0]
            try await connection.execute(AuditLog.record(site: site.id, scope: scope, action: "ticket.corrective_action", targetType: "ticket", targetID: ticketID.uuidString,
                                                   detail: ["nonconformity": id.uuidString, "dueDate": body.dueDate.description], requestID: requestID))
            return try TicketStore.decodeNonconformity(row)
        }
        return try Response.json(record, version: record.version)
    }

    func closeNonconformity(_ request: Request, _ context: PlatformRequestContext) async throws -> Response {
        let (access, ticketID) = try await ticket(context)
        try access.require(.manageSite)
        let id = try context.uuidParameter("nonconformityId", resource: "nonconformity")
        let expected = try Versioning.expectedVersion(request)
        let now = services.clock.now()
        let (site, scope, requestID, actor) = (access.site, access.scope, context.requestID, access.principal.userID)
        let record = try await services.database.transaction(scope) { connection -> TicketNonconformity in
            guard let ticketRow = try await connection.execute(TicketStore.get(site: site.id, id: ticketID, forUpdate: true)).first else {
                throw TicketStore.notFound(ticketID.uuidString)
            }
            let ticket = try TicketStore.decode(ticketRow, now: now)
            let closed = try await TicketRoutes.nonconformity(connection, site: site.id, ticket: ticketID, id: id, expected: expected).closing(by: actor, at: now)
            let row = try await connection.execute(TicketStore.update(site: site.id, closed))[0]
            let stillOpen: Int = try await connection.execute(TicketStore.openNonconformities(site: site.id, ticket: ticketID))[0].decode("n")
            if stillOpen == 0 && ticket.nonconformityOpen {
                var cleared = ticket
                cleared.nonconformityOpen = false
                _ = try await connection.execute(TicketStore.update(
                    site: site.id, cleared, expectedVersion: ticket.version, now: now,
                    event: TicketEventDraft(action: "nonconformity.cleared", from: ticket.status, note: nil, detail: ["nonconformity": id.uuidString]),
                    actor: actor, role: scope.role))
            }
            try await connection.execute(ReportQueue.month(site: site.id, containing: now))
            try await connection.execute(AuditLog.record(site: site.id, scope: scope, action: "ticket.nonconformity_close", targetType: "ticket", targetID: ticketID.uuidString,
                                                   detail: ["nonconformity": id.uuidString], requestID: requestID))
            return try TicketStore.decodeNonconformity(row)
        }
        return try Response.json(record, version: record.version)
    }

    /// The ticket's non-conformity `id`, locked, at the version `If-Match` names.
    static func nonconformity(_ connection: isolated PostgresConnection, site: UUID, ticket: UUID, id: UUID, expected: Int?) async throws -> TicketNonconformity {
        guard let row = try await connection.execute(TicketStore.nonconformity(site: site, ticket: ticket, id: id)).first else {
            throw DomainError(.notFound, code: "nonconformity.not_found", message: "no non-conformity \(id.uuidString) on this ticket")
        }
        let current = try TicketStore.decodeNonconformity(row)
        if let expected, expected != current.version { throw Versioning.stale(current: current.version) }
        return current
    }
}

extension Ticket {
    /// Adds the sampling explanation an auditor reads.
    func explained(_ policy: TicketPolicy) -> Ticket {
        guard var plan = followUp, let ordinal = plan.ordinal, let rule = policy.followUp[plan.followUpClass] else { return self }
        var ticket = self
        plan.explanation = FollowUpSampling.explanation(ordinal: ordinal, perMille: rule.perMille, kind: plan.followUpClass, month: plan.month ?? "the month")
        ticket.followUp = plan
        return ticket
    }
}

