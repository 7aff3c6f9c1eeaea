import Domain
import Foundation
import Hummingbird
import Postgres

/// `/api/v1/sites/{siteCode}/service-items`, `…/windows`, `…/availability` and
/// `…/appointments`: what can be booked, where, when, and the bookings themselves.
struct AppointmentRoutes {
    let services: APIServices
    static let site = "/api/v1/sites/{siteCode}"
    static let base = site + "/appointments"
    static let statuses = AppointmentStatus.allCases.map(\.rawValue)

    /// A valid body of each action, documented as its example.
    static let examples: [AppointmentAction: String] = [
        .confirm: #"{"note":"请携带身份证原件"}"#,
        .refuse: #"{"reason":"该事项需先网上预审"}"#,
        .checkIn: #"{"note":"已到窗口"}"#,
        .complete: #"{"result":"已办结","satisfaction":"satisfied"}"#,
        .cancel: #"{"reason":"申请人来电取消"}"#,
        .cancelByCenter: #"{"reason":"系统升级暂停受理"}"#,
        .reschedule: #"{"start":"2027-01-06T09:00:00+08:00","reason":"申请人要求改期"}"#,
        .rescheduleByCenter: #"{"start":"2027-01-06T09:30:00+08:00","reason":"维修工临时调派抢修"}"#,
        .contactFailed: #"{"note":"到达后敲门无人应答，10:35、10:40 两次致电申请人均未接通"}"#,
    ]

    func register(_ routes: inout APIRoutes) {
        registerItems(&routes)
        registerWindows(&routes)
        routes.add(Endpoint(
            .get, Self.site + "/availability", summary: "Free slots of an item with the places left, per window, in the site's timezone", tag: "Appointments",
            response: "Availability",
            query: [.init("item", "string", "Service item id", format: "uuid"), .init("from", "string", "First day, YYYY-MM-DD (site timezone)", format: "date"),
                    .init("to", "string", "Last day, YYYY-MM-DD, at most 62 days after from", format: "date")])) { request, context in
            try await availability(request, context)
        }
        routes.add(Endpoint(
            .get, Self.base, summary: "Bookings by slot start (登记表)", tag: "Appointments", response: "AppointmentPage",
            query: [.init("status", "string", "Status", values: Self.statuses), .init("item", "string", "Service item id", format: "uuid"), .init("window", "string", "Window id", format: "uuid"),
                    .init("date", "string", "Day of the slot, YYYY-MM-DD (site timezone)", format: "date"),
                    .init("overdue", "boolean", "Requests not answered by their deadline", values: ["true", "false"]),
                    .init("needsAction", "boolean", "Home visits past the 30 minutes with no failed contact recorded: not no-shows yet, staff must act",
                          values: ["true", "false"]),
                    .init("limit", "integer", "Page size, 1–200"), .init("cursor", "string", "nextCursor of the previous page")])) { request, context in
            try await list(request, context)
        }
        routes.add(Endpoint(
            .post, Self.base, summary: "Book a slot (on site, by phone or online)", tag: "Appointments", request: "NewAppointment", response: "Appointment",
            success: 201, idempotent: true, example: #"{"itemId":"\#(ExampleIDs.item)","start":"2027-01-05T09:00:00+08:00","channel":"phone","applicant":{"name":"张建华","phone":"13900000000"},"note":"电话预约"}"#)) { request, context in
            try await create(request, context)
        }
        routes.add(Endpoint(
            .get, Self.base + "/stats", summary: "Monthly appointment statistics", tag: "Appointments", response: "AppointmentStatistics",
            query: [.init("month", "string", "YYYY-MM in the site's timezone")])) { request, context in
            try await statistics(request, context)
        }
        routes.add(Endpoint(.get, Self.base + "/{appointmentId}", summary: "One booking", tag: "Appointments", response: "Appointment")) { _, context in
            let (access, id) = try await booking(context)
            let rules = try await services.rulebook.rules(for: access.site)
            guard let row = try await services.read(access, [AppointmentStore.get(site: access.site.id, id: id)])[0].first else {
                throw AppointmentStore.notFound(id.uuidString)
            }
            let appointment = try AppointmentStore.decode(row, timeZone: rules.timeZone, now: services.clock.now(), policy: rules.appointments)
            return try Response.json(appointment, version: appointment.version)
        }
        routes.add(Endpoint(.get, Self.base + "/{appointmentId}/timeline", summary: "The booking's history, reschedules included", tag: "Appointments",
                            response: "TicketTimeline")) { _, context in
            let (access, id) = try await booking(context)
            let results = try await services.read(access, [AppointmentStore.get(site: access.site.id, id: id), AppointmentStore.timeline(site: access.site.id, id: id)])
            guard !results[0].isEmpty else { throw AppointmentStore.notFound(id.uuidString) }
            return try Response.json(TicketRoutes.Listing(items: try results[1].map(TicketStore.decodeEvent)))
        }
        for action in AppointmentAction.allCases {
            routes.add(Endpoint(
                .post, Self.base + "/{appointmentId}/\(action.rawValue)", summary: Self.summaries[action] ?? action.rawValue, tag: "Appointments",
                request: "AppointmentActionBody", response: "Appointment", conditional: true, example: Self.examples[action])) { request, context in
                try await act(action, request, context)
            }
        }
    }

    static let summaries: [AppointmentAction: String] = [
        .confirm: "Confirm (within 1 working day); home visits name the staff member. The answer lists the documents to bring",
        .refuse: "Refuse, with the reason", .checkIn: "The applicant has arrived", .complete: "Record the result; an unsatisfied applicant opens a complaint",
        .cancel: "The applicant cancels", .cancelByCenter: "The center cancels: 2 h notice for windows, 8 h for home visits, or a reason and a recorded breach",
        .reschedule: "The applicant moves to another slot; the history keeps the old one",
        .rescheduleByCenter: "The center moves the booking: 2 h notice for windows, 8 h for home visits, or a reason and a recorded breach; home visits stay in working hours",
        .contactFailed: "Home visits: staff could not reach the applicant (with what they tried); 30 minutes after the start the visit then becomes a no-show",
    ]

    func booking(_ context: PlatformRequestContext) async throws -> (SiteAccess, UUID) {
        (try await services.siteAccess(context), try context.uuidParameter("appointmentId", resource: "appointment"))
    }

    // MARK: Items and windows

    func registerItems(_ routes: inout APIRoutes) {
        let base = Self.site + "/service-items"
        routes.add(Endpoint(.get, base, summary: "Service items (事项)", tag: "Appointments", response: "ServiceItemPage",
                            query: [.init("limit", "integer", "Page size, 1–200"), .init("cursor", "string", "nextCursor of the previous page")])) { request, context in
            let access = try await services.siteAccess(context)
            let listing = "service-items:\(access.site.id)"
            let page = try PageRequest(request, listing: listing)
            let rows = try await services.read(access, [AppointmentStore.items(site: access.site.id, after: page.after, limit: page.limit)])
            return try Response.json(page.page(try rows[0].map(AppointmentStore.decodeItem), listing: listing) { [$0.code] })
        }
        routes.add(Endpoint(.post, base, summary: "Add a service item (managers)", tag: "Appointments", request: "NewServiceItem", response: "ServiceItem",
                            success: 201, idempotent: true, example: #"{"code":"social_card","name":"社保卡补办","departmentId":"\#(ExampleIDs.department)","durationMinutes":30,"capacityPerSlot":2,"documents":["身份证原件","一寸照片"]}"#)) { request, context in
            let access = try await services.siteAccess(context)
            try access.require(.manageSite)
            let (body, data) = try await services.body(NewServiceItem.self, request, context)
            let item = try AppointmentRules.validate(body)
            let site = access.site
            return try await services.create(
                request, context, access, body: data, collection: "service-items", action: "service_item.create",
                conflict: AppointmentStore.itemCodeTaken(item.code)
            ) { connection in
                _ = try await AppointmentStore.checkWindowReferences(connection, site: site.id, department: item.departmentId, calendar: nil, items: nil, post: item.postId)
                let created = try await AppointmentStore.decodeItem(try connection.execute(AppointmentStore.insertItem(site: site.id, item))[0])
                return .init(record: created, id: created.id, version: created.version, detail: ["code": created.code])
            }
        }
        routes.add(Endpoint(.get, base + "/{itemId}", summary: "One service item", tag: "Appointments", response: "ServiceItem")) { _, context in
            let access = try await services.siteAccess(context)
            let id = try context.uuidParameter("itemId", resource: "service_item")
            return try await services.record(access, AppointmentStore.item(site: access.site.id, id: id), decode: AppointmentStore.decodeItem, version: \.version,
                                             missing: AppointmentStore.itemNotFound(id.uuidString))
        }
        routes.add(Endpoint(.patch, base + "/{itemId}", summary: "Change a service item; `active: false` retires it (managers)", tag: "Appointments",
                            request: "ServiceItemChanges", response: "ServiceItem", conditional: true, example: #"{"capacityPerSlot":3}"#)) { request, context in
            let access = try await services.siteAccess(context)
            try access.require(.manageSite)
            let id = try context.uuidParameter("itemId", resource: "service_item")
            let (changes, _) = try await services.body(ServiceItemChanges.self, request, context)
            let site = access.site
            return try await services.update(request, context, access, action: "service_item.update", current: AppointmentStore.item(site: site.id, id: id, forUpdate: true),
                                             decode: AppointmentStore.decodeItem, version: \.version, missing: AppointmentStore.itemNotFound(id.uuidString)) { connection, current in
                if let post = changes.postId {
                    _ = try await AppointmentStore.checkWindowReferences(connection, site: site.id, department: nil, calendar: nil, items: nil, post: post)
                }
                let item = try AppointmentRules.change(current, with: changes)
                let updated = try await AppointmentStore.decodeItem(try connection.execute(AppointmentStore.updateItem(site: site.id, item, expectedVersion: current.version))[0])
                return .init(record: updated, id: updated.id, version: updated.version, detail: ["active": String(updated.active)])
            }
        }
    }

    func registerWindows(_ routes: inout APIRoutes) {
        let base = Self.site + "/windows"
        routes.add(Endpoint(.get, base, summary: "Windows and field teams", tag: "Appointments", response: "ServiceWindowPage",
                            query: [.init("item", "string", "Only windows serving this item", format: "uuid"), .init("limit", "integer", "Page size, 1–200"),
                                    .init("cursor", "string", "nextCursor of the previous page")])) { request, context in
            let access = try await services.siteAccess(context)
            let item = try request.query(uuid: "item")
            let listing = "windows:\(access.site.id):\(item?.uuidString ?? "")"
            let page = try PageRequest(request, listing: listing)
            let rows = try await services.read(access, [AppointmentStore.windows(site: access.site.id, item: item, after: page.after, limit: page.limit)])
            return try Response.json(page.page(try rows[0].map(AppointmentStore.decodeWindow), listing: listing) { [$0.code] })
        }
        routes.add(Endpoint(.post, base, summary: "Add a window or field team (managers)", tag: "Appointments", request: "NewServiceWindow", response: "ServiceWindow",
                            success: 201, idempotent: true, example: #"{"code":"w9","name":"综合受理9号窗口","departmentId":"\#(ExampleIDs.department)","itemIds":["\#(ExampleIDs.item)"]}"#)) { request, context in
            let access = try await services.siteAccess(context)
            try access.require(.manageSite)
            let (body, data) = try await services.body(NewServiceWindow.self, request, context)
            let window = try AppointmentRules.validate(body)
            let site = access.site
            return try await services.create(
                request, context, access, body: data, collection: "windows", action: "window.create",
                conflict: AppointmentStore.windowCodeTaken(window.code)
            ) { connection in
                let calendar = try await AppointmentStore.checkWindowReferences(connection, site: site.id, department: window.departmentId, calendar: window.calendar, items: window.itemIds)
                let created = try await AppointmentStore.decodeWindow(try connection.execute(AppointmentStore.insertWindow(site: site.id, window, calendar: calendar))[0])
                return .init(record: created, id: created.id, version: created.version, detail: ["code": created.code])
            }
        }
        routes.add(Endpoint(.get, base + "/{windowId}", summary: "One window", tag: "Appointments", response: "ServiceWindow")) { _, context in
            let access = try await services.siteAccess(context)
            let id = try context.uuidParameter("windowId", resource: "window")
            return try await services.record(access, AppointmentStore.window(site: access.site.id, id: id), decode: AppointmentStore.decodeWindow, version: \.version,
                                             missing: AppointmentStore.windowNotFound(id.uuidString))
        }
        routes.add(Endpoint(.patch, base + "/{windowId}", summary: "Change a window: name, calendar, items; `active: false` closes it (managers)", tag: "Appointments",
                            request: "ServiceWindowChanges", response: "ServiceWindow", conditional: true, example: #"{"name":"综合受理窗口"}"#)) { request, context in
            let access = try await services.siteAccess(context)
            try access.require(.manageSite)
            let id = try context.uuidParameter("windowId", resource: "window")
            let (changes, _) = try await services.body(ServiceWindowChanges.self, request, context)
            let site = access.site
            let response = try await services.update(request, context, access, action: "window.update", current: AppointmentStore.window(site: site.id, id: id),
                                                     decode: AppointmentStore.decodeWindow, version: \.version,
                                                     missing: AppointmentStore.windowNotFound(id.uuidString)) { connection, current in
                let changed = try AppointmentRules.change(current, with: changes)
                let calendar = try await AppointmentStore.checkWindowReferences(connection, site: site.id, department: nil, calendar: changed.calendar, items: changes.itemIds)
                guard let updated = try await connection.execute(AppointmentStore.updateWindow(
                    site: site.id, id: id, name: changed.name, calendar: calendar, items: changed.itemIds, active: changed.active, expectedVersion: current.version)).first
                else { throw APIServices.changedMeanwhile(current.version) }
                let window = try AppointmentStore.decodeWindow(updated)
                return .init(record: window, id: window.id, version: window.version, detail: ["calendar": changed.calendar])
            }
            services.rulebook.forget(site.id)
            return response
        }
    }

    // MARK: Availability

    func availability(_ request: Request, _ context: PlatformRequestContext) async throws -> Response {
        let access = try await services.siteAccess(context)
        let itemID = try request.requiredQuery(uuid: "item")
        let rules = try await services.rulebook.rules(for: access.site)
        let now = services.clock.now()
        let (from, to) = try BookingRules.availabilityDays(from: try request.query(date: "from"), to: try request.query(date: "to"),
                                                           today: CalendarDate.day(of: now, in: access.site.timezone))
        let (rangeStart, rangeEnd) = WorkingCalendar.span(from, through: to, in: rules.timeZone)
        let results = try await services.read(access, [
            AppointmentStore.item(site: access.site.id, id: itemID),
            AppointmentStore.openWindows(site: access.site.id, item: itemID),
            AppointmentStore.heldPlaces(site: access.site.id, item: itemID, start: rangeStart, end: rangeEnd),
        ])
        let slots = try BookingRules.freeSlots(
            of: try results[0].first.map(AppointmentStore.decodeItem), at: try results[1].map(AppointmentStore.decodeWindow),
            held: try results[2].map(AppointmentStore.decodeHeldPlace), from: from, through: to, rules: rules, now: now)
        let json = AvailabilityJSON.encode(itemID: itemID, timezone: rules.timeZone.identifier, slots: slots)
        return Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: json)))
    }

    // MARK: Bookings

    func list(_ request: Request, _ context: PlatformRequestContext) async throws -> Response {
        let access = try await services.siteAccess(context)
        let rules = try await services.rulebook.rules(for: access.site)
        let listing = "appointments:\(access.site.id)"
        let page = try PageRequest(request, listing: listing)
        var filter = AppointmentStore.Filter(status: try request.query("status", oneOf: Self.statuses), item: try request.query(uuid: "item"),
                                             window: try request.query(uuid: "window"), overdue: try request.query(bool: "overdue"),
                                             needsAction: try request.query(bool: "needsAction"))
        if let day = try request.query(date: "date") {
            (filter.startFrom, filter.startTo) = WorkingCalendar.span(day, through: day, in: rules.timeZone)
        }
        let now = services.clock.now()
        let policy = rules.appointments
        let rows = try await services.read(access, [AppointmentStore.list(site: access.site.id, filter: filter, now: now, noShowMinutes: policy.noShowMinutes,
                                                                          after: page.after, limit: page.limit)])
        let bookings = try rows[0].map { try AppointmentStore.decode($0, timeZone: rules.timeZone, now: now, policy: policy) }
        return try Response.json(page.page(bookings, listing: listing) { [RFC3339.format($0.start), $0.id.uuidString] })
    }

    func create(_ request: Request, _ context: PlatformRequestContext) async throws -> Response {
        let access = try await services.siteAccess(context)
        try access.require(.intake)
        let (body, data) = try await services.body(NewAppointment.self, request, context)
        let booking = try AppointmentRules.validate(body)
        let now = services.clock.now()
        let rules = try await services.rulebook.rules(for: access.site)
        let policy = rules.appointments
        let (site, scope, actor) = (access.site, access.scope, access.principal.userID)
        return try await IdempotentCreate(database: services.database, scope: scope, siteID: site.id, userID: actor).run(request, body: data) { connection in
            let item = try await BookingRules.bookableItem(
                try connection.execute(AppointmentStore.item(site: site.id, id: booking.body.itemId)).first.map(AppointmentStore.decodeItem), for: booking.body)
            let windows = try await connection.execute(AppointmentStore.openWindows(site: site.id, item: item.id, only: booking.body.windowId)).map(AppointmentStore.decodeWindow)
            for offer in try BookingRules.offers(for: booking.body, item: item, windows: windows, rules: rules, policy: policy, now: now) {
                // Concurrent bookings race for places; the exclusion constraint lets one win each, the others try the next.
                var race = BookingRules.PlaceRace(capacity: item.capacityPerSlot)
                while race.nextAttempt() {
                    let row = try await connection.execute(AppointmentStore.insert(
                        site: site.id, item: item.id, window: offer.window.id, start: offer.slot.start, end: offer.slot.end, capacity: item.capacityPerSlot,
                        body: booking.body, phone: booking.phone, confirmDue: offer.confirmDue, now: now, actor: actor, role: scope.role))[0]
                    if let id = try row.decodeIfPresent("id", as: UUID.self) {
                        let created = try await AppointmentStore.decode(try connection.execute(AppointmentStore.get(site: site.id, id: id))[0], timeZone: rules.timeZone, now: now,
                                                                  policy: policy)
                        try await connection.execute(AuditLog.record(site: site.id, scope: scope, action: "appointment.create", targetType: "appointment", targetID: id.uuidString,
                                                               detail: ["window": offer.window.code, "start": RFC3339.format(offer.slot.start)], requestID: context.requestID))
                        return .init(status: .created, body: try PlatformJSONEncoder.encode(created), version: created.version,
                                     location: "/api/v1/sites/\(site.code)/appointments/\(id.uuidString)")
                    }
                    race.lost(freePlaces: try row.decode("free", as: Int.self))
                }
            }
            throw BookingRules.slotTaken()
        }
    }

    func act(_ action: AppointmentAction, _ request: Request, _ context: PlatformRequestContext) async throws -> Response {
        let (access, id) = try await booking(context)
        try access.require(action.permission)
        let expected = try Versioning.expectedVersion(request)
        let body = try await services.optionalBody(AppointmentActionBody.self, request, context, empty: AppointmentActionBody())
        try DomainError.refuse(body.present, outside: AppointmentActionBody.fields(for: action), action: action.rawValue)
        let now = services.clock.now()
        let rules = try await services.rulebook.rules(for: access.site)
        let policy = rules.appointments
        let staff = access.principal.grants.first { $0.siteId == access.site.id }?.staffId
        let (site, scope, requestID, actor, role) = (access.site, access.scope, context.requestID, access.principal.userID, access.role)
        let appointment = try await services.database.transaction(scope) { connection -> Appointment in
            guard let row = try await connection.execute(AppointmentStore.get(site: site.id, id: id, forUpdate: true)).first else {
                throw AppointmentStore.notFound(id.uuidString)
            }
            let current = try AppointmentStore.decode(row, timeZone: rules.timeZone, now: now, policy: policy)
            if let expected, expected != current.version { throw Versioning.stale(current: current.version) }
            if BookingRules.actsOnlyOnOwnDepartment(role) && !BookingRules.actsAsAssignedStaff(action, staff: staff, on: current) {
                let windowDepartment: UUID = try row.decode("window_department_id")
                try await BookingRules.requireOwnWindow(staffDepartment: try StaffStore.activeDepartment(connection, site: site.id, staff: staff), windowDepartment: windowDepartment)
            }
            try AppointmentAction.check(action, on: current)
            let outcome = try AppointmentRules.apply(action, body, to: current, now: now, policy: policy, actorStaff: staff)
            if action == .reschedule || action == .rescheduleByCenter {
                try await AppointmentRoutes.reschedule(connection, site: site, current: current, body: body, action: action, outcome: outcome, rules: rules, now: now,
                                                 actor: actor, role: scope.role)
            } else {
                var change = outcome.change
                if let complaint = outcome.complaint {
                    change.complaintTicket = try await AppointmentRoutes.openComplaint(connection, site: site, appointment: current, description: complaint.description,
                                                                                 owner: complaint.owner, rules: rules, now: now, actor: actor, role: scope.role)
                }
                if let assignment = BookingRules.newAssignment(change, to: current, timezone: site.timezone) {
                    try await BookingRules.requireActiveStaff(found: try connection.execute(StaffStore.active(site: site.id, id: assignment.staff)).first != nil)
                    // 持证上岗 on the day of the visit, in the site's timezone.
                    if let post: UUID = try row.decodeIfPresent("item_post_id") {
                        try await CertificateStore.requireLicence(connection, site: site.id, staff: assignment.staff, post: post, day: assignment.licenceDay, field: "assignedStaffId")
                    }
                }
                do {
                    guard try await connection.execute(AppointmentStore.update(
                        site: site.id, id: id, change, expectedVersion: current.version, now: now, action: action.rawValue, from: current.status,
                        note: outcome.note, detail: outcome.detail, actor: actor, role: scope.role)).first != nil
                    else { throw Versioning.stale(current: current.version + 1) }
                } catch let error as PostgresError where error.constraint == AppointmentStore.staffOverlapConstraint {
                    throw BookingRules.staffBusy()
                }
            }
            try await connection.execute(AuditLog.record(site: site.id, scope: scope, action: "appointment.\(action.rawValue)", targetType: "appointment", targetID: id.uuidString,
                                                   detail: outcome.detail, requestID: requestID))
            return try await AppointmentStore.decode(try connection.execute(AppointmentStore.get(site: site.id, id: id))[0], timeZone: rules.timeZone, now: now, policy: policy)
        }
        return try Response.json(appointment, version: appointment.version)
    }

    /// A move by the applicant (`reschedule`) or the center (`reschedule-by-center`, whose
    /// notice `AppointmentRules.apply` has already judged into `outcome`), checked as a booking
    /// is (`BookingRules.move`), with the assigned staff member's licence on the new day.
    static func reschedule(
        _ connection: isolated PostgresConnection, site: Site, current: Appointment, body: AppointmentActionBody, action: AppointmentAction,
        outcome: AppointmentRules.Outcome, rules: SiteRulebook.Rules, now: Date, actor: UUID, role: String
    ) async throws {
        let target = try BookingRules.rescheduleTarget(current, body, now: now)
        let item = try await AppointmentStore.decodeItem(try connection.execute(AppointmentStore.item(site: site.id, id: current.itemId))[0])
        let window = try await connection.execute(AppointmentStore.window(site: site.id, id: target.windowId)).first.map(AppointmentStore.decodeWindow)
        let move = try BookingRules.move(current, to: target, item: item, window: window, rules: rules)
        if let check = move.licenceCheck, let post = item.postId {
            // 持证上岗 on the new day of the visit.
            try await CertificateStore.requireLicence(connection, site: site.id, staff: check.staff, post: post, day: check.licenceDay, field: "start")
        }
        let detail = outcome.detail.merging(["from": RFC3339.format(current.start), "to": RFC3339.format(move.slot.start), "window": move.window.code]) { $1 }
        do {
            guard try await connection.execute(AppointmentStore.reschedule(
                site: site.id, id: current.id, window: move.window.id, start: move.slot.start, end: move.slot.end, capacity: item.capacityPerSlot,
                expectedVersion: current.version, now: now, from: current.status, action: action.rawValue, late: outcome.lateReschedule,
                reason: outcome.note, detail: detail, actor: actor, role: role)).first != nil
            else { throw BookingRules.slotTaken() }
        } catch let error as PostgresError where error.code == .exclusionViolation {
            throw error.constraint == AppointmentStore.staffOverlapConstraint ? BookingRules.staffBusyOnMove() : BookingRules.slotTaken()
        }
    }

    /// Dissatisfaction goes to the complaints office: a complaint ticket linked to the booking.
    static func openComplaint(
        _ connection: isolated PostgresConnection, site: Site, appointment: Appointment, description: String, owner: UUID,
        rules: SiteRulebook.Rules, now: Date, actor: UUID, role: String
    ) async throws -> UUID {
        let service: String = try await connection.query("SELECT name FROM service_items WHERE site_id = $1 AND id = $2", [site.id, appointment.itemId])
            .first?.decode("name") ?? "预约服务"
        let draft = try BookingRules.complaint(about: appointment, service: service, description: description, owner: owner, now: now, rules: rules)
        try await TicketStore.checkReferences(connection, site: site.id, owner: owner, department: nil, related: nil)
        guard let row = try await connection.execute(TicketStore.insert(site: site, draft, actor: actor, role: role, nonconformity: false, now: now)).first else {
            throw PostgresError(kind: .client, message: "complaint insert returned no row")
        }
        return try row.decode("id")
    }

    func statistics(_ request: Request, _ context: PlatformRequestContext) async throws -> Response {
        let access = try await services.siteAccess(context)
        let month = try request.requiredQuery(month: "month")
        let rules = try await services.rulebook.rules(for: access.site)
        let range = try TicketStatisticsStore.monthRange(month, timeZone: rules.timeZone)
        let results = try await services.read(access, AppointmentStatisticsStore.statements(site: access.site.id, start: range.start, end: range.end, now: services.clock.now()))
        return try Response.json(try AppointmentStatisticsStore.decode(results, month: month, timezone: rules.timeZone.identifier))
    }
}
