import Foundation

/// What booking a slot, offering free slots and moving or staffing a booking decide.
///
/// The routes load the item, the windows, the booking and the site's rules in one
/// transaction and ask these functions what to write or which rule the request breaks;
/// nothing here reads the clock or the database, so every rule is tested with fixed instants.
public enum BookingRules {
    // MARK: Availability

    /// A place a live booking holds at a window over `[start, end)`.
    ///
    /// Availability subtracts these from each slot's capacity; the store loads them for
    /// the days asked.
    public struct HeldPlace: Sendable, Equatable {
        public var windowId: UUID
        public var start: Date
        public var end: Date

        public init(windowId: UUID, start: Date, end: Date) {
            self.windowId = windowId
            self.start = start
            self.end = end
        }
    }

    /// The days availability covers: `from` (today when absent) through `to` (six days
    /// later when absent), `to` on or after `from` and at most 62 days later.
    public static func availabilityDays(from: CalendarDate?, to: CalendarDate?, today: CalendarDate) throws -> (from: CalendarDate, to: CalendarDate) {
        let from = from ?? today
        let to = to ?? from.adding(days: 6)
        guard from <= to, to.daysSinceEpoch - from.daysSinceEpoch <= 62 else {
            throw DomainError.invalid(field: "to", code: "request.invalid_value", message: "to is on or after from, at most 62 days later")
        }
        return (from: from, to: to)
    }

    /// The free slots of `item` on the days `from`…`to`: each window's grid (windows in
    /// code order), slots that have not started at `now`, each with the places its
    /// capacity leaves after the held places overlapping it. Sorted by start, then window
    /// order. A retired item has none; an unknown one is 422 `appointment.unknown_item`.
    public static func freeSlots(
        of item: ServiceItem?, at windows: [ServiceWindow], held: [HeldPlace], from: CalendarDate, through to: CalendarDate, rules: SiteRules, now: Date
    ) throws -> [AvailableSlot] {
        guard let item else {
            throw DomainError.invalid(field: "item", code: "appointment.unknown_item", message: "no service item with this id at this site")
        }
        // Bookings per window and UTC day (a slot never spans more than a day), so each slot
        // compares with a handful of bookings, not the month's.
        var taken: [UUID: [Int: [(start: Date, end: Date)]]] = [:]
        for place in held {
            for day in Int(place.start.timeIntervalSince1970 / 86_400)...Int(place.end.timeIntervalSince1970 / 86_400) {
                taken[place.windowId, default: [:]][day, default: []].append((place.start, place.end))
            }
        }
        // Windows come sorted by code; their position breaks ties between equal starts.
        var slots: [(slot: SlotGrid.Slot, window: ServiceWindow, position: Int, remaining: Int)] = []
        if item.active {
            // Windows usually share a calendar: cut its days into slots once.
            var grids: [String: [SlotGrid.Slot]] = [:]
            for (position, window) in windows.enumerated() {
                let bookings = taken[window.id] ?? [:]
                let grid = grids[window.calendar] ?? SlotGrid.slots(from: from, to: to, durationMinutes: item.durationMinutes,
                                                                    calendar: rules.calendar(window.calendar), timeZone: rules.timeZone)
                grids[window.calendar] = grid
                for slot in grid where slot.start > now {
                    let used = (bookings[Int(slot.start.timeIntervalSince1970 / 86_400)] ?? []).lazy.filter { $0.start < slot.end && $0.end > slot.start }.count
                    guard used < item.capacityPerSlot else { continue }
                    slots.append((slot, window, position, item.capacityPerSlot - used))
                }
            }
        }
        slots.sort { ($0.slot.start, $0.position) < ($1.slot.start, $1.position) }
        return slots.map {
            AvailableSlot(windowId: $0.window.id, windowCode: $0.window.code, start: $0.slot.start, end: $0.slot.end, localStart: $0.slot.localStart,
                          remaining: $0.remaining)
        }
    }

    // MARK: Booking a slot

    /// A slot a booking may take at one window, and when its request must be answered.
    ///
    /// Booking tries the offers in window order and takes the first free place; the
    /// deadline follows the window's own calendar.
    public struct Offer: Sendable, Equatable {
        public var window: ServiceWindow
        public var slot: SlotGrid.Slot
        public var confirmDue: Date

        public init(window: ServiceWindow, slot: SlotGrid.Slot, confirmDue: Date) {
            self.window = window
            self.slot = slot
            self.confirmDue = confirmDue
        }
    }

    /// The item a booking asks for, if it can be booked: known at this site, still offered,
    /// and offered as a home visit when the booking is one.
    public static func bookableItem(_ item: ServiceItem?, for booking: NewAppointment) throws -> ServiceItem {
        try bookableItem(item, homeVisit: booking.homeVisit != nil)
    }

    /// The item, if a booking (a home visit when `homeVisit`) can take a slot of it: known at
    /// this site, still offered, offered at home for a home visit. Booking and moving check alike.
    public static func bookableItem(_ item: ServiceItem?, homeVisit: Bool) throws -> ServiceItem {
        guard let item else {
            throw DomainError.invalid(field: "itemId", code: "appointment.unknown_item", message: "no service item with this id at this site")
        }
        guard item.active else { throw DomainError.invalid(field: "itemId", code: "appointment.item_retired", message: "this service item is no longer offered") }
        if homeVisit && !item.homeVisitAllowed {
            throw DomainError.invalid(field: "homeVisit", code: "appointment.home_visit_not_offered", message: "this service item is not offered as a home visit")
        }
        return item
    }

    /// The windows (open, serving the item, the one asked for if any; in code order) whose
    /// grid has a slot starting at the booking's start, with the deadline to answer it.
    ///
    /// Refused: no such window (`appointment.no_window`), a start that is not after `now`
    /// (`appointment.in_the_past`), a home visit outside the site's working hours on its
    /// default calendar (`appointment.outside_working_hours`), no window with a slot then
    /// (`appointment.not_a_slot`).
    public static func offers(
        for booking: NewAppointment, item: ServiceItem, windows: [ServiceWindow], rules: SiteRules, policy: AppointmentPolicy, now: Date
    ) throws -> [Offer] {
        guard !windows.isEmpty else {
            throw DomainError.invalid(field: booking.windowId == nil ? "itemId" : "windowId", code: "appointment.no_window",
                                      message: booking.windowId == nil ? "no open window serves this item" : "this window does not serve the item or is closed")
        }
        guard booking.start > now else {
            throw DomainError.invalid(field: "start", code: "appointment.in_the_past", message: "book a slot that has not started")
        }
        var offers: [Offer] = []
        for window in windows {
            let calendar = rules.calendar(window.calendar)
            guard let slot = SlotGrid.slot(startingAt: booking.start, durationMinutes: item.durationMinutes, calendar: calendar, timeZone: rules.timeZone) else { continue }
            if booking.homeVisit != nil { try requireWorkingHours(slot, rules: rules) }
            offers.append(Offer(window: window, slot: slot,
                                confirmDue: AppointmentClock.confirmDue(requestedAt: now, policy: policy, calendar: calendar, timeZone: rules.timeZone)))
        }
        guard !offers.isEmpty else {
            throw DomainError.invalid(field: "start", code: "appointment.not_a_slot",
                                      message: "no window serving this item has a slot starting then; see …/availability for the slots")
        }
        return offers
    }

    /// 422 `appointment.outside_working_hours` unless a home visit's slot lies in the site's
    /// working hours (its default calendar), whatever the field team's own calendar says
    /// (上门服务时间为正常工作时间).
    public static func requireWorkingHours(_ slot: SlotGrid.Slot, rules: SiteRules) throws {
        guard rules.calendar().isOpen(from: slot.start, to: slot.end, in: rules.timeZone) else {
            throw DomainError.invalid(field: "start", code: "appointment.outside_working_hours", message: "home visits are made in the site's working hours")
        }
    }

    /// Concurrent bookings racing for the places of one slot at one window.
    ///
    /// The store's exclusion constraint lets one booking win each place; a loser tries again
    /// while the slot still shows a free place, at most capacity + 2 times, so a booking never
    /// spins on a slot that others keep filling.
    public struct PlaceRace: Sendable, Equatable {
        public private(set) var attemptsLeft: Int
        public private(set) var placeLeft = true

        public init(capacity: Int) {
            attemptsLeft = capacity + 2
        }

        /// Whether to try (again) for a place; counts the attempt.
        public mutating func nextAttempt() -> Bool {
            guard placeLeft, attemptsLeft > 0 else { return false }
            attemptsLeft -= 1
            return true
        }

        /// An attempt lost to another booking, when the slot showed `freePlaces` places.
        public mutating func lost(freePlaces: Int) {
            if freePlaces == 0 { placeLeft = false }
        }
    }

    /// 409 `appointment.slot_taken`: every place of the slot is booked.
    public static func slotTaken() -> DomainError {
        DomainError(.conflict, code: "appointment.slot_taken", message: "every place of this slot is booked; choose another slot (see …/availability)",
                    fieldErrors: [.init(field: "start", code: "appointment.slot_taken", message: "no place left")])
    }

    // MARK: Acting on a booking

    /// Whether `role` acts only on bookings at its own department's windows: window staff
    /// (`site_staff`) do; reception and managers act on any booking of the site.
    public static func actsOnlyOnOwnDepartment(_ role: Role) -> Bool {
        role == .siteStaff
    }

    /// Whether a window clerk takes `action` as the staff member sent on the home visit, not
    /// as a member of the window's department: the visit's own staff member records that the
    /// applicant could not be reached, whichever department they belong to.
    public static func actsAsAssignedStaff(_ action: AppointmentAction, staff: UUID?, on booking: Appointment) -> Bool {
        action == .contactFailed && staff != nil && staff == booking.assignedStaffId
    }

    /// 403 `appointment.not_your_window` unless the staff member's (active) department runs
    /// the booking's window.
    public static func requireOwnWindow(staffDepartment: UUID?, windowDepartment: UUID) throws {
        guard staffDepartment == windowDepartment else {
            throw DomainError(.forbidden, code: "appointment.not_your_window", message: "department staff act only on bookings of their own department's windows")
        }
    }

    /// A staff member newly sent on a home visit, and the day they must hold the item's
    /// licence.
    ///
    /// 持证上岗 is checked on the day of the visit in the site's timezone, not on the day
    /// of the assignment.
    public struct Assignment: Sendable, Equatable {
        public var staff: UUID
        public var licenceDay: CalendarDate

        public init(staff: UUID, licenceDay: CalendarDate) {
            self.staff = staff
            self.licenceDay = licenceDay
        }
    }

    /// The assignment `change` makes, when it names a staff member other than the one the
    /// booking has; nil when nobody new goes.
    public static func newAssignment(_ change: AppointmentChange, to current: Appointment, timezone: String) -> Assignment? {
        guard let staff = change.assignedStaff, staff != current.assignedStaffId else { return nil }
        return Assignment(staff: staff, licenceDay: CalendarDate.day(of: current.start, in: timezone))
    }

    /// 422 `appointment.unknown_staff` unless the staff member assigned is an active staff
    /// member of the site.
    public static func requireActiveStaff(found: Bool) throws {
        guard found else {
            throw DomainError.invalid(field: "assignedStaffId", code: "appointment.unknown_staff", message: "no active staff member with this id at this site")
        }
    }

    /// 409 `appointment.staff_busy` for an assignment: the staff member has another home
    /// visit overlapping this slot (the store's exclusion constraint finds it).
    public static func staffBusy() -> DomainError {
        DomainError(.conflict, code: "appointment.staff_busy", message: "the staff member has another home visit overlapping this slot",
                    fieldErrors: [.init(field: "assignedStaffId", code: "appointment.staff_busy", message: "already on a visit then")])
    }

    /// 409 `appointment.staff_busy` for a reschedule: the staff member already assigned has
    /// another home visit at the new time.
    public static func staffBusyOnMove() -> DomainError {
        DomainError(.conflict, code: "appointment.staff_busy", message: "the assigned staff member has another home visit then")
    }

    // MARK: Rescheduling

    /// Where a reschedule asks to go: the new start, at the window named or the booking's own.
    ///
    /// Checked before anything is loaded, so a request without a usable start reads nothing.
    public struct Target: Sendable, Equatable {
        public var start: Date
        public var windowId: UUID

        public init(start: Date, windowId: UUID) {
            self.start = start
            self.windowId = windowId
        }
    }

    /// Where a reschedule moves the booking: a slot of the window's grid.
    ///
    /// The store then takes the lowest free place of that slot, or finds none.
    public struct Move: Sendable, Equatable {
        public var window: ServiceWindow
        public var slot: SlotGrid.Slot
        /// A home visit's assigned staff member, who must hold the item's licence on the new day.
        public var licenceCheck: Assignment?

        public init(window: ServiceWindow, slot: SlotGrid.Slot, licenceCheck: Assignment? = nil) {
            self.window = window
            self.slot = slot
            self.licenceCheck = licenceCheck
        }
    }

    /// The target of a reschedule: a new start is required and must be after `now`.
    public static func rescheduleTarget(_ current: Appointment, _ body: AppointmentActionBody, now: Date) throws -> Target {
        guard let start = body.start else { throw DomainError.invalid(field: "start", code: "request.missing_field", message: "the new start is required") }
        guard start > now else { throw DomainError.invalid(field: "start", code: "appointment.in_the_past", message: "move to a slot that has not started") }
        return Target(start: start, windowId: body.windowId ?? current.windowId)
    }

    /// The move of `current` to `target`, checked as a booking is: the window (nil when the
    /// site has none with the id) must be open and serve the booking's item; the item must
    /// still be offered, at home for a home visit (`bookableItem`); the window's grid must
    /// have a slot starting then; a home visit must stay in the site's working hours
    /// (`requireWorkingHours`), and its assigned staff member is checked for the item's
    /// licence on the new day (`Move.licenceCheck`).
    public static func move(_ current: Appointment, to target: Target, item: ServiceItem, window: ServiceWindow?, rules: SiteRules) throws -> Move {
        guard let window, window.active, window.itemIds.contains(item.id) else {
            throw DomainError.invalid(field: "windowId", code: "appointment.no_window", message: "this window does not serve the item or is closed")
        }
        let homeVisit = current.homeVisit != nil
        _ = try bookableItem(item, homeVisit: homeVisit)
        guard let slot = SlotGrid.slot(startingAt: target.start, durationMinutes: item.durationMinutes, calendar: rules.calendar(window.calendar),
                                       timeZone: rules.timeZone)
        else {
            throw DomainError.invalid(field: "start", code: "appointment.not_a_slot", message: "the window has no slot starting then; see …/availability")
        }
        if homeVisit { try requireWorkingHours(slot, rules: rules) }
        let licenceCheck = homeVisit ? current.assignedStaffId.map { Assignment(staff: $0, licenceDay: CalendarDate.day(of: slot.start, in: rules.timeZone.identifier)) } : nil
        return Move(window: window, slot: slot, licenceCheck: licenceCheck)
    }

    // MARK: Complaints

    /// The complaint ticket an unsatisfied applicant opens (不满意转投诉): arriving by the
    /// booking's channel, from the applicant, at the visit's address for a home visit, owned
    /// by `owner`, linked to the booking, about the booked service (`service`, its name: the
    /// subject repeats are counted by), checked and scheduled as any new ticket.
    public static func complaint(about appointment: Appointment, service: String, description: String, owner: UUID, now: Date, rules: SiteRules) throws -> TicketDraft {
        let body = NewTicket(channel: appointment.channel.ticketChannel, category: .complaint, priority: .normal,
                             reporter: TicketReporter(name: appointment.applicant.name, phone: appointment.applicant.phone, unit: nil),
                             location: appointment.homeVisit?.address, description: description, ownerId: owner, departmentId: nil, causeClass: nil,
                             receivedAt: now, followUpClass: nil, relatedTicketId: nil, appointmentId: appointment.id, subject: service)
        return try TicketIntake.draft(body, ownerFallback: nil, now: now, rules: rules)
    }
}
