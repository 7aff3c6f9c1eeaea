import Domain
import Foundation
import Testing

@Suite("The time rules of bookings: confirmation, notice of cancellation, no-show")
struct AppointmentClockTests {
    /// The service center's window hours (SiteTemplate's `office` for a service center):
    /// Monday to Friday 09:00–12:00 and 13:30–17:30, 7 hours a working day.
    let windows = WorkingCalendar(weekly: Dictionary(uniqueKeysWithValues: (1...5).map {
        ($0, [WorkingCalendar.Interval(opens: 9 * 60, closes: 12 * 60), .init(opens: 13 * 60 + 30, closes: 17 * 60 + 30)])
    }))
    let policy = AppointmentPolicy.defaults

    func confirmDue(_ requestedAt: String, on calendar: WorkingCalendar? = nil) -> Date {
        AppointmentClock.confirmDue(requestedAt: instant(requestedAt), policy: policy, calendar: calendar ?? windows, timeZone: shanghai)
    }

    @Test func theSiteDefaultsAreOneWorkingDayTwoHoursEightHoursAndThirtyMinutes() {
        #expect(policy.confirmWithinWorkingDays == 1)
        #expect(policy.windowNoticeHours == 2)
        #expect(policy.homeVisitNoticeHours == 8)
        #expect(policy.noShowMinutes == 30)
        let site = AppointmentPolicy(policies: [
            "appointments.window_notice_hours": " 4 ", "appointments.no_show_minutes": "0",
            "appointments.home_visit_notice_hours": "eight", "appointments.confirm_within_working_days": "2",
        ])
        #expect(site.windowNoticeHours == 4)
        #expect(site.confirmWithinWorkingDays == 2)
        #expect(site.noShowMinutes == 30, "zero is not a policy: the default stays")
        #expect(site.homeVisitNoticeHours == 8, "a value that is not a number keeps the default")
    }

    @Test func aBookingIsConfirmedWithinOneWorkingDayOfWindowOpeningTime() {
        // Thursday 10:00: 2 h of the morning and 4 h of the afternoon are left, the last hour runs on Friday.
        #expect(confirmDue("2026-11-26T10:00:00+08:00") == instant("2026-11-27T10:00:00+08:00"))
    }

    @Test func aRequestAtOpeningTimeIsDueAtThatDaysClose() {
        // Wednesday 09:00: the 7 h of the day are exactly the working day.
        #expect(confirmDue("2026-11-25T09:00:00+08:00") == instant("2026-11-25T17:30:00+08:00"))
    }

    @Test func aFridayAfternoonRequestIsDueOnMondayAfternoon() {
        // Friday 16:00: 1.5 h on Friday, nothing at the weekend, 3 h + 2.5 h on Monday.
        #expect(confirmDue("2026-11-27T16:00:00+08:00") == instant("2026-11-30T16:00:00+08:00"))
    }

    @Test func aRequestInTheLunchBreakCountsFromTheAfternoonOpening() {
        // Thursday 12:30: the afternoon's 4 h, then Friday's whole morning (3 h) ends the working day at 12:00.
        #expect(confirmDue("2026-11-26T12:30:00+08:00") == instant("2026-11-27T12:00:00+08:00"))
    }

    @Test func aPublicHolidayIsSkippedWhenCountingTheWorkingDay() {
        let holiday = WorkingCalendar(weekly: windows.weekly, exceptions: [.init(date: CalendarDate(year: 2026, month: 11, day: 27), working: false)])
        #expect(confirmDue("2026-11-26T10:00:00+08:00", on: holiday) == instant("2026-11-30T10:00:00+08:00"))
    }

    @Test func aRequestPartWayThroughAMinuteCountsFromTheNextWholeMinute() {
        #expect(confirmDue("2026-11-26T10:00:30+08:00") == instant("2026-11-27T10:01:00+08:00"))
    }

    @Test func theCenterMustGiveTwoHoursNoticeForAWindowBooking() {
        let start = instant("2026-11-26T10:00:00+08:00")
        #expect(!AppointmentClock.isLateCancellation(start: start, now: instant("2026-11-26T08:00:00+08:00"), homeVisit: false, policy: policy),
                "exactly 2 h 0 min before the start is in time")
        #expect(AppointmentClock.isLateCancellation(start: start, now: instant("2026-11-26T08:01:00+08:00"), homeVisit: false, policy: policy),
                "1 h 59 min is late")
        #expect(AppointmentClock.isLateCancellation(start: start, now: instant("2026-11-26T08:00:01+08:00"), homeVisit: false, policy: policy),
                "one second short of 2 h is late")
    }

    @Test func theCenterMustGiveEightHoursNoticeForAHomeVisit() {
        let start = instant("2026-11-26T16:00:00+08:00")
        #expect(!AppointmentClock.isLateCancellation(start: start, now: instant("2026-11-26T08:00:00+08:00"), homeVisit: true, policy: policy),
                "exactly 8 h 0 min before the start is in time")
        #expect(AppointmentClock.isLateCancellation(start: start, now: instant("2026-11-26T08:01:00+08:00"), homeVisit: true, policy: policy),
                "7 h 59 min is late for a home visit")
        #expect(!AppointmentClock.isLateCancellation(start: start, now: instant("2026-11-26T08:01:00+08:00"), homeVisit: false, policy: policy),
                "the same notice is ample for a window booking")
    }

    @Test func anApplicantNotCheckedInThirtyMinutesAfterTheStartHasGivenUp() {
        let start = instant("2026-11-26T10:00:00+08:00")
        #expect(AppointmentClock.noShowAfter(start: start, policy: policy) == instant("2026-11-26T10:30:00+08:00"))
        #expect(AppointmentClock.noShowAfter(start: start, policy: AppointmentPolicy(policies: ["appointments.no_show_minutes": "15"]))
                == instant("2026-11-26T10:15:00+08:00"))
    }
}
