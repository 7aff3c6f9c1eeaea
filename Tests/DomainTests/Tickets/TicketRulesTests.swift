import Domain
import Foundation
import Testing

@Suite("Ticket rules without a database")
struct TicketRulesTests {
    static let shanghai = TimeZone(identifier: "Asia/Shanghai")!
    static let office = WorkingCalendar(weekly: Dictionary(uniqueKeysWithValues: (1...5).map { ($0, [WorkingCalendar.Interval(opens: 8 * 60, closes: 17 * 60 + 30)]) }))

    /// An RFC 3339 timestamp with its offset (`2026-11-20T16:00:00+08:00`).
    static func instant(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }

    /// After every prefix of N resolutions exactly ⌈N × share⌉ are sampled, for any share.
    @Test(arguments: [1000, 600, 300, 250, 1, 0])
    func samplingMeetsTheQuotaAfterEveryResolution(perMille: Int) {
        var sampled = 0
        for ordinal in 1...1000 {
            if FollowUpSampling.isSampled(ordinal: ordinal, perMille: perMille) { sampled += 1 }
            #expect(sampled == FollowUpSampling.required(resolved: ordinal, perMille: perMille), "after \(ordinal) at \(perMille)‰")
            // Never below the quota, and less than one ticket above it.
            #expect(sampled * 1000 >= ordinal * perMille && (sampled == 0 || (sampled - 1) * 1000 < ordinal * perMille))
        }
    }

    @Test func theExplanationShowsTheArithmetic() {
        let text = FollowUpSampling.explanation(ordinal: 4, perMille: 300, kind: .repair, month: "2026-11")
        #expect(text.contains("#4") && text.contains("⌈4×0.3⌉ = 2") && text.contains("⌈3×0.3⌉ = 1") && text.hasSuffix("sampled") && !text.hasSuffix("not sampled"))
    }

    @Test func actionsFollowTheLifecycle() {
        func allowed(_ status: TicketStatus, _ category: TicketCategory = .repair, required: Bool = false, done: Bool = false) -> [TicketAction] {
            TicketLifecycle.allowed(.init(status: status, category: category, followUpRequired: required, followedUp: done))
        }
        #expect(allowed(.received) == [.dispatch, .cancel, .feedback, .refer])
        #expect(allowed(.received, .complaint) == [.dispatch, .cancel, .feedback, .classify, .escalate, .refer])
        #expect(allowed(.received, .inquiry) == [.dispatch, .cancel, .answer, .feedback, .refer])
        #expect(allowed(.dispatched) == [.dispatch, .acknowledge, .cancel, .feedback])
        #expect(allowed(.acknowledged) == [.dispatch, .start, .cancel, .feedback])
        #expect(allowed(.inProgress) == [.resolve, .cancel, .feedback])
        #expect(allowed(.resolved, .complaint) == [.verify, .feedback, .classify, .escalate])
        #expect(allowed(.verified, required: true) == [.followUp, .feedback])
        #expect(allowed(.verified, required: false) == [.followUp, .close, .feedback])
        #expect(allowed(.followedUp) == [.close, .feedback])
        #expect(allowed(.closed).isEmpty && allowed(.cancelled).isEmpty)
        #expect(allowed(.inProgress, .suggestion) == [.resolve, .cancel, .answer, .feedback])
        #expect(throws: DomainError.self) { try TicketLifecycle.check(.close, .init(status: .verified, category: .complaint, followUpRequired: true, followedUp: false)) }
        // A complaint withdrawn without writing takes its follow-up, then closes (from followed_up).
        #expect(allowed(.withdrawn, .complaint, required: true) == [.followUp, .feedback, .escalate])
        #expect(!TicketStatus.withdrawn.isTerminal, "its deadlines are still watched")
    }

    /// Withdrawing a complaint takes the site manager; anything else reception may cancel.
    @Test func onlyASiteManagerWithdrawsAComplaint() throws {
        #expect(TicketLifecycle.permission(.cancel, category: .complaint) == .manageSite)
        #expect(TicketLifecycle.permission(.cancel, category: .repair) == .intake)
        #expect(TicketLifecycle.permission(.resolve, category: .complaint) == .departmentWork)
        let reception = try #require(throws: DomainError.self) { try TicketLifecycle.authorise(.cancel, category: .complaint, role: .siteAgent) }
        #expect(reception.kind == .forbidden && reception.code == "ticket.withdrawal_needs_manager")
        for role in [Role.siteManager, .regionalManager, .hqAdmin] {
            #expect(throws: Never.self) { try TicketLifecycle.authorise(.cancel, category: .complaint, role: role) }
        }
        #expect(throws: Never.self) { try TicketLifecycle.authorise(.cancel, category: .inquiry, role: .siteAgent) }
        #expect(throws: Never.self) { try TicketLifecycle.authorise(.feedback, category: .complaint, role: .siteAgent) }
    }

    @Test func resolutionTargetsFollowCategoryAndPriority() {
        let policy = TicketPolicy.defaults
        let roundTheClock = WorkingCalendar(weekly: Dictionary(uniqueKeysWithValues: (1...7).map { ($0, [WorkingCalendar.Interval(opens: 0, closes: 1440)]) }))
        let friday = Self.instant("2026-11-20T16:00:00+08:00")
        func due(_ category: TicketCategory, _ priority: TicketPriority, _ calendar: WorkingCalendar = TicketRulesTests.office, at: Date = friday) -> Date? {
            TicketClock.resolveDue(receivedAt: at, category: category, priority: priority, policy: policy, calendar: calendar, timeZone: Self.shanghai)
        }
        #expect(due(.repair, .emergency, roundTheClock) == Self.instant("2026-11-20T17:00:00+08:00"))
        #expect(due(.repair, .urgent) == Self.instant("2026-11-20T17:30:00+08:00"))  // same day
        #expect(due(.repair, .urgent, at: Self.instant("2026-11-20T18:00:00+08:00")) == Self.instant("2026-11-23T17:30:00+08:00"))  // after hours: next working day
        #expect(due(.repair, .normal) == Self.instant("2026-11-25T16:00:00+08:00"))  // 3 working days of office hours
        #expect(due(.praise, .normal) == nil && due(.suggestion, .urgent) == nil)
        #expect(due(.complaint, .emergency) == due(.complaint, .normal))
    }

    @Test func sitePoliciesOverrideTheDefaultsAndBadValuesDoNot() {
        let policy = TicketPolicy(policies: [
            "tickets.first_feedback_hours": "12",
            "tickets.follow_up": #"{"repair":{"share":0.5,"withinDays":5},"complaint":{"share":7}}"#,
            "tickets.repeat": #"{"windowDays":30,"complaintThreshold":0}"#,
            "tickets.resolution_targets": #"{"repair":{"normal":{"workingDays":2}}}"#,
        ])
        #expect(policy.firstFeedbackHours == 12)
        #expect(policy.followUp[.repair] == .init(perMille: 500, fromDays: 0, toDays: 5))
        #expect(policy.followUp[.complaint]?.perMille == 1000, "an impossible share keeps the default")
        #expect(policy.followUp[.maintenance] == .init(perMille: 300, fromDays: 30, toDays: 60))
        #expect(policy.repeats == .init(windowDays: 30, complaintThreshold: 2, repairThreshold: 3))
        #expect(policy.targets[.repair]?[.normal] == .workingDays(2) && policy.targets[.repair]?[.emergency] == .minutes(60))
    }

    @Test func satisfactionScoresMapOntoTheThreeWords() {
        #expect([1, 2, 3, 4, 5].map { SatisfactionRating(score: $0) } == [.unsatisfied, .unsatisfied, .basicallySatisfied, .satisfied, .satisfied])
        #expect(SatisfactionRating(score: 0) == nil && SatisfactionRating(score: 6) == nil)
        #expect(SatisfactionRating.basicallySatisfied.isSatisfied && !SatisfactionRating.unsatisfied.isSatisfied)
    }

    @Test func repeatKeysIgnoreSpacingAndPunctuationOfPhones() {
        #expect(RepeatRule.locationKey(" 5号楼  电梯 ") == RepeatRule.locationKey("5号楼电梯"))
        #expect(RepeatRule.locationKey("   ") == nil)
        #expect(RepeatRule.phoneKey("138-0000 1111") == "13800001111" && RepeatRule.phoneKey("12") == nil)
        #expect(RepeatRule.threshold(.complaint, policy: .defaults) == 2 && RepeatRule.threshold(.repair, policy: .defaults) == 3)
        #expect(RepeatRule.threshold(.inquiry, policy: .defaults) == nil)
    }

    @Test func hoursOnWorkingDaysSkipClosedDaysAndCountMakeUpDays() {
        let holidays = WorkingCalendar(weekly: Self.office.weekly, exceptions: [
            .init(date: CalendarDate(year: 2026, month: 11, day: 21), working: true, note: "调休"),
            .init(date: CalendarDate(year: 2026, month: 11, day: 23), working: false, note: "假日"),
        ])
        let friday = Self.instant("2026-11-20T16:00:30+08:00")
        #expect(Self.office.adding(minutesOnWorkingDays: 24 * 60, to: friday, in: Self.shanghai) == Self.instant("2026-11-23T16:00:30+08:00"))
        #expect(holidays.adding(minutesOnWorkingDays: 24 * 60, to: friday, in: Self.shanghai) == Self.instant("2026-11-21T16:00:30+08:00"))
        let saturdayEvening = Self.instant("2026-11-21T18:00:00+08:00")
        #expect(holidays.adding(minutesOnWorkingDays: 24 * 60, to: saturdayEvening, in: Self.shanghai) == Self.instant("2026-11-24T18:00:00+08:00"))
        // In another timezone the same rule uses that site's days.
        let newYork = TimeZone(identifier: "America/New_York")!
        #expect(Self.office.adding(minutesOnWorkingDays: 24 * 60, to: Self.instant("2026-11-20T16:00:00-05:00"), in: newYork) == Self.instant("2026-11-23T16:00:00-05:00"))
        #expect(Self.office.endOfWorkingDay(from: Self.instant("2026-11-21T10:00:00+08:00"), in: Self.shanghai) == Self.instant("2026-11-23T17:30:00+08:00"))
    }
}
