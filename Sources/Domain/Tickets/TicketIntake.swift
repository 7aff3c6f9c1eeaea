import Foundation

/// Everything a new ticket is, computed before it is written.
public struct TicketDraft: Sendable {
    public var ticket: NewTicket
    public var owner: UUID
    public var priority: TicketPriority
    public var receivedAt: Date
    public var year: Int
    public var feedbackDueAt: Date
    public var resolveDueAt: Date?
    public var followUpClass: FollowUpClass?
    public var repeatOf: UUID?
    public var locationKey: String?
    public var searchText: String

    public init(ticket: NewTicket, owner: UUID, priority: TicketPriority, receivedAt: Date, year: Int, feedbackDueAt: Date, resolveDueAt: Date? = nil,
                followUpClass: FollowUpClass? = nil, repeatOf: UUID? = nil, locationKey: String? = nil, searchText: String) {
        self.ticket = ticket
        self.owner = owner
        self.priority = priority
        self.receivedAt = receivedAt
        self.year = year
        self.feedbackDueAt = feedbackDueAt
        self.resolveDueAt = resolveDueAt
        self.followUpClass = followUpClass
        self.repeatOf = repeatOf
        self.locationKey = locationKey
        self.searchText = searchText
    }
}

/// Intake: checks a new contact and works out its number year, deadlines and follow-up class.
public enum TicketIntake {
    public static func draft(_ body: NewTicket, ownerFallback: UUID?, now: Date, rules: SiteRules) throws -> TicketDraft {
        var ticket = body
        var errors: [DomainError.FieldError] = []
        func clean(_ value: String?, _ field: String, max: Int) -> String? {
            guard let value = value?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else { return nil }
            if value.count > max { errors.append(.init(field: field, code: "request.too_long", message: "at most \(max) characters")) }
            return value
        }
        guard let description = clean(body.description, "description", max: 4000) else {
            throw DomainError.invalid(field: "description", code: "request.missing_field", message: "describe the matter")
        }
        ticket.description = description
        ticket.location = clean(body.location, "location", max: 200)
        var reporter = TicketReporter(name: clean(body.reporter?.name, "reporter.name", max: 100), phone: nil, unit: clean(body.reporter?.unit, "reporter.unit", max: 100))
        if let phone = clean(body.reporter?.phone, "reporter.phone", max: 30) {
            reporter.phone = PhoneNumber.digits(phone)
            if reporter.phone == nil {
                errors.append(.init(field: "reporter.phone", code: "request.invalid_value", message: PhoneNumber.expected))
            }
        }
        ticket.reporter = reporter
        ticket.subject = clean(body.subject, "subject", max: 100)
        if body.category == .complaint && ticket.subject == nil {
            errors.append(.init(field: "subject", code: "ticket.subject_required",
                                message: "name what the complaint is about (e.g. 电梯噪音): complaints about the same matter are counted as repeats"))
        }
        if body.category == .complaint, let kind = body.followUpClass, kind != .complaint {
            errors.append(.init(field: "followUpClass", code: "request.invalid_value",
                                message: "every complaint is followed up as a complaint (投诉…100%回访), not as \(kind.rawValue)"))
        }
        if body.repairItemId != nil && body.category != .repair {
            errors.append(.init(field: "repairItemId", code: "request.not_applicable", message: "only repairs name a repair item"))
        }
        let contactMissing = !hasContact(body.category, reporter: reporter, location: ticket.location, placeId: body.placeId)
        if contactMissing {
            errors.append(.init(field: "reporter", code: "ticket.contact_required",
                                message: "a complaint needs the reporter's name and phone, or the room/unit or location, so the feedback and the follow-up (回访) reach them"))
        }
        if let cause = body.causeClass {
            if body.category != .complaint {
                errors.append(.init(field: "causeClass", code: "request.not_applicable", message: "only complaints have a cause class"))
            } else if !(1...3).contains(cause) {
                errors.append(.init(field: "causeClass", code: "request.invalid_value", message: "1 our service, 2 building quality, 3 external"))
            }
        }
        if body.category != .complaint {
            if body.severity != nil {
                errors.append(.init(field: "severity", code: "request.not_applicable", message: "only complaints are ordinary or serious"))
            }
            if body.subjectStaffId != nil {
                errors.append(.init(field: "subjectStaffId", code: "request.not_applicable", message: "only a complaint names the staff member complained about"))
            }
        }
        let receivedAt = body.receivedAt ?? now
        if receivedAt > now.addingTimeInterval(300) {
            errors.append(.init(field: "receivedAt", code: "request.invalid_value", message: "a contact cannot be received in the future"))
        } else if receivedAt < now.addingTimeInterval(-7 * 86_400) {
            errors.append(.init(field: "receivedAt", code: "request.invalid_value", message: "contacts are recorded within 7 days of receipt"))
        }
        let owner = body.ownerId ?? ownerFallback
        if owner == nil {
            errors.append(.init(field: "ownerId", code: "ticket.owner_required",
                                message: "name the receiving staff member (首问责任人); your account is not linked to a staff record"))
        }
        guard errors.isEmpty, let owner else {
            throw DomainError(.invalid, code: errors.count == 1 ? errors[0].code : "request.invalid",
                              message: errors.map(\.message).joined(separator: "; "), fieldErrors: errors)
        }
        let priority = body.priority ?? .normal
        let policy = rules.tickets
        let workCalendar = rules.calendar(body.category == .repair ? "repairs" : nil)
        // Numbers and phones are found by their own lookups (GET by number, `q` of digits), not
        // through two-character pairs, which digits would make too common to be selective.
        let searchText = [description, ticket.subject, ticket.location, reporter.name, reporter.unit].compactMap { $0 }.joined(separator: " ")
        return TicketDraft(
            ticket: ticket, owner: owner, priority: priority, receivedAt: receivedAt,
            year: CalendarDate.day(of: receivedAt, in: rules.timeZone.identifier).year,
            feedbackDueAt: TicketClock.feedbackDue(receivedAt: receivedAt, policy: policy),
            resolveDueAt: TicketClock.resolveDue(receivedAt: receivedAt, category: body.category, priority: priority, policy: policy,
                                                 calendar: workCalendar, timeZone: rules.timeZone),
            followUpClass: body.followUpClass ?? body.category.defaultFollowUpClass, repeatOf: nil,
            locationKey: body.placeId == nil ? RepeatRule.locationKey(ticket.location ?? reporter.unit) : nil, searchText: searchText)
    }

    /// The draft once the place and the repair item are known: a location that named a place
    /// of the register is that place (and no longer compared as text), and a repair item's
    /// scale may bring the resolution deadline forward.
    public static func complete(_ draft: inout TicketDraft, place: UUID?, repairScale: RepairScale?, rules: SiteRules) {
        if let place {
            draft.ticket.placeId = place
            draft.locationKey = nil
        }
        if repairScale != nil {
            draft.resolveDueAt = TicketClock.resolveDue(
                receivedAt: draft.receivedAt, category: draft.ticket.category, priority: draft.priority, policy: rules.tickets,
                calendar: rules.calendar("repairs"), timeZone: rules.timeZone, repairScale: repairScale, byAppointment: draft.ticket.appointmentId != nil)
        }
    }

    /// The matter the new ticket is about, for repeat detection.
    public static func matter(_ draft: TicketDraft) -> RepeatRule.Matter? {
        RepeatRule.matter(category: draft.ticket.category, subject: draft.ticket.subject, repairItemId: draft.ticket.repairItemId,
                          placeId: draft.ticket.placeId, locationKey: draft.locationKey, phone: draft.ticket.reporter?.phone)
    }

    /// A complaint owes feedback within 24 hours and a 100 % follow-up, so it is recorded with a
    /// way back to the customer (及时详细记录客户姓名、房号、电话): the reporter's name and phone,
    /// or a place — their room or unit, or the location. Other contacts may be anonymous.
    public static func hasContact(_ category: TicketCategory, reporter: TicketReporter?, location: String?, placeId: UUID? = nil) -> Bool {
        guard category == .complaint else { return true }
        func given(_ value: String?) -> Bool { !(value?.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ?? true) }
        return (given(reporter?.name) && given(reporter?.phone)) || given(reporter?.unit) || given(location) || placeId != nil
    }

    public static func repeatReason(_ category: TicketCategory, count: Int, windowDays: Int) -> String {
        switch category {
        case .complaint: "\(count) complaints about the same matter from the same reporter or place within \(windowDays) days"
        case .repair: "\(count) repairs of the same item at the same place within \(windowDays) days"
        default: "\(count) \(category.rawValue)s about the same matter within \(windowDays) days"
        }
    }
}
