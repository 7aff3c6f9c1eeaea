import Foundation
@testable import Domain  // NewAppointment's memberwise initializer is internal
import Testing

@Suite("What each action does to a booking, and what a booking must be")
struct AppointmentRulesTests {
    static let receptionStaff = UUID(uuidString: "00000000-0000-0000-0000-000000000101")!
    static let fieldWorker = UUID(uuidString: "00000000-0000-0000-0000-000000000102")!
    static let complaintOwner = UUID(uuidString: "00000000-0000-0000-0000-000000000103")!

    /// A booking of Thursday 2026-11-26 10:00–10:30 (Shanghai), requested the day before and
    /// due to be answered by Thursday 09:00.
    static func booking(_ status: AppointmentStatus = .requested, start: String = "2026-11-26T10:00:00+08:00", homeVisit: HomeVisit? = nil,
                        assignedStaff: UUID? = nil, contactFailedAt: String? = nil) -> Appointment {
        let start = instant(start)
        let requested = instant("2026-11-25T09:00:00+08:00")
        return Appointment(
            id: UUID(), itemId: UUID(), windowId: UUID(), start: start, end: start.addingTimeInterval(30 * 60), localStart: "2026-11-26T10:00",
            localEnd: "2026-11-26T10:30", timezone: "Asia/Shanghai", seat: 1, channel: .online, status: status,
            applicant: Applicant(name: "李四", phone: "13900002222"), homeVisit: homeVisit, assignedStaffId: assignedStaff, requestedAt: requested,
            confirmDueAt: instant("2026-11-26T09:00:00+08:00"), lateCancellation: false, overdue: false, rescheduleCount: 0,
            contactFailedAt: contactFailedAt.map(instant), contactFailedNote: contactFailedAt.map { _ in "两次致电未接通" },
            allowedActions: AppointmentAction.allowed(status), version: 1, createdAt: requested, updatedAt: requested)
    }

    static let visit = HomeVisit(reason: .elderly, address: "幸福路 1 号 3 单元 502")

    static func apply(_ action: AppointmentAction, _ body: AppointmentActionBody = AppointmentActionBody(), to booking: Appointment, at now: String,
                      actorStaff: UUID? = AppointmentRulesTests.receptionStaff) throws -> AppointmentRules.Outcome {
        try AppointmentRules.apply(action, body, to: booking, now: instant(now), policy: .defaults, actorStaff: actorStaff)
    }

    static func body(_ fill: (inout AppointmentActionBody) -> Void) -> AppointmentActionBody {
        var body = AppointmentActionBody()
        fill(&body)
        return body
    }

    // MARK: Which actions each status allows

    @Test func eachStatusAllowsOnlyTheActionsThatFitIt() {
        #expect(AppointmentAction.allowed(.requested) == [.confirm, .refuse, .cancel, .cancelByCenter, .reschedule, .rescheduleByCenter])
        #expect(AppointmentAction.allowed(.confirmed) == [.checkIn, .cancel, .cancelByCenter, .reschedule, .rescheduleByCenter])
        #expect(AppointmentAction.allowed(.checkedIn) == [.complete])
        for status in [AppointmentStatus.refused, .completed, .cancelledByApplicant, .cancelledByCenter, .noShow] {
            #expect(AppointmentAction.allowed(status) == [], "\(status) is final")
        }
    }

    @Test func aBookingInTheWrongStateIsRefusedWithTheActionsItAllows() throws {
        let wrong = try #require(throws: DomainError.self) { try AppointmentAction.check(.complete, .confirmed) }
        #expect(wrong.kind == .conflict)
        #expect(wrong.code == "appointment.action_not_allowed")
        #expect(wrong.message == "a confirmed booking cannot take 'complete'; allowed: check-in, cancel, cancel-by-center, reschedule, reschedule-by-center")
        #expect(wrong.fieldErrors.map(\.message) == ["check-in", "cancel", "cancel-by-center", "reschedule", "reschedule-by-center"])
        let finished = try #require(throws: DomainError.self) { try AppointmentAction.check(.cancel, .completed) }
        #expect(finished.message == "a completed booking cannot take 'cancel'; it takes no more actions")
        #expect(finished.fieldErrors == [])
    }

    // MARK: Confirm and refuse

    @Test func aConfirmationIsInTimeUntilTheDueInstantAndLateAfterIt() throws {
        let onTime = try Self.apply(.confirm, to: Self.booking(), at: "2026-11-26T09:00:00+08:00")
        #expect(onTime.change.status == .confirmed)
        #expect(onTime.change.confirmedAt == instant("2026-11-26T09:00:00+08:00"))
        #expect(onTime.change.assignedStaff == nil)
        #expect(onTime.detail == ["inTime": "true"])
        let late = try Self.apply(.confirm, to: Self.booking(), at: "2026-11-26T09:01:00+08:00")
        #expect(late.detail == ["inTime": "false"])
    }

    @Test func aHomeVisitIsConfirmedWithTheStaffMemberWhoGoes() throws {
        let missing = try #require(throws: DomainError.self) { try Self.apply(.confirm, to: Self.booking(homeVisit: Self.visit), at: "2026-11-25T10:00:00+08:00") }
        #expect(missing.problems == ["assignedStaffId appointment.staff_required"])
        let confirmed = try Self.apply(.confirm, Self.body { $0.assignedStaffId = Self.fieldWorker }, to: Self.booking(homeVisit: Self.visit),
                                       at: "2026-11-25T10:00:00+08:00")
        #expect(confirmed.change.status == .confirmed)
        #expect(confirmed.change.assignedStaff == Self.fieldWorker)
        // Someone already assigned goes when nobody else is named.
        let assigned = try Self.apply(.confirm, to: Self.booking(homeVisit: Self.visit, assignedStaff: Self.fieldWorker), at: "2026-11-25T10:00:00+08:00")
        #expect(assigned.change.assignedStaff == Self.fieldWorker)
        let windowBooking = try #require(throws: DomainError.self) {
            try Self.apply(.confirm, Self.body { $0.assignedStaffId = Self.fieldWorker }, to: Self.booking(), at: "2026-11-25T10:00:00+08:00")
        }
        #expect(windowBooking.problems == ["assignedStaffId request.not_applicable"], "only a home visit is assigned to a staff member")
    }

    @Test func aRefusalStatesItsReason() throws {
        let missing = try #require(throws: DomainError.self) {
            try Self.apply(.refuse, Self.body { $0.reason = "   " }, to: Self.booking(), at: "2026-11-25T10:00:00+08:00")
        }
        #expect(missing.problems == ["reason request.missing_field"])
        let refused = try Self.apply(.refuse, Self.body { $0.reason = "  材料不全 " }, to: Self.booking(), at: "2026-11-25T10:00:00+08:00")
        #expect(refused.change.status == .refused)
        #expect(refused.change.refusedAt == instant("2026-11-25T10:00:00+08:00"))
        #expect(refused.change.refusalReason == "材料不全")
        #expect(refused.note == "材料不全")
        #expect(refused.detail == ["inTime": "true"])
    }

    // MARK: Check-in and completion

    @Test(arguments: [("2026-11-26T10:29:00+08:00", true), ("2026-11-26T10:30:00+08:00", true), ("2026-11-26T10:31:00+08:00", false)])
    func anApplicantChecksInUpToThirtyMinutesAfterTheStart(now: String, accepted: Bool) throws {
        let confirmed = Self.booking(.confirmed)
        if accepted {
            let outcome = try Self.apply(.checkIn, to: confirmed, at: now)
            #expect(outcome.change.status == .checkedIn)
            #expect(outcome.change.checkedInAt == instant(now))
        } else {
            let error = try #require(throws: DomainError.self) { try Self.apply(.checkIn, to: confirmed, at: now) }
            #expect(error.kind == .conflict)
            #expect(error.code == "appointment.too_late")
        }
    }

    @Test func aCompletionRecordsTheResultAndTheApplicantsSatisfaction() throws {
        let checkedIn = Self.booking(.checkedIn)
        let missing = try #require(throws: DomainError.self) { try Self.apply(.complete, to: checkedIn, at: "2026-11-26T10:20:00+08:00") }
        #expect(missing.problems == ["result request.missing_field"])
        let done = try Self.apply(.complete, Self.body { $0.result = " 已办结，证件当场领取 "; $0.satisfaction = .satisfied }, to: checkedIn,
                                  at: "2026-11-26T10:20:00+08:00")
        #expect(done.change.status == .completed)
        #expect(done.change.completedAt == instant("2026-11-26T10:20:00+08:00"))
        #expect(done.change.result == "已办结，证件当场领取")
        #expect(done.change.satisfaction == .satisfied)
        #expect(done.complaint?.description == nil)
        let owner = try #require(throws: DomainError.self) {
            try Self.apply(.complete, Self.body { $0.result = "已办结"; $0.ownerId = Self.complaintOwner }, to: checkedIn, at: "2026-11-26T10:20:00+08:00")
        }
        #expect(owner.problems == ["ownerId request.not_applicable"], "only an unsatisfied applicant opens a complaint")
    }

    @Test func anUnsatisfiedApplicantOpensAComplaintOwnedByTheStaffMemberWhoRecordsIt() throws {
        let checkedIn = Self.booking(.checkedIn)
        let unsatisfied = Self.body { $0.result = "已办结"; $0.satisfaction = .unsatisfied; $0.note = " 等候太久 " }
        let byActor = try Self.apply(.complete, unsatisfied, to: checkedIn, at: "2026-11-26T10:20:00+08:00")
        #expect(byActor.change.satisfaction == .unsatisfied)
        #expect(byActor.complaint?.description == "预约办理不满意：已办结；等候太久")
        #expect(byActor.complaint?.owner == Self.receptionStaff)
        #expect(byActor.note == "等候太久")
        var named = unsatisfied
        named.ownerId = Self.complaintOwner
        #expect(try Self.apply(.complete, named, to: checkedIn, at: "2026-11-26T10:20:00+08:00").complaint?.owner == Self.complaintOwner)
        let nobody = try #require(throws: DomainError.self) {
            try Self.apply(.complete, unsatisfied, to: checkedIn, at: "2026-11-26T10:20:00+08:00", actorStaff: nil)
        }
        #expect(nobody.problems == ["ownerId ticket.owner_required"])
    }

    // MARK: Cancellation and rescheduling

    @Test func anApplicantCancelsAtAnyTimeWithoutABreach() throws {
        let outcome = try Self.apply(.cancel, Self.body { $0.reason = "临时有事" }, to: Self.booking(.confirmed), at: "2026-11-26T09:59:00+08:00")
        #expect(outcome.change.status == .cancelledByApplicant)
        #expect(outcome.change.cancelledAt == instant("2026-11-26T09:59:00+08:00"))
        #expect(outcome.change.cancelReason == "临时有事")
        #expect(outcome.change.lateCancellation == false)
        #expect(outcome.detail == [:])
    }

    @Test func theCenterCancelsAWindowBookingTwoHoursAheadWithoutAReason() throws {
        let outcome = try Self.apply(.cancelByCenter, to: Self.booking(.confirmed), at: "2026-11-26T08:00:00+08:00")
        #expect(outcome.change.status == .cancelledByCenter)
        #expect(outcome.change.cancelledAt == instant("2026-11-26T08:00:00+08:00"))
        #expect(outcome.change.cancelReason == nil)
        #expect(outcome.change.lateCancellation == false)
        #expect(outcome.detail == ["lateCancellation": "false", "noticeMinutes": "120"])
    }

    @Test func aLateCancellationByTheCenterNeedsAReasonAndIsRecordedAsABreach() throws {
        let unexplained = try #require(throws: DomainError.self) {
            try Self.apply(.cancelByCenter, to: Self.booking(.confirmed), at: "2026-11-26T08:01:00+08:00")
        }
        #expect(unexplained.code == "appointment.late_cancellation_reason_required")
        #expect(unexplained.message == "less than 2 h before the start the center cancels only with a reason, recorded as a breach")
        #expect(unexplained.problems == ["reason appointment.late_cancellation_reason_required"])
        let late = try Self.apply(.cancelByCenter, Self.body { $0.reason = "系统故障" }, to: Self.booking(.confirmed), at: "2026-11-26T08:01:00+08:00")
        #expect(late.change.status == .cancelledByCenter)
        #expect(late.change.lateCancellation == true)
        #expect(late.change.cancelReason == "系统故障")
        #expect(late.detail == ["lateCancellation": "true", "noticeMinutes": "119"])
    }

    @Test func theCenterCancelsAHomeVisitEightHoursAhead() throws {
        let visit = Self.booking(.confirmed, start: "2026-11-26T16:00:00+08:00", homeVisit: Self.visit, assignedStaff: Self.fieldWorker)
        let inTime = try Self.apply(.cancelByCenter, to: visit, at: "2026-11-26T08:00:00+08:00")
        #expect(inTime.detail == ["lateCancellation": "false", "noticeMinutes": "480"])
        let unexplained = try #require(throws: DomainError.self) { try Self.apply(.cancelByCenter, to: visit, at: "2026-11-26T08:01:00+08:00") }
        #expect(unexplained.message == "less than 8 h before the start the center cancels only with a reason, recorded as a breach")
        let late = try Self.apply(.cancelByCenter, Self.body { $0.reason = "人员病假" }, to: visit, at: "2026-11-26T08:01:00+08:00")
        #expect(late.change.lateCancellation == true)
        #expect(late.detail == ["lateCancellation": "true", "noticeMinutes": "479"])
    }

    @Test func aRescheduleChangesNothingHereAndKeepsItsReasonAsTheNote() throws {
        let current = Self.booking(.confirmed)
        let outcome = try Self.apply(.reschedule, Self.body { $0.reason = " 改到下午 " }, to: current, at: "2026-11-25T15:00:00+08:00")
        #expect(outcome.change.status == .confirmed)
        #expect(outcome.change.cancelledAt == nil)
        #expect(outcome.change.lateCancellation == false)
        #expect(outcome.note == "改到下午")
        #expect(outcome.detail == [:])
        #expect(outcome.complaint?.description == nil)
    }

    @Test func anApplicantsOwnMoveNeedsNoNoticeAndIsNoBreach() throws {
        let outcome = try Self.apply(.reschedule, to: Self.booking(.confirmed), at: "2026-11-26T09:59:00+08:00")
        #expect(outcome.lateReschedule == false)
        #expect(outcome.detail == [:])
    }

    @Test func theCenterMovesAWindowBookingTwoHoursAheadOrRecordsABreachWithItsReason() throws {
        let inTime = try Self.apply(.rescheduleByCenter, to: Self.booking(.confirmed), at: "2026-11-26T08:00:00+08:00")
        #expect(inTime.lateReschedule == false)
        #expect(inTime.change.status == .confirmed)
        #expect(inTime.detail == ["lateReschedule": "false", "noticeMinutes": "120"])
        let unexplained = try #require(throws: DomainError.self) {
            try Self.apply(.rescheduleByCenter, to: Self.booking(.confirmed), at: "2026-11-26T08:01:00+08:00")
        }
        #expect(unexplained.kind == .invalid)
        #expect(unexplained.code == "appointment.late_reschedule_reason_required")
        #expect(unexplained.message == "less than 2 h before the start the center moves a booking only with a reason, recorded as a breach")
        #expect(unexplained.problems == ["reason appointment.late_reschedule_reason_required"])
        let late = try Self.apply(.rescheduleByCenter, Self.body { $0.reason = " 窗口人员临时外派 " }, to: Self.booking(.confirmed), at: "2026-11-26T08:01:00+08:00")
        #expect(late.lateReschedule == true)
        #expect(late.note == "窗口人员临时外派")
        #expect(late.change.lateCancellation == false, "a move is not a cancellation")
        #expect(late.detail == ["lateReschedule": "true", "noticeMinutes": "119"])
    }

    @Test func theCenterMovesAHomeVisitEightHoursAheadOrRecordsABreachWithItsReason() throws {
        let visit = Self.booking(.confirmed, start: "2026-11-26T16:00:00+08:00", homeVisit: Self.visit, assignedStaff: Self.fieldWorker)
        let inTime = try Self.apply(.rescheduleByCenter, to: visit, at: "2026-11-26T08:00:00+08:00")
        #expect(inTime.lateReschedule == false)
        #expect(inTime.detail == ["lateReschedule": "false", "noticeMinutes": "480"])
        let unexplained = try #require(throws: DomainError.self) { try Self.apply(.rescheduleByCenter, to: visit, at: "2026-11-26T08:01:00+08:00") }
        #expect(unexplained.message == "less than 8 h before the start the center moves a booking only with a reason, recorded as a breach")
        let late = try Self.apply(.rescheduleByCenter, Self.body { $0.reason = "维修工生病" }, to: visit, at: "2026-11-26T08:01:00+08:00")
        #expect(late.lateReschedule == true)
        #expect(late.detail == ["lateReschedule": "true", "noticeMinutes": "479"])
    }

    // MARK: No-shows and the failed contact of a home visit

    @Test(arguments: [("2026-11-26T10:30:00+08:00", NoShowRule.Verdict.open), ("2026-11-26T10:30:01+08:00", .noShow)])
    func aWindowBookingIsANoShowOnceThirtyMinutesHavePassed(now: String, verdict: NoShowRule.Verdict) {
        #expect(NoShowRule.verdict(for: Self.booking(.confirmed), now: instant(now), policy: .defaults) == verdict)
    }

    @Test func aHomeVisitPastThirtyMinutesIsANoShowOnlyOnceStaffCouldNotReachTheApplicant() {
        let unreached = Self.booking(.confirmed, homeVisit: Self.visit, assignedStaff: Self.fieldWorker)
        #expect(NoShowRule.verdict(for: unreached, now: instant("2026-11-26T10:30:00+08:00"), policy: .defaults) == .open)
        #expect(NoShowRule.verdict(for: unreached, now: instant("2026-11-26T10:31:00+08:00"), policy: .defaults) == .needsContactAttempt)
        #expect(NoShowRule.verdict(for: unreached, now: instant("2026-11-27T10:00:00+08:00"), policy: .defaults) == .needsContactAttempt,
                "it never lapses into a no-show by itself")
        let contactFailed = Self.booking(.confirmed, homeVisit: Self.visit, assignedStaff: Self.fieldWorker, contactFailedAt: "2026-11-26T10:10:00+08:00")
        #expect(NoShowRule.verdict(for: contactFailed, now: instant("2026-11-26T10:30:00+08:00"), policy: .defaults) == .open, "30 minutes are still waited")
        #expect(NoShowRule.verdict(for: contactFailed, now: instant("2026-11-26T10:31:00+08:00"), policy: .defaults) == .noShow)
    }

    @Test func onlyAConfirmedBookingBecomesANoShowAndTheGracePeriodIsASitePolicy() {
        for status in [AppointmentStatus.requested, .checkedIn, .completed, .cancelledByCenter, .noShow] {
            #expect(NoShowRule.verdict(for: Self.booking(status), now: instant("2026-11-26T12:00:00+08:00"), policy: .defaults) == .open, "\(status)")
        }
        let fortyFive = AppointmentPolicy(policies: ["appointments.no_show_minutes": "45"])
        #expect(NoShowRule.verdict(for: Self.booking(.confirmed), now: instant("2026-11-26T10:45:00+08:00"), policy: fortyFive) == .open)
        #expect(NoShowRule.verdict(for: Self.booking(.confirmed), now: instant("2026-11-26T10:46:00+08:00"), policy: fortyFive) == .noShow)
    }

    @Test func aHomeVisitChecksInLateUntilTheFailedContactIsOnRecord() throws {
        let unreached = Self.booking(.confirmed, homeVisit: Self.visit, assignedStaff: Self.fieldWorker)
        let lateArrival = try Self.apply(.checkIn, to: unreached, at: "2026-11-26T10:45:00+08:00")
        #expect(lateArrival.change.status == .checkedIn, "staff arriving late does not make the applicant's no-show")
        let contactFailed = Self.booking(.confirmed, homeVisit: Self.visit, assignedStaff: Self.fieldWorker, contactFailedAt: "2026-11-26T10:10:00+08:00")
        #expect(try Self.apply(.checkIn, to: contactFailed, at: "2026-11-26T10:30:00+08:00").change.status == .checkedIn)
        let gone = try #require(throws: DomainError.self) { try Self.apply(.checkIn, to: contactFailed, at: "2026-11-26T10:31:00+08:00") }
        #expect(gone.kind == .conflict)
        #expect(gone.code == "appointment.too_late")
        #expect(gone.message == "more than 30 minutes after the start and the applicant could not be reached: treated as having given up; book again")
    }

    @Test func aFailedContactIsRecordedOnAConfirmedHomeVisitOnceItsTimeHasComeWithWhatWasTried() throws {
        let visit = Self.booking(.confirmed, homeVisit: Self.visit, assignedStaff: Self.fieldWorker)
        #expect(AppointmentAction.allowed(for: visit) == [.checkIn, .cancel, .cancelByCenter, .reschedule, .rescheduleByCenter, .contactFailed])
        #expect(!AppointmentAction.allowed(for: Self.booking(.confirmed)).contains(.contactFailed), "not for window bookings")
        #expect(!AppointmentAction.allowed(for: Self.booking(.requested, homeVisit: Self.visit)).contains(.contactFailed), "not before confirmation")
        let recorded = Self.booking(.confirmed, homeVisit: Self.visit, assignedStaff: Self.fieldWorker, contactFailedAt: "2026-11-26T10:10:00+08:00")
        #expect(!AppointmentAction.allowed(for: recorded).contains(.contactFailed), "once")
        #expect(throws: DomainError.self) { try AppointmentAction.check(.contactFailed, on: recorded) }

        let early = try #require(throws: DomainError.self) {
            try Self.apply(.contactFailed, Self.body { $0.note = "电话未接" }, to: visit, at: "2026-11-26T09:59:00+08:00")
        }
        #expect(early.kind == .conflict)
        #expect(early.code == "appointment.not_started")
        let silent = try #require(throws: DomainError.self) { try Self.apply(.contactFailed, Self.body { $0.note = "  " }, to: visit, at: "2026-11-26T10:12:00+08:00") }
        #expect(silent.problems == ["note request.missing_field"])
        let windowBooking = try #require(throws: DomainError.self) {
            try Self.apply(.contactFailed, Self.body { $0.note = "电话未接" }, to: Self.booking(.confirmed), at: "2026-11-26T10:12:00+08:00")
        }
        #expect(windowBooking.code == "appointment.not_a_home_visit")

        let outcome = try Self.apply(.contactFailed, Self.body { $0.note = " 敲门无人应答，两次致电未接通 " }, to: visit, at: "2026-11-26T10:12:00+08:00")
        #expect(outcome.change.status == .confirmed, "the no-show sweep decides, 30 minutes after the start")
        #expect(outcome.change.contactFailedAt == instant("2026-11-26T10:12:00+08:00"))
        #expect(outcome.change.contactFailedNote == "敲门无人应答，两次致电未接通")
        #expect(outcome.note == "敲门无人应答，两次致电未接通")
        #expect(outcome.detail == ["minutesAfterStart": "12"])
    }

    // MARK: What a booking must be

    @Test func aBookingIsTrimmedAndTheIdentityNumberStoredInCapitals() throws {
        let booking = try AppointmentRules.validate(NewAppointment(
            itemId: UUID(), start: instant("2026-11-26T10:00:00+08:00"), channel: .phone,
            applicant: Applicant(name: " 李四 ", phone: "139-0000 2222", idNumber: " 11010519491231002x "),
            homeVisit: HomeVisit(reason: .disabled, address: "  幸福路 1 号 ")))
        #expect(booking.body.applicant.name == "李四")
        #expect(booking.body.applicant.phone == "139-0000 2222", "the applicant's phone is kept as written")
        #expect(booking.phone == "13900002222", "and compared by its digits")
        #expect(booking.body.applicant.idNumber == "11010519491231002X")
        #expect(booking.body.homeVisit == HomeVisit(reason: .disabled, address: "幸福路 1 号"))
        let blank = try AppointmentRules.validate(NewAppointment(itemId: UUID(), start: instant("2026-11-26T10:00:00+08:00"), channel: .online,
                                                                 applicant: Applicant(name: "李四", phone: "13900002222", idNumber: "  ")))
        #expect(blank.body.applicant.idNumber == nil)
    }

    @Test func everyProblemOfABookingIsReportedAtOnce() {
        let error = #expect(throws: DomainError.self) {
            try AppointmentRules.validate(NewAppointment(
                itemId: UUID(), start: instant("2026-11-26T10:00:00+08:00"), channel: .online,
                applicant: Applicant(name: "  ", phone: "call 1234", idNumber: "110101199003074478"),
                homeVisit: HomeVisit(reason: .sick, address: " "), note: String(repeating: "字", count: 2001)))
        }
        #expect(error?.problems == [
            "applicant.name request.invalid_value", "applicant.phone request.invalid_value", "applicant.idNumber request.invalid_value",
            "homeVisit.address request.invalid_value", "note request.too_long",
        ])
    }

    @Test func onlyTheElderlyTheSickTheDisabledAndKeyProjectsAreVisitedAtHome() throws {
        #expect(HomeVisitReason.allCases.map(\.rawValue) == ["elderly", "sick", "disabled", "key_project"])
        let keyProject = try JSONDecoder().decode(HomeVisit.self, from: Data(#"{"reason":"key_project","address":"产业园 8 号"}"#.utf8))
        #expect(keyProject == HomeVisit(reason: .keyProject, address: "产业园 8 号"))
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(HomeVisit.self, from: Data(#"{"reason":"busy","address":"产业园 8 号"}"#.utf8))
        }
        #expect(throws: DecodingError.self, "a field the visit does not know is refused, not dropped") {
            try JSONDecoder().decode(HomeVisit.self, from: Data(#"{"reason":"elderly","address":"幸福路 1 号","floor":5}"#.utf8))
        }
    }

    @Test func aServiceItemTakesFiveToFourHundredEightyMinutesInStepsOfFive() throws {
        func item(_ minutes: Int, code: String = "id_card") -> NewServiceItem {
            NewServiceItem(code: code, name: " 居民身份证换领 ", departmentId: UUID(), durationMinutes: minutes, documents: [" 户口簿 "])
        }
        let valid = try AppointmentRules.validate(item(5))
        #expect(valid.name == "居民身份证换领")
        #expect(valid.documents == ["户口簿"])
        #expect(try AppointmentRules.validate(item(480)).durationMinutes == 480)
        for minutes in [0, 7, 485] {
            let error = #expect(throws: DomainError.self) { try AppointmentRules.validate(item(minutes)) }
            #expect(error?.problems == ["durationMinutes request.invalid_value"], "\(minutes) minutes")
        }
        let code = #expect(throws: DomainError.self) { try AppointmentRules.validate(item(30, code: "1D_Card")) }
        #expect(code?.problems == ["code request.invalid_value"])
    }
}
