import Foundation
@testable import Domain  // the request bodies' memberwise initializers are internal
import Testing

@Suite("Booking a slot, offering free slots, moving and staffing a booking")
struct BookingRulesTests {
    /// The service center's window hours: Monday to Friday 09:00–12:00 and 13:30–17:30
    /// (the site's default calendar, its working hours).
    static let office = WorkingCalendar(weekly: Dictionary(uniqueKeysWithValues: (1...5).map {
        ($0, [WorkingCalendar.Interval(opens: 9 * 60, closes: 12 * 60), .init(opens: 13 * 60 + 30, closes: 17 * 60 + 30)])
    }))
    /// The field team's hours: every day 08:00–20:00.
    static let field = WorkingCalendar(weekly: Dictionary(uniqueKeysWithValues: (1...7).map { ($0, [WorkingCalendar.Interval(opens: 8 * 60, closes: 20 * 60)]) }))
    static let center = SiteRules(timeZone: shanghai, policies: [:], calendars: ["office": office, "field": field], defaultCalendar: "office")

    static let department = UUID(uuidString: "00000000-0000-0000-0000-000000000201")!
    static let otherDepartment = UUID(uuidString: "00000000-0000-0000-0000-000000000202")!
    static let itemID = UUID(uuidString: "00000000-0000-0000-0000-000000000301")!
    static let otherItemID = UUID(uuidString: "00000000-0000-0000-0000-000000000302")!
    static let post = UUID(uuidString: "00000000-0000-0000-0000-000000000303")!
    static let fieldWorker = UUID(uuidString: "00000000-0000-0000-0000-000000000501")!
    static let colleague = UUID(uuidString: "00000000-0000-0000-0000-000000000502")!
    static let bookingID = UUID(uuidString: "00000000-0000-0000-0000-000000000601")!
    static let recorded = instant("2026-11-01T09:00:00+08:00")

    /// A 30-minute item with two places a slot, offered at home too.
    static func item(active: Bool = true, homeVisitAllowed: Bool = true) -> ServiceItem {
        ServiceItem(id: itemID, code: "id_card", name: "居民身份证换领", departmentId: department, durationMinutes: 30, capacityPerSlot: 2, documents: ["户口簿"],
                    homeVisitAllowed: homeVisitAllowed, active: active, version: 3, createdAt: recorded, updatedAt: recorded)
    }

    static func window(_ code: String, _ id: String, calendar: String, active: Bool = true, items: [UUID] = [BookingRulesTests.itemID]) -> ServiceWindow {
        ServiceWindow(id: UUID(uuidString: "00000000-0000-0000-0000-000000000\(id)")!, code: code, name: "综合受理\(code)", kind: calendar == "field" ? "field_team" : "counter",
                      departmentId: department, calendar: calendar, itemIds: items, active: active, version: 1, createdAt: recorded, updatedAt: recorded)
    }

    static let counter = window("w1", "401", calendar: "office")
    static let secondCounter = window("w2", "402", calendar: "office")
    static let fieldTeam = window("f1", "403", calendar: "field")
    static let thursday = CalendarDate(year: 2026, month: 11, day: 26)
    static let visit = HomeVisit(reason: .elderly, address: "幸福路 1 号 3 单元 502")

    static func request(_ start: String, window: UUID? = nil, homeVisit: HomeVisit? = nil) -> NewAppointment {
        NewAppointment(itemId: itemID, windowId: window, start: instant(start), channel: .phone, applicant: Applicant(name: "李四", phone: "13900002222"),
                       homeVisit: homeVisit)
    }

    /// A confirmed booking at the counter on Thursday 2026-11-26 10:00–10:30 (Shanghai).
    static func booking(start: String = "2026-11-26T10:00:00+08:00", channel: AppointmentChannel = .phone, homeVisit: HomeVisit? = nil,
                        assignedStaff: UUID? = nil) -> Appointment {
        let start = instant(start)
        return Appointment(
            id: bookingID, itemId: itemID, windowId: counter.id, start: start, end: start.addingTimeInterval(30 * 60), localStart: "2026-11-26T10:00",
            localEnd: "2026-11-26T10:30", timezone: "Asia/Shanghai", seat: 1, channel: channel, status: .confirmed,
            applicant: Applicant(name: "李四", phone: "13900002222"), homeVisit: homeVisit, assignedStaffId: assignedStaff, requestedAt: recorded,
            confirmDueAt: recorded, confirmedAt: recorded, lateCancellation: false, overdue: false, rescheduleCount: 0,
            allowedActions: AppointmentAction.allowed(.confirmed), version: 2, createdAt: recorded, updatedAt: recorded)
    }

    static func held(_ window: ServiceWindow, _ start: String, _ end: String) -> BookingRules.HeldPlace {
        BookingRules.HeldPlace(windowId: window.id, start: instant(start), end: instant(end))
    }

    static func freeSlots(at windows: [ServiceWindow], held: [BookingRules.HeldPlace] = [], item: ServiceItem? = BookingRulesTests.item(),
                          through to: CalendarDate = BookingRulesTests.thursday, now: String) throws -> [AvailableSlot] {
        try BookingRules.freeSlots(of: item, at: windows, held: held, from: thursday, through: to, rules: center, now: instant(now))
    }

    static func offers(_ request: NewAppointment, at windows: [ServiceWindow], now: String = "2026-11-25T09:00:00+08:00") throws -> [BookingRules.Offer] {
        try BookingRules.offers(for: request, item: item(), windows: windows, rules: center, policy: .defaults, now: instant(now))
    }

    // MARK: Availability

    @Test func availabilityShowsAWeekFromTodayUnlessToldOtherwise() throws {
        let week = try BookingRules.availabilityDays(from: nil, to: nil, today: Self.thursday)
        #expect(week.from == Self.thursday)
        #expect(week.to == CalendarDate(year: 2026, month: 12, day: 2))
        let fromMonday = try BookingRules.availabilityDays(from: CalendarDate(year: 2026, month: 12, day: 7), to: nil, today: Self.thursday)
        #expect(fromMonday.from == CalendarDate(year: 2026, month: 12, day: 7))
        #expect(fromMonday.to == CalendarDate(year: 2026, month: 12, day: 13))
        let oneDay = try BookingRules.availabilityDays(from: nil, to: Self.thursday, today: Self.thursday)
        #expect(oneDay.to == Self.thursday)
    }

    @Test func availabilityReachesAtMostSixtyTwoDaysAheadAndNeverBackwards() throws {
        let first = CalendarDate(year: 2026, month: 11, day: 1)
        #expect(try BookingRules.availabilityDays(from: first, to: CalendarDate(year: 2027, month: 1, day: 2), today: first).to == CalendarDate(year: 2027, month: 1, day: 2))
        for last in [CalendarDate(year: 2027, month: 1, day: 3), CalendarDate(year: 2026, month: 10, day: 31)] {
            let error = try #require(throws: DomainError.self) { try BookingRules.availabilityDays(from: first, to: last, today: first) }
            #expect(error.problems == ["to request.invalid_value"], "\(last)")
            #expect(error.message == "to is on or after from, at most 62 days later")
        }
    }

    @Test func aSlotShowsThePlacesLeftAfterTheBookingsOverlappingIt() throws {
        let slots = try Self.freeSlots(at: [Self.counter], held: [
            Self.held(Self.counter, "2026-11-26T10:30:00+08:00", "2026-11-26T11:00:00+08:00"),
            Self.held(Self.counter, "2026-11-26T10:30:00+08:00", "2026-11-26T11:00:00+08:00"),
            Self.held(Self.counter, "2026-11-26T11:00:00+08:00", "2026-11-26T11:30:00+08:00"),
            // Another window's bookings take none of this window's places.
            Self.held(Self.secondCounter, "2026-11-26T11:30:00+08:00", "2026-11-26T12:00:00+08:00"),
            Self.held(Self.secondCounter, "2026-11-26T11:30:00+08:00", "2026-11-26T12:00:00+08:00"),
            // A booking counts against every slot it overlaps, and not against the one it only touches.
            Self.held(Self.counter, "2026-11-26T13:30:00+08:00", "2026-11-26T14:30:00+08:00"),
            Self.held(Self.counter, "2026-11-26T15:00:00+08:00", "2026-11-26T15:30:00+08:00"),
        ], now: "2026-11-26T10:10:00+08:00")
        #expect(slots.map { "\($0.localStart) \($0.remaining)" } == [
            "2026-11-26T11:00 1", "2026-11-26T11:30 2", "2026-11-26T13:30 1", "2026-11-26T14:00 1", "2026-11-26T14:30 2", "2026-11-26T15:00 1",
            "2026-11-26T15:30 2", "2026-11-26T16:00 2", "2026-11-26T16:30 2", "2026-11-26T17:00 2",
        ], "10:30 is full and 10:00 has started")
        #expect(slots.first == AvailableSlot(windowId: Self.counter.id, windowCode: "w1", start: instant("2026-11-26T11:00:00+08:00"),
                                             end: instant("2026-11-26T11:30:00+08:00"), localStart: "2026-11-26T11:00", remaining: 1))
    }

    @Test func aBookingAcrossUTCMidnightCountsAgainstTheSlotsOnBothDays() throws {
        // 07:45–08:15 in Shanghai is 23:45–00:15 UTC: the 08:00 slot starts on the second UTC day.
        let slots = try Self.freeSlots(at: [Self.fieldTeam], held: [Self.held(Self.fieldTeam, "2026-11-26T07:45:00+08:00", "2026-11-26T08:15:00+08:00")],
                                       now: "2026-11-25T20:00:00+08:00")
        #expect(slots.prefix(2).map { "\($0.localStart) \($0.remaining)" } == ["2026-11-26T08:00 1", "2026-11-26T08:30 2"])
    }

    @Test func aSlotIsOfferedOnlyUntilItStarts() throws {
        #expect(try Self.freeSlots(at: [Self.counter], now: "2026-11-26T08:59:59+08:00").first?.localStart == "2026-11-26T09:00")
        #expect(try Self.freeSlots(at: [Self.counter], now: "2026-11-26T09:00:00+08:00").first?.localStart == "2026-11-26T09:30")
        #expect(try Self.freeSlots(at: [Self.counter], now: "2026-11-26T17:00:00+08:00").isEmpty, "the last slot started at 17:00")
    }

    @Test func slotsOfSeveralWindowsComeByStartThenByWindowCode() throws {
        let slots = try Self.freeSlots(at: [Self.fieldTeam, Self.counter, Self.secondCounter], now: "2026-11-25T18:00:00+08:00")
        #expect(slots.prefix(8).map { "\($0.windowCode) \($0.localStart)" } == [
            "f1 2026-11-26T08:00", "f1 2026-11-26T08:30", "f1 2026-11-26T09:00", "w1 2026-11-26T09:00", "w2 2026-11-26T09:00",
            "f1 2026-11-26T09:30", "w1 2026-11-26T09:30", "w2 2026-11-26T09:30",
        ])
        #expect(slots.count == 24 + 14 + 14, "the field team's 08:00–20:00 and each counter's 7 hours, in 30-minute slots")
        #expect(Set(slots.map(\.remaining)) == [2])
    }

    @Test func availabilityCoversEveryDayAskedAndSkipsClosedOnes() throws {
        // Thursday to Saturday: the counters are closed at the weekend.
        let slots = try Self.freeSlots(at: [Self.counter], through: CalendarDate(year: 2026, month: 11, day: 28), now: "2026-11-25T18:00:00+08:00")
        #expect(slots.count == 28)
        #expect(slots.last?.localStart == "2026-11-27T17:00")
    }

    @Test func aRetiredItemHasNoFreeSlotsAndAnUnknownOneIsRefused() throws {
        #expect(try Self.freeSlots(at: [Self.counter], item: Self.item(active: false), now: "2026-11-25T18:00:00+08:00") == [])
        let unknown = try #require(throws: DomainError.self) { try Self.freeSlots(at: [Self.counter], item: nil, now: "2026-11-25T18:00:00+08:00") }
        #expect(unknown.problems == ["item appointment.unknown_item"])
        #expect(unknown.message == "no service item with this id at this site")
    }

    // MARK: Booking a slot

    @Test func onlyAKnownItemStillOfferedIsBooked() throws {
        let request = Self.request("2026-11-26T10:00:00+08:00")
        #expect(try BookingRules.bookableItem(Self.item(), for: request) == Self.item())
        let unknown = try #require(throws: DomainError.self) { try BookingRules.bookableItem(nil, for: request) }
        #expect(unknown.problems == ["itemId appointment.unknown_item"])
        #expect(unknown.message == "no service item with this id at this site")
        let retired = try #require(throws: DomainError.self) { try BookingRules.bookableItem(Self.item(active: false), for: request) }
        #expect(retired.problems == ["itemId appointment.item_retired"])
        #expect(retired.message == "this service item is no longer offered")
    }

    @Test func aHomeVisitIsBookedOnlyForAnItemOfferedAtHome() throws {
        let counterOnly = Self.item(homeVisitAllowed: false)
        #expect(try BookingRules.bookableItem(counterOnly, for: Self.request("2026-11-26T10:00:00+08:00")) == counterOnly)
        let error = try #require(throws: DomainError.self) {
            try BookingRules.bookableItem(counterOnly, for: Self.request("2026-11-26T10:00:00+08:00", homeVisit: Self.visit))
        }
        #expect(error.problems == ["homeVisit appointment.home_visit_not_offered"])
        #expect(error.message == "this service item is not offered as a home visit")
    }

    @Test func eachWindowWhoseGridHasTheSlotIsOfferedWithItsOwnDeadline() throws {
        let both = try Self.offers(Self.request("2026-11-26T09:00:00+08:00"), at: [Self.fieldTeam, Self.counter])
        #expect(both.map(\.window.code) == ["f1", "w1"])
        #expect(both.map(\.slot.start) == [instant("2026-11-26T09:00:00+08:00"), instant("2026-11-26T09:00:00+08:00")])
        #expect(both.map(\.slot.end) == [instant("2026-11-26T09:30:00+08:00"), instant("2026-11-26T09:30:00+08:00")])
        // Requested Wednesday 09:00: a working day is 12 h of the field team's hours, 7 h of the counter's.
        #expect(both.map(\.confirmDue) == [instant("2026-11-26T09:00:00+08:00"), instant("2026-11-25T17:30:00+08:00")])
        let early = try Self.offers(Self.request("2026-11-26T08:00:00+08:00"), at: [Self.fieldTeam, Self.counter])
        #expect(early.map(\.window.code) == ["f1"], "the counters open at 09:00")
    }

    @Test func aStartOffEveryWindowsGridIsNotASlot() throws {
        let error = try #require(throws: DomainError.self) { try Self.offers(Self.request("2026-11-26T09:10:00+08:00"), at: [Self.fieldTeam, Self.counter]) }
        #expect(error.problems == ["start appointment.not_a_slot"])
        #expect(error.message == "no window serving this item has a slot starting then; see …/availability for the slots")
    }

    @Test func withoutAnOpenWindowServingTheItemNothingIsBooked() throws {
        let anyWindow = try #require(throws: DomainError.self) { try Self.offers(Self.request("2026-11-26T09:00:00+08:00"), at: []) }
        #expect(anyWindow.problems == ["itemId appointment.no_window"])
        #expect(anyWindow.message == "no open window serves this item")
        let named = try #require(throws: DomainError.self) { try Self.offers(Self.request("2026-11-26T09:00:00+08:00", window: Self.counter.id), at: []) }
        #expect(named.problems == ["windowId appointment.no_window"])
        #expect(named.message == "this window does not serve the item or is closed")
        let pastToo = try #require(throws: DomainError.self) {
            try Self.offers(Self.request("2026-11-24T09:00:00+08:00"), at: [], now: "2026-11-25T09:00:00+08:00")
        }
        #expect(pastToo.problems == ["itemId appointment.no_window"], "the window is reported before the start")
    }

    @Test func aSlotThatHasStartedIsNotBooked() throws {
        let error = try #require(throws: DomainError.self) {
            try Self.offers(Self.request("2026-11-26T09:00:00+08:00"), at: [Self.counter], now: "2026-11-26T09:00:00+08:00")
        }
        #expect(error.problems == ["start appointment.in_the_past"])
        #expect(error.message == "book a slot that has not started")
        #expect(try Self.offers(Self.request("2026-11-26T09:00:00+08:00"), at: [Self.counter], now: "2026-11-26T08:59:59+08:00").count == 1)
    }

    @Test func aHomeVisitIsMadeWithinTheSitesWorkingHours() throws {
        #expect(try Self.offers(Self.request("2026-11-26T10:00:00+08:00", homeVisit: Self.visit), at: [Self.fieldTeam]).map(\.window.code) == ["f1"])
        #expect(try Self.offers(Self.request("2026-11-26T17:00:00+08:00", homeVisit: Self.visit), at: [Self.fieldTeam]).count == 1, "ends at closing")
        for start in ["2026-11-26T12:00:00+08:00", "2026-11-26T17:30:00+08:00", "2026-11-28T10:00:00+08:00"] {
            let error = try #require(throws: DomainError.self) { try Self.offers(Self.request(start, homeVisit: Self.visit), at: [Self.fieldTeam]) }
            #expect(error.problems == ["start appointment.outside_working_hours"], "\(start): lunch break, after closing, Saturday")
            #expect(error.message == "home visits are made in the site's working hours")
        }
        // A booking at the field team's own place follows the team's hours.
        #expect(try Self.offers(Self.request("2026-11-28T10:00:00+08:00"), at: [Self.fieldTeam]).count == 1)
    }

    @Test func aBookingTriesForAPlaceTwiceMoreThanTheSlotHasWhilePlacesShowFree() {
        var race = BookingRules.PlaceRace(capacity: 2)
        var attempts = 0
        while race.nextAttempt() {
            attempts += 1
            race.lost(freePlaces: 1)
        }
        #expect(attempts == 4)
        #expect(race.attemptsLeft == 0)
    }

    @Test func aBookingStopsTryingWhenTheSlotShowsNoFreePlace() {
        var race = BookingRules.PlaceRace(capacity: 3)
        let first = race.nextAttempt()
        race.lost(freePlaces: 2)
        let second = race.nextAttempt()
        race.lost(freePlaces: 0)
        let third = race.nextAttempt()
        #expect([first, second, third] == [true, true, false])
        #expect(race.attemptsLeft == 3)
        #expect(race.placeLeft == false)
    }

    @Test func aSlotWithEveryPlaceBookedIsAConflictOnTheStart() {
        let error = BookingRules.slotTaken()
        #expect(error.kind == .conflict)
        #expect(error.code == "appointment.slot_taken")
        #expect(error.message == "every place of this slot is booked; choose another slot (see …/availability)")
        #expect(error.problems == ["start appointment.slot_taken"])
    }

    // MARK: Acting on a booking

    @Test func windowWorkIsDepartmentWorkAndTheApplicantsOwnChangesAreIntake() {
        #expect(AppointmentAction.allCases.filter { $0.permission == .departmentWork }
            == [.confirm, .refuse, .checkIn, .complete, .cancelByCenter, .rescheduleByCenter, .contactFailed])
        #expect(AppointmentAction.allCases.filter { $0.permission == .intake } == [.cancel, .reschedule])
    }

    @Test func windowStaffActOnlyOnTheirOwnDepartmentsWindows() throws {
        #expect(Role.allCases.filter(BookingRules.actsOnlyOnOwnDepartment) == [.siteStaff])
        try BookingRules.requireOwnWindow(staffDepartment: Self.department, windowDepartment: Self.department)
        for staffDepartment in [Self.otherDepartment, nil] {
            let error = try #require(throws: DomainError.self) {
                try BookingRules.requireOwnWindow(staffDepartment: staffDepartment, windowDepartment: Self.department)
            }
            #expect(error.kind == .forbidden)
            #expect(error.code == "appointment.not_your_window")
            #expect(error.message == "department staff act only on bookings of their own department's windows")
            #expect(error.fieldErrors == [])
        }
    }

    @Test func aNewlyAssignedStaffMemberIsCheckedForTheDayOfTheVisitAtTheSite() {
        // 07:30 in Shanghai is still the day before in UTC.
        let current = Self.booking(start: "2026-11-26T07:30:00+08:00", homeVisit: Self.visit, assignedStaff: Self.colleague)
        #expect(BookingRules.newAssignment(AppointmentChange(status: .confirmed, assignedStaff: Self.fieldWorker, lateCancellation: false), to: current,
                                           timezone: "Asia/Shanghai")
            == BookingRules.Assignment(staff: Self.fieldWorker, licenceDay: Self.thursday))
        #expect(BookingRules.newAssignment(AppointmentChange(status: .confirmed, assignedStaff: Self.colleague, lateCancellation: false), to: current,
                                           timezone: "Asia/Shanghai") == nil, "the staff member already assigned is not checked again")
        #expect(BookingRules.newAssignment(AppointmentChange(status: .confirmed, lateCancellation: false), to: current, timezone: "Asia/Shanghai") == nil)
    }

    @Test func onlyAnActiveStaffMemberOfTheSiteIsAssigned() throws {
        try BookingRules.requireActiveStaff(found: true)
        let error = try #require(throws: DomainError.self) { try BookingRules.requireActiveStaff(found: false) }
        #expect(error.problems == ["assignedStaffId appointment.unknown_staff"])
        #expect(error.message == "no active staff member with this id at this site")
    }

    @Test func aStaffMemberMakesOneHomeVisitAtATime() {
        let assigning = BookingRules.staffBusy()
        #expect(assigning.kind == .conflict)
        #expect(assigning.code == "appointment.staff_busy")
        #expect(assigning.message == "the staff member has another home visit overlapping this slot")
        #expect(assigning.problems == ["assignedStaffId appointment.staff_busy"])
        let moving = BookingRules.staffBusyOnMove()
        #expect(moving.kind == .conflict)
        #expect(moving.code == "appointment.staff_busy")
        #expect(moving.message == "the assigned staff member has another home visit then")
        #expect(moving.fieldErrors == [])
    }

    // MARK: Rescheduling

    @Test func aRescheduleNamesANewStartNotYetBegun() throws {
        let now = instant("2026-11-25T15:00:00+08:00")
        let missing = try #require(throws: DomainError.self) { try BookingRules.rescheduleTarget(Self.booking(), AppointmentActionBody(), now: now) }
        #expect(missing.problems == ["start request.missing_field"])
        #expect(missing.message == "the new start is required")
        var body = AppointmentActionBody()
        body.start = now
        let past = try #require(throws: DomainError.self) { try BookingRules.rescheduleTarget(Self.booking(), body, now: now) }
        #expect(past.problems == ["start appointment.in_the_past"])
        #expect(past.message == "move to a slot that has not started")
    }

    @Test func aRescheduleStaysAtTheBookingsWindowUnlessAnotherIsNamed() throws {
        let friday = instant("2026-11-27T14:00:00+08:00")
        var body = AppointmentActionBody()
        body.start = friday
        let now = instant("2026-11-25T15:00:00+08:00")
        #expect(try BookingRules.rescheduleTarget(Self.booking(), body, now: now) == BookingRules.Target(start: friday, windowId: Self.counter.id))
        body.windowId = Self.fieldTeam.id
        #expect(try BookingRules.rescheduleTarget(Self.booking(), body, now: now).windowId == Self.fieldTeam.id)
    }

    @Test func aBookingMovesToASlotOfAnOpenWindowServingItsItem() throws {
        let friday = BookingRules.Target(start: instant("2026-11-27T14:00:00+08:00"), windowId: Self.counter.id)
        let move = try BookingRules.move(Self.booking(), to: friday, item: Self.item(), window: Self.counter, rules: Self.center)
        #expect(move.window == Self.counter)
        #expect(move.slot.start == instant("2026-11-27T14:00:00+08:00"))
        #expect(move.slot.end == instant("2026-11-27T14:30:00+08:00"))
        #expect(move.slot.localStart == "2026-11-27T14:00")
        let closed = Self.window("w1", "401", calendar: "office", active: false)
        let otherItems = Self.window("w1", "401", calendar: "office", items: [Self.otherItemID])
        for window in [nil, closed, otherItems] {
            let error = try #require(throws: DomainError.self) { try BookingRules.move(Self.booking(), to: friday, item: Self.item(), window: window, rules: Self.center) }
            #expect(error.problems == ["windowId appointment.no_window"])
            #expect(error.message == "this window does not serve the item or is closed")
        }
    }

    @Test func aBookingMovesOnlyToAStartOnTheWindowsOwnGrid() throws {
        let offGrid = BookingRules.Target(start: instant("2026-11-27T14:10:00+08:00"), windowId: Self.counter.id)
        let error = try #require(throws: DomainError.self) { try BookingRules.move(Self.booking(), to: offGrid, item: Self.item(), window: Self.counter, rules: Self.center) }
        #expect(error.problems == ["start appointment.not_a_slot"])
        #expect(error.message == "the window has no slot starting then; see …/availability")
        let saturday = BookingRules.Target(start: instant("2026-11-28T10:00:00+08:00"), windowId: Self.counter.id)
        #expect(throws: DomainError.self, "the counter is closed on Saturday") {
            try BookingRules.move(Self.booking(), to: saturday, item: Self.item(), window: Self.counter, rules: Self.center)
        }
        #expect(try BookingRules.move(Self.booking(), to: saturday, item: Self.item(), window: Self.fieldTeam, rules: Self.center).slot.localStart == "2026-11-28T10:00")
    }

    @Test func aHomeVisitMovesOnlyWithinTheSitesWorkingHoursEvenOnTheFieldTeamsLongerCalendar() throws {
        let visit = Self.booking(homeVisit: Self.visit, assignedStaff: Self.fieldWorker)
        // Friday 19:00 and Saturday 10:00 are slots of the field team (every day 08:00–20:00) but outside office hours.
        for start in ["2026-11-27T19:00:00+08:00", "2026-11-28T10:00:00+08:00"] {
            let target = BookingRules.Target(start: instant(start), windowId: Self.fieldTeam.id)
            let error = try #require(throws: DomainError.self) { try BookingRules.move(visit, to: target, item: Self.item(), window: Self.fieldTeam, rules: Self.center) }
            #expect(error.problems == ["start appointment.outside_working_hours"], "\(start)")
            #expect(error.message == "home visits are made in the site's working hours")
            // A window booking may take the same slot.
            #expect(try BookingRules.move(Self.booking(), to: target, item: Self.item(), window: Self.fieldTeam, rules: Self.center).slot.start == instant(start))
        }
        let friday = BookingRules.Target(start: instant("2026-11-27T14:00:00+08:00"), windowId: Self.fieldTeam.id)
        let move = try BookingRules.move(visit, to: friday, item: Self.item(), window: Self.fieldTeam, rules: Self.center)
        #expect(move.slot.localStart == "2026-11-27T14:00")
        // The staff member sent must hold the item's licence on the new day, not the old one.
        #expect(move.licenceCheck == BookingRules.Assignment(staff: Self.fieldWorker, licenceDay: CalendarDate(year: 2026, month: 11, day: 27)))
        #expect(try BookingRules.move(Self.booking(), to: friday, item: Self.item(), window: Self.fieldTeam, rules: Self.center).licenceCheck == nil,
                "a window booking sends nobody")
        #expect(try BookingRules.move(Self.booking(homeVisit: Self.visit), to: friday, item: Self.item(), window: Self.fieldTeam, rules: Self.center).licenceCheck == nil,
                "nobody is assigned before confirmation")
    }

    @Test func aBookingMovesOnlyForAnItemItCouldStillBeBookedFor() throws {
        let friday = BookingRules.Target(start: instant("2026-11-27T14:00:00+08:00"), windowId: Self.fieldTeam.id)
        let visit = Self.booking(homeVisit: Self.visit, assignedStaff: Self.fieldWorker)
        let notAtHome = try #require(throws: DomainError.self) {
            try BookingRules.move(visit, to: friday, item: Self.item(homeVisitAllowed: false), window: Self.fieldTeam, rules: Self.center)
        }
        #expect(notAtHome.problems == ["homeVisit appointment.home_visit_not_offered"])
        #expect(try BookingRules.move(Self.booking(), to: friday, item: Self.item(homeVisitAllowed: false), window: Self.fieldTeam, rules: Self.center).slot.start
            == instant("2026-11-27T14:00:00+08:00"), "a window booking does not need the item offered at home")
        for booking in [visit, Self.booking()] {
            let retired = try #require(throws: DomainError.self) {
                try BookingRules.move(booking, to: friday, item: Self.item(active: false), window: Self.fieldTeam, rules: Self.center)
            }
            #expect(retired.problems == ["itemId appointment.item_retired"])
        }
    }

    @Test func theStaffMemberSentOnAHomeVisitRecordsTheFailedContactWhateverTheirDepartment() {
        let visit = Self.booking(homeVisit: Self.visit, assignedStaff: Self.fieldWorker)
        #expect(BookingRules.actsAsAssignedStaff(.contactFailed, staff: Self.fieldWorker, on: visit))
        #expect(!BookingRules.actsAsAssignedStaff(.contactFailed, staff: Self.colleague, on: visit), "another clerk needs the window's department")
        #expect(!BookingRules.actsAsAssignedStaff(.contactFailed, staff: nil, on: Self.booking(homeVisit: Self.visit)))
        #expect(!BookingRules.actsAsAssignedStaff(.checkIn, staff: Self.fieldWorker, on: visit), "only the failed contact")
    }

    // MARK: Complaints

    @Test func anUnsatisfiedApplicantsComplaintComesFromTheBooking() throws {
        let now = instant("2026-11-26T10:20:00+08:00")
        let visit = Self.booking(channel: .phone, homeVisit: Self.visit, assignedStaff: Self.fieldWorker)
        let draft = try BookingRules.complaint(about: visit, service: "上门办证", description: "预约办理不满意：已办结", owner: Self.colleague, now: now, rules: Self.center)
        #expect(draft.ticket.channel == .phone)
        #expect(draft.ticket.category == .complaint)
        #expect(draft.priority == .normal)
        #expect(draft.ticket.reporter == TicketReporter(name: "李四", phone: "13900002222", unit: nil))
        #expect(draft.ticket.location == "幸福路 1 号 3 单元 502")
        #expect(draft.ticket.description == "预约办理不满意：已办结")
        #expect(draft.ticket.appointmentId == Self.bookingID)
        #expect(draft.owner == Self.colleague)
        #expect(draft.receivedAt == now)
        let atTheCounter = try BookingRules.complaint(about: Self.booking(channel: .onSite), service: "上门办证", description: "等候太久", owner: Self.colleague, now: now, rules: Self.center)
        #expect(atTheCounter.ticket.channel == .visit)
        #expect(atTheCounter.ticket.location == nil)
    }

    // MARK: Changing items and windows

    @Test func aServiceItemChangeKeepsWhatItLeavesOut() throws {
        let changed = try AppointmentRules.change(Self.item(), with: ServiceItemChanges(capacityPerSlot: 3, active: false, postId: Self.post))
        var expected = Self.item()
        expected.capacityPerSlot = 3
        expected.active = false
        expected.postId = Self.post
        #expect(changed == expected)
        #expect(try AppointmentRules.change(Self.item(), with: ServiceItemChanges()) == Self.item())
    }

    @Test func aChangedServiceItemIsCheckedAsANewOneIs() throws {
        let duration = try #require(throws: DomainError.self) { try AppointmentRules.change(Self.item(), with: ServiceItemChanges(durationMinutes: 7)) }
        #expect(duration.problems == ["durationMinutes request.invalid_value"])
        let name = try #require(throws: DomainError.self) { try AppointmentRules.change(Self.item(), with: ServiceItemChanges(name: "   ")) }
        #expect(name.problems == ["name request.invalid_value"])
    }

    @Test func aWindowChangeTrimsTheNameAndListsEachItemOnce() throws {
        let changed = try AppointmentRules.change(Self.counter, with: ServiceWindowChanges(
            name: "  综合受理窗口 ", itemIds: [Self.otherItemID, Self.itemID, Self.otherItemID]))
        #expect(changed.name == "综合受理窗口")
        #expect(changed.itemIds == [Self.itemID, Self.otherItemID])
        #expect(changed.calendar == "office")
        #expect(changed.active == true)
        let closed = try AppointmentRules.change(Self.counter, with: ServiceWindowChanges(name: "   ", calendar: "field", active: false))
        #expect(closed.name == "综合受理w1", "a blank name keeps the old one")
        #expect(closed.calendar == "field")
        #expect(closed.itemIds == [Self.itemID])
        #expect(closed.active == false)
        let long = try #require(throws: DomainError.self) {
            try AppointmentRules.change(Self.counter, with: ServiceWindowChanges(name: String(repeating: "窗", count: 101)))
        }
        #expect(long.problems == ["name request.too_long"])
    }
}
