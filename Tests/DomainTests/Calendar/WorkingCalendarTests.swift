import Domain
import Foundation
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

    @Test func daysParseOnlyAsRealDays() {
        #expect(CalendarDate("2024-02-29") == CalendarDate(year: 2024, month: 2, day: 29))
        #expect(CalendarDate("2000-12-31") == CalendarDate(year: 2000, month: 12, day: 31))
        #expect(CalendarDate("2023-02-29") == nil)
        #expect(CalendarDate("2026-02-30") == nil)
        #expect(CalendarDate("2026-13-01") == nil)
        #expect(CalendarDate("2026-00-10") == nil)
        #expect(CalendarDate("2026-01-00") == nil)
        #expect(CalendarDate("2026-1-01") == nil)
        #expect(CalendarDate("2026/01/01") == nil)
        #expect(CalendarDate("2026-01-01T00:00") == nil)
        #expect(CalendarDate("２０２６-01-01") == nil)
        #expect(CalendarDate("2026-01-01"[...]) == CalendarDate(year: 2026, month: 1, day: 1))
        #expect(CalendarDate(year: 2026, month: 3, day: 7).description == "2026-03-07")
    }

    /// Mon–Fri 09:00–17:00 (8 h); Monday 2026-10-05 is a holiday; Saturday 2026-10-10 a make-up day.
    let office = WorkingCalendar(
        weekly: Dictionary(uniqueKeysWithValues: (1...5).map { ($0, [WorkingCalendar.Interval(opens: 540, closes: 1020)]) }),
        exceptions: [.init(date: CalendarDate(year: 2026, month: 10, day: 5), working: false), .init(date: CalendarDate(year: 2026, month: 10, day: 10), working: true)])
    let shanghai = TimeZone(identifier: "Asia/Shanghai")!

    func at(_ text: String, _ zone: TimeZone) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let parts = text.split(whereSeparator: { $0 == "-" || $0 == " " || $0 == ":" }).compactMap { Int($0) }
        return calendar.date(from: DateComponents(year: parts[0], month: parts[1], day: parts[2], hour: parts[3], minute: parts[4]))!
    }

    @Test func oneWorkingDayFromFridayAfternoonSkipsTheWeekendAndAHolidayMonday() {
        let due = office.adding(workingMinutes: office.usualDayMinutes, to: at("2026-10-02 16:00", shanghai), in: shanghai)
        #expect(due == at("2026-10-06 16:00", shanghai))  // Fri 1 h + Tue 7 h (Mon 5 Oct is a holiday)
    }

    @Test func aMakeUpSaturdayCountsAsAWorkingDay() {
        let due = office.adding(workingMinutes: office.usualDayMinutes, to: at("2026-10-09 10:00", shanghai), in: shanghai)
        #expect(due == at("2026-10-10 10:00", shanghai))  // Fri 7 h + Sat (调休) 1 h
    }

    @Test func workReceivedOutsideHoursStartsAtTheNextOpening() {
        let due = office.adding(workingMinutes: 60, to: at("2026-10-03 20:00", shanghai), in: shanghai)  // a Saturday evening
        #expect(due == at("2026-10-06 10:00", shanghai))
    }

    @Test func theSiteTimezoneDecidesWhatOpeningHoursMean() {
        let newYork = TimeZone(identifier: "America/New_York")!
        // 2026-11-02 13:00Z is 08:00 in New York (EST): the office opens at 09:00 local.
        let due = office.adding(workingMinutes: 30, to: Date(timeIntervalSince1970: 1_793_624_400), in: newYork)
        #expect(due == at("2026-11-02 09:30", newYork))
        #expect(office.adding(workingMinutes: 30, to: Date(timeIntervalSince1970: 1_793_624_400), in: shanghai) == at("2026-11-03 09:30", shanghai))
    }
}
