import Foundation
import Platform
import Postgres
import Testing

@Suite("Working calendars know holidays and make-up working days")
struct WorkingCalendarTests {
    /// Mon–Fri 09:00–12:00 and 13:30–17:30; National Day week 2026: Oct 1–7 off, Sat Oct 10 a make-up day.
    let center = WorkingCalendar(
        weekly: Dictionary(uniqueKeysWithValues: (1...5).map { ($0, [WorkingCalendar.Interval(opens: 810, closes: 1050), .init(opens: 540, closes: 720)]) }),
        exceptions: (1...7).map { WorkingCalendar.Exception(date: CalendarDate(year: 2026, month: 10, day: $0), working: false, note: "国庆节") }
            + [.init(date: CalendarDate(year: 2026, month: 10, day: 10), working: true, note: "调休")])

    @Test func aHolidayOnAWeekdayIsNotAWorkingDay() {
        let (hours, reason) = center.hours(on: CalendarDate(year: 2026, month: 10, day: 1))  // Thursday
        #expect(hours.isEmpty && reason == .holiday)
    }

    @Test func aMakeUpSaturdayGetsTheUsualWeekdayHours() {
        let (hours, reason) = center.hours(on: CalendarDate(year: 2026, month: 10, day: 10))
        #expect(reason == .makeUpDay)
        #expect(hours == [.init(opens: 540, closes: 720), .init(opens: 810, closes: 1050)])
    }

    @Test func anOrdinarySundayIsClosedAndAnOrdinaryMondayFollowsTheWeek() {
        #expect(center.hours(on: CalendarDate(year: 2026, month: 10, day: 11)).reason == .closed)
        #expect(center.isWorkingDay(CalendarDate(year: 2026, month: 10, day: 12)))
    }

    @Test func clockTimesParseAndPrint() {
        #expect(WorkingCalendar.minutes("24:00") == 1440)
        #expect(WorkingCalendar.minutes("24:01") == nil)
        #expect(WorkingCalendar.minutes("9:00") == nil)
        #expect(WorkingCalendar.clock(810) == "13:30")
    }
}
