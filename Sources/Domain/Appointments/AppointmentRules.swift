import Foundation

public enum AppointmentChannel: String, Sendable, Codable, CaseIterable {
    case onSite = "on_site"
    case phone, online

    /// The ticket channel a complaint about this booking arrives by.
    public var ticketChannel: TicketChannel {
        switch self {
        case .onSite: .visit
        case .phone: .phone
        case .online: .online
        }
    }
}

public enum AppointmentStatus: String, Sendable, Codable, CaseIterable {
    case requested, confirmed, refused
    case checkedIn = "checked_in"
    case completed
    case cancelledByApplicant = "cancelled_by_applicant"
    case cancelledByCenter = "cancelled_by_center"
    case noShow = "no_show"

    /// Holds a place of its slot (the exclusion constraint's statuses).
    public var holdsPlace: Bool { self == .requested || self == .confirmed || self == .checkedIn || self == .completed }
}

/// Who may be visited at home (上门服务): special groups that cannot come, or key projects.
public enum HomeVisitReason: String, Sendable, Codable, CaseIterable {
    case elderly, sick, disabled
    case keyProject = "key_project"
}

/// The explicit actions on a booking (`POST …/appointments/{id}/{action}`).
public enum AppointmentAction: String, Sendable, Codable, CaseIterable {
    case confirm, refuse
    case checkIn = "check-in"
    case complete, cancel
    case cancelByCenter = "cancel-by-center"
    /// The applicant asks to move the booking.
    case reschedule
    /// The center moves the booking: the same notice as its cancellation (2 h / 8 h).
    case rescheduleByCenter = "reschedule-by-center"
    /// Staff could not reach the applicant of a home visit (联系不上申请人).
    case contactFailed = "contact-failed"

    /// Actions the window's own staff take (the department serving the booking).
    public var isWindowWork: Bool {
        switch self {
        case .confirm, .refuse, .checkIn, .complete, .cancelByCenter, .rescheduleByCenter, .contactFailed: true
        case .cancel, .reschedule: false
        }
    }

    /// Who may take the action: window work (confirm, refuse, check in, complete, the
    /// center's cancellation and move, a failed contact) is department work; the applicant's
    /// own cancellation and move are taken at intake (reception, phone, online).
    public var permission: Permission { isWindowWork ? .departmentWork : .intake }

    /// The actions a booking in `status` takes; a failed contact only on a confirmed home
    /// visit that has none on record yet.
    public static func allowed(_ status: AppointmentStatus, homeVisit: Bool = false, contactFailed: Bool = false) -> [AppointmentAction] {
        allCases.filter { action in
            switch action {
            case .confirm, .refuse: status == .requested
            case .checkIn: status == .confirmed
            case .complete: status == .checkedIn
            case .cancel, .cancelByCenter, .reschedule, .rescheduleByCenter: status == .requested || status == .confirmed
            case .contactFailed: status == .confirmed && homeVisit && !contactFailed
            }
        }
    }

    /// The actions `booking` takes.
    public static func allowed(for booking: Appointment) -> [AppointmentAction] {
        allowed(booking.status, homeVisit: booking.homeVisit != nil, contactFailed: booking.contactFailedAt != nil)
    }

    /// 409 `appointment.action_not_allowed` unless `booking` takes `action`.
    public static func check(_ action: AppointmentAction, on booking: Appointment) throws {
        try check(action, booking.status, allowed: allowed(for: booking))
    }

    public static func check(_ action: AppointmentAction, _ status: AppointmentStatus) throws {
        try check(action, status, allowed: allowed(status))
    }

    static func check(_ action: AppointmentAction, _ status: AppointmentStatus, allowed: [AppointmentAction]) throws {
        guard allowed.contains(action) else {
            throw DomainError(.conflict, code: "appointment.action_not_allowed",
                              message: "a \(status.rawValue) booking cannot take '\(action.rawValue)'" + (allowed.isEmpty ? "; it takes no more actions" : "; allowed: \(allowed.map(\.rawValue).joined(separator: ", "))"),
                              fieldErrors: allowed.map { .init(field: "action", code: "appointment.allowed_action", message: $0.rawValue) })
        }
    }
}

/// A site's appointment policies (`site_policies` rows `appointments.*`).
public struct AppointmentPolicy: Sendable, Equatable {
    public var confirmWithinWorkingDays: Int
    public var windowNoticeHours: Int
    public var homeVisitNoticeHours: Int
    public var noShowMinutes: Int

    public init(policies: [String: String]) {
        func value(_ key: String, _ fallback: Int) -> Int {
            policies[key].flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }.flatMap { $0 > 0 ? $0 : nil } ?? fallback
        }
        confirmWithinWorkingDays = value("appointments.confirm_within_working_days", 1)
        windowNoticeHours = value("appointments.window_notice_hours", 2)
        homeVisitNoticeHours = value("appointments.home_visit_notice_hours", 8)
        noShowMinutes = value("appointments.no_show_minutes", 30)
    }

    public static let defaults = AppointmentPolicy(policies: [:])
}

/// The time rules of bookings, pure.
public enum AppointmentClock {
    /// Confirm or refuse within N working days of the request: N usual working days of
    /// opening time on the window's calendar (holidays skipped, make-up days counted).
    public static func confirmDue(requestedAt: Date, policy: AppointmentPolicy, calendar: WorkingCalendar, timeZone: TimeZone) -> Date {
        calendar.adding(workingMinutes: policy.confirmWithinWorkingDays * max(calendar.usualDayMinutes, 1), to: requestedAt, in: timeZone)
            ?? requestedAt.addingTimeInterval(Double(policy.confirmWithinWorkingDays) * 86_400)
    }

    /// Whether a center cancellation at `now` gives less notice than the rule: 2 h for window
    /// bookings, 8 h for home visits. Exactly the notice is in time.
    public static func isLateCancellation(start: Date, now: Date, homeVisit: Bool, policy: AppointmentPolicy) -> Bool {
        let notice = Double(homeVisit ? policy.homeVisitNoticeHours : policy.windowNoticeHours) * 3600
        return start.timeIntervalSince(now) < notice
    }

    /// The grace period ends: past this time, with no check-in, a window booking's applicant
    /// has given up (视为主动放弃); a home visit's only once a failed contact is on record
    /// (`NoShowRule`).
    public static func noShowAfter(start: Date, policy: AppointmentPolicy) -> Date {
        start.addingTimeInterval(Double(policy.noShowMinutes) * 60)
    }
}

/// When a confirmed booking with no check-in counts as the applicant's no-show.
///
/// 002 预约 第六条: 超过预约时间30分钟而未到场的，视为申请人主动放弃 — a window booking is given
/// up once the grace period has passed. 002 上门 第十一条: 超过预约时间30分钟而未到位且联系不上申请人
/// — a home visit only when the grace period has passed *and* staff have recorded that they
/// could not reach the applicant (`contact-failed`). Until then the visit stays open and needs
/// staff action: the applicant has not given it up, and staff may have been the late ones.
/// `AppointmentSweeper.noShows` selects exactly the bookings this calls `.noShow`.
public enum NoShowRule {
    public enum Verdict: String, Sendable, Equatable {
        /// Not a no-show: not confirmed, checked in, or still within the grace period.
        case open
        /// The applicant has given the booking up.
        case noShow = "no_show"
        /// A home visit past the grace period with no failed contact on record: it stays
        /// confirmed and needs staff to check in, record the failed contact, or cancel.
        case needsContactAttempt = "needs_contact_attempt"
    }

    /// What `booking` is at `now`. Exactly the grace period (30 min 0 s) is still in time.
    public static func verdict(for booking: Appointment, now: Date, policy: AppointmentPolicy) -> Verdict {
        guard booking.status == .confirmed, now > AppointmentClock.noShowAfter(start: booking.start, policy: policy) else { return .open }
        if booking.homeVisit == nil || booking.contactFailedAt != nil { return .noShow }
        return .needsContactAttempt
    }
}

/// Slots: each opening interval of the window's calendar cut into the item's duration,
/// in the site's timezone.
public enum SlotGrid {
    public struct Slot: Sendable, Equatable {
        public var start: Date
        public var end: Date
        /// The local day and minute after midnight the slot starts at.
        public var day: CalendarDate
        public var minute: Int

        /// Wall-clock start at the site, `2026-11-26T09:00`.
        public var localStart: String { "\(day)T\(WorkingCalendar.clock(minute))" }
    }

    /// Every slot starting on the days `from`…`to` (inclusive).
    public static func slots(from: CalendarDate, to: CalendarDate, durationMinutes: Int, calendar: WorkingCalendar, timeZone: TimeZone) -> [Slot] {
        guard durationMinutes > 0, from <= to else { return [] }
        var gregorian = Calendar(identifier: .gregorian)
        gregorian.timeZone = timeZone
        var slots: [Slot] = []
        var day = from
        while day <= to {
            let intervals = calendar.hours(on: day).intervals
            if !intervals.isEmpty, let midnight = gregorian.date(from: DateComponents(year: day.year, month: day.month, day: day.day)) {
                for interval in intervals {
                    // The calendar places the opening (daylight-saving days included); slots follow in plain minutes.
                    guard let opening = gregorian.date(byAdding: .minute, value: interval.opens, to: midnight) else { continue }
                    var minute = interval.opens
                    while minute + durationMinutes <= interval.closes {
                        let start = opening.addingTimeInterval(Double(minute - interval.opens) * 60)
                        slots.append(Slot(start: start, end: start.addingTimeInterval(Double(durationMinutes) * 60), day: day, minute: minute))
                        minute += durationMinutes
                    }
                }
            }
            day = day.adding(days: 1)
        }
        return slots
    }

    /// The slot that starts exactly at `start`, if the grid has one.
    public static func slot(startingAt start: Date, durationMinutes: Int, calendar: WorkingCalendar, timeZone: TimeZone) -> Slot? {
        let day = CalendarDate.day(of: start, in: timeZone.identifier)
        return slots(from: day, to: day, durationMinutes: durationMinutes, calendar: calendar, timeZone: timeZone).first { $0.start == start }
    }
}

public enum IdentityNumber {
    /// Shows the first 3 and last 4 characters: 110***********1234.
    public static func masked(_ number: String) -> String {
        guard number.count > 7 else { return String(repeating: "*", count: number.count) }
        return String(number.prefix(3)) + String(repeating: "*", count: number.count - 7) + String(number.suffix(4))
    }

    /// A mainland resident identity number: 17 digits and a digit or X.
    public static func isValid(_ number: String) -> Bool {
        let characters = Array(number.uppercased())
        guard characters.count == 18, characters.prefix(17).allSatisfy({ $0.isASCII && $0.isNumber }) else { return false }
        let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
        let sum = zip(characters.prefix(17), weights).reduce(0) { $0 + Int(String($1.0))! * $1.1 }
        return characters[17] == Array("10X98765432")[sum % 11]
    }
}

/// What an action changes on a booking: the columns the store writes back.
public struct AppointmentChange: Sendable {
    public var status: AppointmentStatus
    public var assignedStaff: UUID?
    public var confirmedAt: Date?
    public var refusedAt: Date?
    public var refusalReason: String?
    public var checkedInAt: Date?
    public var completedAt: Date?
    public var result: String?
    public var satisfaction: SatisfactionRating?
    public var cancelledAt: Date?
    public var cancelReason: String?
    public var lateCancellation: Bool
    public var complaintTicket: UUID?
    /// When staff recorded that they could not reach a home visit's applicant, and what they tried.
    public var contactFailedAt: Date?
    public var contactFailedNote: String?

    public init(status: AppointmentStatus, assignedStaff: UUID? = nil, confirmedAt: Date? = nil, refusedAt: Date? = nil, refusalReason: String? = nil,
                checkedInAt: Date? = nil, completedAt: Date? = nil, result: String? = nil, satisfaction: SatisfactionRating? = nil,
                cancelledAt: Date? = nil, cancelReason: String? = nil, lateCancellation: Bool, complaintTicket: UUID? = nil,
                contactFailedAt: Date? = nil, contactFailedNote: String? = nil) {
        self.status = status
        self.assignedStaff = assignedStaff
        self.confirmedAt = confirmedAt
        self.refusedAt = refusedAt
        self.refusalReason = refusalReason
        self.checkedInAt = checkedInAt
        self.completedAt = completedAt
        self.result = result
        self.satisfaction = satisfaction
        self.cancelledAt = cancelledAt
        self.cancelReason = cancelReason
        self.lateCancellation = lateCancellation
        self.complaintTicket = complaintTicket
        self.contactFailedAt = contactFailedAt
        self.contactFailedNote = contactFailedNote
    }
}

/// Checks of what managers and reception enter, and what each action does to a booking.
public enum AppointmentRules {
    public static func validate(_ item: NewServiceItem) throws -> NewServiceItem {
        var item = item
        var errors: [DomainError.FieldError] = []
        item.code = item.code.trimmingCharacters(in: .whitespaces)
        if item.code.range(of: #"^[a-z][a-z0-9_]{0,31}$"#, options: .regularExpression) == nil {
            errors.append(.init(field: "code", code: "request.invalid_value", message: "lower-case letters, digits and _, starting with a letter, at most 32"))
        }
        item.name = item.name.trimmingCharacters(in: .whitespacesAndNewlines)
        if item.name.isEmpty || item.name.count > 100 { errors.append(.init(field: "name", code: "request.invalid_value", message: "1–100 characters")) }
        if !(5...480).contains(item.durationMinutes) || item.durationMinutes % 5 != 0 {
            errors.append(.init(field: "durationMinutes", code: "request.invalid_value", message: "5–480 minutes, in steps of 5"))
        }
        if let capacity = item.capacityPerSlot, !(1...100).contains(capacity) {
            errors.append(.init(field: "capacityPerSlot", code: "request.invalid_value", message: "1–100 applicants per slot"))
        }
        if let documents = item.documents {
            item.documents = documents.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
            if documents.count > 30 || item.documents!.contains(where: { $0.isEmpty || $0.count > 200 }) {
                errors.append(.init(field: "documents", code: "request.invalid_value", message: "at most 30 documents of 1–200 characters"))
            }
        }
        try DomainError.check(errors)
        return item
    }

    public static func validate(_ window: NewServiceWindow) throws -> NewServiceWindow {
        var window = window
        var errors: [DomainError.FieldError] = []
        window.code = window.code.trimmingCharacters(in: .whitespaces)
        if window.code.range(of: #"^[a-z0-9][a-z0-9_]{0,31}$"#, options: .regularExpression) == nil {
            errors.append(.init(field: "code", code: "request.invalid_value", message: "lower-case letters, digits and _, at most 32"))
        }
        window.name = window.name.trimmingCharacters(in: .whitespacesAndNewlines)
        if window.name.isEmpty || window.name.count > 100 { errors.append(.init(field: "name", code: "request.invalid_value", message: "1–100 characters")) }
        if let kind = window.kind, kind != "counter" && kind != "field_team" {
            errors.append(.init(field: "kind", code: "request.invalid_value", message: "counter or field_team"))
        }
        if window.itemIds.count > 200 { errors.append(.init(field: "itemIds", code: "request.invalid_value", message: "at most 200 items")) }
        try DomainError.check(errors)
        return window
    }

    /// A service item with `changes` applied, absent fields kept, checked as a new item is.
    ///
    /// The item is returned as changed, not as `validate` trims it: the check only decides
    /// whether the change may be written.
    public static func change(_ item: ServiceItem, with changes: ServiceItemChanges) throws -> ServiceItem {
        var changed = item
        changed.name = changes.name ?? item.name
        changed.durationMinutes = changes.durationMinutes ?? item.durationMinutes
        changed.capacityPerSlot = changes.capacityPerSlot ?? item.capacityPerSlot
        changed.documents = changes.documents ?? item.documents
        changed.homeVisitAllowed = changes.homeVisitAllowed ?? item.homeVisitAllowed
        changed.active = changes.active ?? item.active
        changed.postId = changes.postId ?? item.postId
        _ = try validate(NewServiceItem(code: changed.code, name: changed.name, departmentId: changed.departmentId, durationMinutes: changed.durationMinutes,
                                        capacityPerSlot: changed.capacityPerSlot, documents: changed.documents, homeVisitAllowed: changed.homeVisitAllowed))
        return changed
    }

    /// A window with `changes` applied, absent fields kept: the name trimmed (at most 100
    /// characters; a blank one keeps the old name), the items without repeats in a stable order.
    ///
    /// The calendar stays a code here; the store checks that the site has it.
    public static func change(_ window: ServiceWindow, with changes: ServiceWindowChanges) throws -> ServiceWindow {
        var changed = window
        changed.name = try InputText.trimmed(changes.name ?? window.name, field: "name", max: 100) ?? window.name
        changed.calendar = changes.calendar ?? window.calendar
        changed.itemIds = changes.itemIds.map { Array(Set($0)).sorted { $0.uuidString < $1.uuidString } } ?? window.itemIds
        changed.active = changes.active ?? window.active
        return changed
    }

    public struct Booking: Sendable {
        public var body: NewAppointment
        public var phone: String
    }

    public static func validate(_ booking: NewAppointment) throws -> Booking {
        var body = booking
        var errors: [DomainError.FieldError] = []
        body.applicant.name = body.applicant.name.trimmingCharacters(in: .whitespacesAndNewlines)
        if body.applicant.name.isEmpty || body.applicant.name.count > 100 {
            errors.append(.init(field: "applicant.name", code: "request.invalid_value", message: "1–100 characters"))
        }
        let digits = PhoneNumber.digits(body.applicant.phone)
        if digits == nil {
            errors.append(.init(field: "applicant.phone", code: "request.invalid_value", message: PhoneNumber.expected))
        }
        if let number = body.applicant.idNumber?.trimmingCharacters(in: .whitespaces), !number.isEmpty {
            if !IdentityNumber.isValid(number) {
                errors.append(.init(field: "applicant.idNumber", code: "request.invalid_value", message: "an 18-character resident identity number with a valid check digit"))
            }
            body.applicant.idNumber = number.uppercased()
        } else {
            body.applicant.idNumber = nil
        }
        if let visit = body.homeVisit {
            let address = visit.address.trimmingCharacters(in: .whitespacesAndNewlines)
            if address.isEmpty || address.count > 200 {
                errors.append(.init(field: "homeVisit.address", code: "request.invalid_value", message: "the address to visit, 1–200 characters"))
            }
            body.homeVisit?.address = address
        }
        if let note = body.note, note.count > 2000 { errors.append(.init(field: "note", code: "request.too_long", message: "at most 2000 characters")) }
        try DomainError.check(errors)
        return Booking(body: body, phone: digits ?? "")  // refused above when nil
    }

    public struct Outcome: Sendable {
        public var change: AppointmentChange
        public var note: String?
        public var detail: [String: String]
        /// An unsatisfied applicant: the complaint to open, and its owner.
        public var complaint: (description: String, owner: UUID)?
        /// A move by the center with less notice than the rule: a breach, recorded.
        public var lateReschedule = false
    }

    /// Whether the center, acting at `now`, gives the applicant less notice than the rule
    /// (2 h for window bookings, 8 h for home visits; `AppointmentClock.isLateCancellation`);
    /// a late cancellation or move needs a reason (`code` on `reason` otherwise).
    static func centerNotice(_ current: Appointment, now: Date, policy: AppointmentPolicy, reason: String?, code: String, doing: String) throws -> Bool {
        let late = AppointmentClock.isLateCancellation(start: current.start, now: now, homeVisit: current.homeVisit != nil, policy: policy)
        if late && reason == nil {
            let hours = current.homeVisit != nil ? policy.homeVisitNoticeHours : policy.windowNoticeHours
            throw DomainError(.invalid, code: code, message: "less than \(hours) h before the start the center \(doing) only with a reason, recorded as a breach",
                              fieldErrors: [.init(field: "reason", code: code, message: "state why")])
        }
        return late
    }

    public static func apply(
        _ action: AppointmentAction, _ body: AppointmentActionBody, to current: Appointment, now: Date, policy: AppointmentPolicy, actorStaff: UUID?
    ) throws -> Outcome {
        var change = AppointmentChange(
            status: current.status, assignedStaff: current.assignedStaffId, confirmedAt: current.confirmedAt, refusedAt: current.refusedAt,
            refusalReason: current.refusalReason, checkedInAt: current.checkedInAt, completedAt: current.completedAt, result: current.result,
            satisfaction: current.satisfaction, cancelledAt: current.cancelledAt, cancelReason: current.cancelReason,
            lateCancellation: current.lateCancellation, complaintTicket: current.complaintTicketId, contactFailedAt: current.contactFailedAt,
            contactFailedNote: current.contactFailedNote)
        var detail: [String: String] = [:]
        var complaint: (String, UUID)?
        var lateReschedule = false
        let note = try InputText.trimmed(body.note, field: "note", max: 2000)
        let reason = try InputText.trimmed(body.reason, field: "reason", max: 500)
        switch action {
        case .confirm:
            if current.homeVisit != nil {
                guard let staff = body.assignedStaffId ?? current.assignedStaffId else {
                    throw DomainError.invalid(field: "assignedStaffId", code: "appointment.staff_required", message: "a home visit is confirmed with the staff member who goes")
                }
                change.assignedStaff = staff
            } else if body.assignedStaffId != nil {
                throw DomainError.invalid(field: "assignedStaffId", code: "request.not_applicable", message: "only home visits are assigned to a staff member")
            }
            change.status = .confirmed
            change.confirmedAt = now
            detail["inTime"] = String(now <= current.confirmDueAt)
        case .refuse:
            guard let reason else { throw DomainError.invalid(field: "reason", code: "request.missing_field", message: "a refusal states its reason") }
            change.status = .refused
            change.refusedAt = now
            change.refusalReason = reason
            detail["inTime"] = String(now <= current.confirmDueAt)
        case .checkIn:
            guard NoShowRule.verdict(for: current, now: now, policy: policy) != .noShow else {
                throw DomainError(.conflict, code: "appointment.too_late",
                                  message: current.homeVisit == nil
                                      ? "more than \(policy.noShowMinutes) minutes after the start the applicant is treated as having given up; book again"
                                      : "more than \(policy.noShowMinutes) minutes after the start and the applicant could not be reached: treated as having given up; book again")
            }
            change.status = .checkedIn
            change.checkedInAt = now
        case .complete:
            guard let result = try InputText.trimmed(body.result, field: "result", max: 4000) else {
                throw DomainError.invalid(field: "result", code: "request.missing_field", message: "the result is recorded")
            }
            change.status = .completed
            change.completedAt = now
            change.result = result
            change.satisfaction = body.satisfaction
            if body.satisfaction == .unsatisfied {
                guard let owner = body.ownerId ?? actorStaff else {
                    throw DomainError.invalid(field: "ownerId", code: "ticket.owner_required",
                                              message: "name the staff member who receives the complaint (首问责任人); your account is not linked to a staff record")
                }
                complaint = ("预约办理不满意：\(result)" + (note.map { "；\($0)" } ?? ""), owner)
            } else if body.ownerId != nil {
                throw DomainError.invalid(field: "ownerId", code: "request.not_applicable", message: "only an unsatisfied applicant opens a complaint")
            }
        case .cancel:
            change.status = .cancelledByApplicant
            change.cancelledAt = now
            change.cancelReason = reason
        case .cancelByCenter:
            let late = try centerNotice(current, now: now, policy: policy, reason: reason, code: "appointment.late_cancellation_reason_required", doing: "cancels")
            change.status = .cancelledByCenter
            change.cancelledAt = now
            change.cancelReason = reason
            change.lateCancellation = late
            detail["lateCancellation"] = String(late)
            detail["noticeMinutes"] = String(Int(current.start.timeIntervalSince(now) / 60))
        case .reschedule:
            // The applicant's own request: no notice rule (the move itself is `BookingRules.move`).
            break
        case .rescheduleByCenter:
            // The center cannot keep the time: the same notice as its cancellation (提前2小时 / 8小时告知).
            lateReschedule = try centerNotice(current, now: now, policy: policy, reason: reason, code: "appointment.late_reschedule_reason_required", doing: "moves a booking")
            detail["lateReschedule"] = String(lateReschedule)
            detail["noticeMinutes"] = String(Int(current.start.timeIntervalSince(now) / 60))
        case .contactFailed:
            guard current.homeVisit != nil else {
                throw DomainError(.conflict, code: "appointment.not_a_home_visit", message: "a failed contact is recorded for home visits; a window booking is given up after the grace period alone")
            }
            guard now >= current.start else {
                throw DomainError(.conflict, code: "appointment.not_started", message: "a failed contact is recorded once the visit's time has come")
            }
            guard let note else {
                throw DomainError.invalid(field: "note", code: "request.missing_field", message: "say how the applicant was tried (calls, the door, neighbours)")
            }
            change.contactFailedAt = now
            change.contactFailedNote = note
            detail["minutesAfterStart"] = String(Int(now.timeIntervalSince(current.start) / 60))
        }
        return Outcome(change: change, note: note ?? reason, detail: detail, complaint: complaint, lateReschedule: lateReschedule)
    }
}
