import Domain
import Foundation
import Testing

@Suite("Slots are cut from a calendar's opening hours")
struct SlotGridTests {
    /// The service center's window hours: Monday to Friday 09:00–12:00 and 13:30–17:30.
    static let windows = WorkingCalendar(weekly: Dictionary(uniqueKeysWithValues: (1...5).map {
        ($0, [WorkingCalendar.Interval(opens: 9 * 60, closes: 12 * 60), .init(opens: 13 * 60 + 30, closes: 17 * 60 + 30)])
    }))
    static let thursday = CalendarDate(year: 2026, month: 11, day: 26)

    static func slots(_ minutes: Int, from: CalendarDate = SlotGridTests.thursday, to: CalendarDate = SlotGridTests.thursday,
                      calendar: WorkingCalendar = SlotGridTests.windows) -> [SlotGrid.Slot] {
        SlotGrid.slots(from: from, to: to, durationMinutes: minutes, calendar: calendar, timeZone: shanghai)
    }

    static func slot(at start: String, _ minutes: Int, calendar: WorkingCalendar = SlotGridTests.windows) -> SlotGrid.Slot? {
        SlotGrid.slot(startingAt: instant(start), durationMinutes: minutes, calendar: calendar, timeZone: shanghai)
    }

    @Test func eachOpeningIntervalIsCutIntoTheItemsDuration() throws {
        let slots = Self.slots(30)
        #expect(slots.map(\.localStart) == [
            "2026-11-26T09:00", "2026-11-26T09:30", "2026-11-26T10:00", "2026-11-26T10:30", "2026-11-26T11:00", "2026-11-26T11:30",
            "2026-11-26T13:30", "2026-11-26T14:00", "2026-11-26T14:30", "2026-11-26T15:00", "2026-11-26T15:30", "2026-11-26T16:00",
            "2026-11-26T16:30", "2026-11-26T17:00",
        ])
        let first = try #require(slots.first)
        #expect(first.start == instant("2026-11-26T09:00:00+08:00"))
        #expect(first.end == instant("2026-11-26T09:30:00+08:00"))
        #expect(first.day == Self.thursday)
        #expect(first.minute == 540)
        #expect(slots.last?.end == instant("2026-11-26T17:30:00+08:00"))
        #expect(Self.slots(240).map(\.localStart) == ["2026-11-26T13:30"], "only the afternoon is long enough for 4 h")
        #expect(Self.slots(0).isEmpty)
    }

    @Test func noSlotRunsAcrossTheLunchBreakOrPastClosing() {
        // 45 minutes: 09:00…11:15 fill the morning to 12:00; the afternoon starts again at 13:30 and its last slot ends at 17:15.
        #expect(Self.slots(45).map(\.localStart) == [
            "2026-11-26T09:00", "2026-11-26T09:45", "2026-11-26T10:30", "2026-11-26T11:15",
            "2026-11-26T13:30", "2026-11-26T14:15", "2026-11-26T15:00", "2026-11-26T15:45", "2026-11-26T16:30",
        ])
        #expect(Self.slot(at: "2026-11-26T11:15:00+08:00", 45)?.end == instant("2026-11-26T12:00:00+08:00"))
        #expect(Self.slot(at: "2026-11-26T12:00:00+08:00", 45) == nil, "12:00–12:45 would run into the lunch break")
        #expect(Self.slot(at: "2026-11-26T17:15:00+08:00", 45) == nil, "17:15–18:00 would run past closing")
    }

    @Test func aStartOffTheGridIsNotASlot() {
        #expect(Self.slot(at: "2026-11-26T10:00:00+08:00", 30)?.minute == 600)
        #expect(Self.slot(at: "2026-11-26T10:10:00+08:00", 30) == nil)
        #expect(Self.slot(at: "2026-11-26T10:00:30+08:00", 30) == nil)
        #expect(Self.slot(at: "2026-11-26T08:30:00+08:00", 30) == nil, "before opening")
        // The same instant written in UTC is the same slot.
        #expect(Self.slot(at: "2026-11-26T02:00:00Z", 30)?.localStart == "2026-11-26T10:00")
    }

    @Test func aPublicHolidayAndTheWeekendHaveNoSlots() {
        let holiday = WorkingCalendar(weekly: Self.windows.weekly, exceptions: [
            .init(date: CalendarDate(year: 2026, month: 11, day: 27), working: false, note: "假日"),
        ])
        let week = Self.slots(60, from: Self.thursday, to: CalendarDate(year: 2026, month: 11, day: 30), calendar: holiday)
        #expect(Set(week.map(\.day)) == [Self.thursday, CalendarDate(year: 2026, month: 11, day: 30)])
        #expect(week.count == 14, "7 hourly slots on Thursday and 7 on Monday")
        #expect(Self.slot(at: "2026-11-27T10:00:00+08:00", 60, calendar: holiday) == nil)
        #expect(Self.slot(at: "2026-11-27T10:00:00+08:00", 60)?.localStart == "2026-11-27T10:00", "an ordinary Friday has the slot")
    }

    @Test func aMakeUpSaturdayHasSlotsOfItsOwnHours() {
        let makeUp = WorkingCalendar(weekly: Self.windows.weekly, exceptions: [
            .init(date: CalendarDate(year: 2026, month: 11, day: 28), working: true, hours: .init(opens: 9 * 60, closes: 12 * 60), note: "调休"),
        ])
        let saturday = CalendarDate(year: 2026, month: 11, day: 28)
        #expect(Self.slots(60, from: saturday, to: saturday, calendar: makeUp).map(\.localStart)
                == ["2026-11-28T09:00", "2026-11-28T10:00", "2026-11-28T11:00"])
        #expect(Self.slots(60, from: saturday, to: saturday).isEmpty, "without the exception Saturday is closed")
    }

    @Test func aHomeVisitIsMadeOnlyInsideTheSiteWorkingHours() throws {
        // A field team works 08:00–20:00 every day; home visits keep to the site's own (default) calendar.
        let fieldTeam = WorkingCalendar(weekly: Dictionary(uniqueKeysWithValues: (1...7).map { ($0, [WorkingCalendar.Interval(opens: 8 * 60, closes: 20 * 60)]) }))
        let rules = SiteRules(timeZone: shanghai, policies: [:], calendars: ["office": Self.windows, "field": fieldTeam], defaultCalendar: "office")
        func insideWorkingHours(_ start: String) throws -> Bool {
            let slot = try #require(Self.slot(at: start, 60, calendar: rules.calendar("field")))
            return rules.calendar().isOpen(from: slot.start, to: slot.end, in: shanghai)
        }
        #expect(try insideWorkingHours("2026-11-26T10:00:00+08:00") == true)
        #expect(try insideWorkingHours("2026-11-26T11:00:00+08:00") == true, "11:00–12:00 ends as the morning closes")
        #expect(try insideWorkingHours("2026-11-26T12:00:00+08:00") == false, "the lunch break")
        #expect(try insideWorkingHours("2026-11-26T13:00:00+08:00") == false, "13:00–14:00 starts before the afternoon opens")
        #expect(try insideWorkingHours("2026-11-26T18:00:00+08:00") == false, "after the site closes")
        #expect(try insideWorkingHours("2026-11-28T10:00:00+08:00") == false, "a Saturday")
    }
}
