import Domain
import Foundation
import Testing

@Suite("What each action does to a ticket")
struct TicketWorkflowTests {
    static let owner = UUID(uuidString: "00000000-0000-0000-0000-000000000201")!
    static let electrician = UUID(uuidString: "00000000-0000-0000-0000-000000000202")!
    static let receptionStaff = UUID(uuidString: "00000000-0000-0000-0000-000000000203")!
    /// The signed-in user of the reception staff member.
    static let reception = UUID(uuidString: "00000000-0000-0000-0000-000000000401")!
    static let engineering = UUID(uuidString: "00000000-0000-0000-0000-000000000301")!
    static let cleaning = UUID(uuidString: "00000000-0000-0000-0000-000000000302")!

    /// A ticket received on Thursday 2026-11-26 09:00 (Shanghai): first feedback due on Friday
    /// 09:00, resolution on Sunday 09:00 (3 days on the 24×7 repairs calendar).
    static func ticket(_ category: TicketCategory = .repair, _ status: TicketStatus = .received, department: UUID? = nil, handler: UUID? = nil,
                       followUp: TicketFollowUpPlan? = nil) -> Ticket {
        let received = instant("2026-11-26T09:00:00+08:00")
        var ticket = Ticket(
            id: UUID(), number: "H01-2026-000042", channel: .phone, category: category, priority: .normal, status: status,
            reporter: TicketReporter(name: "张三", phone: "13800001111", unit: "5-502"), location: "5号楼大厅", description: "大厅灯不亮",
            ownerId: owner, departmentId: department, handlerId: handler, receivedAt: received,
            deadlines: TicketDeadlines(feedbackDueAt: instant("2026-11-27T09:00:00+08:00"), resolveDueAt: instant("2026-11-29T09:00:00+08:00"), overdue: []),
            materials: [], followUp: followUp, reopenCount: 0, nonconformityOpen: false, allowedActions: [], version: 1, createdAt: received, updatedAt: received)
        ticket.refreshDerived(now: received)
        return ticket
    }

    static func apply(_ action: TicketAction, _ body: TicketActionBody = TicketActionBody(), to ticket: Ticket, at now: String, ordinal: Int? = nil,
                      actorStaff: UUID? = TicketWorkflowTests.receptionStaff) throws -> TicketWorkflow.Outcome {
        try TicketWorkflow.apply(action, body, to: ticket, .init(now: instant(now), actor: reception, actorStaff: actorStaff, resolutionOrdinal: ordinal,
                                                                 resolutionMonth: ordinal == nil ? nil : "2026-11"))
    }

    static func body(_ fill: (inout TicketActionBody) -> Void) -> TicketActionBody {
        var body = TicketActionBody()
        fill(&body)
        return body
    }

    @Test func aRepairRunsItsFullCourseFromDispatchToClose() throws {
        var ticket = Self.ticket(followUp: TicketFollowUpPlan(followUpClass: .repair))
        #expect(ticket.allowedActions == [.dispatch, .cancel, .feedback, .refer])

        let dispatched = try Self.apply(.dispatch, Self.body { $0.departmentId = Self.engineering }, to: ticket, at: "2026-11-26T09:05:00+08:00")
        #expect(dispatched.ticket.status == .dispatched)
        #expect(dispatched.ticket.departmentId == Self.engineering)
        #expect(dispatched.ticket.dispatchedAt == instant("2026-11-26T09:05:00+08:00"))
        #expect(dispatched.detail == ["departmentId": Self.engineering.uuidString])
        #expect(dispatched.ticket.allowedActions == [.dispatch, .acknowledge, .cancel, .feedback])
        ticket = dispatched.ticket

        let acknowledged = try Self.apply(.acknowledge, Self.body { $0.handlerId = Self.electrician }, to: ticket, at: "2026-11-26T09:10:00+08:00")
        #expect(acknowledged.ticket.status == .acknowledged)
        #expect(acknowledged.ticket.acknowledgedAt == instant("2026-11-26T09:10:00+08:00"))
        #expect(acknowledged.ticket.handlerId == Self.electrician)
        #expect(acknowledged.ticket.allowedActions == [.dispatch, .start, .cancel, .feedback])
        ticket = acknowledged.ticket

        let started = try Self.apply(.start, to: ticket, at: "2026-11-26T09:30:00+08:00")
        #expect(started.ticket.status == .inProgress)
        #expect(started.ticket.startedAt == instant("2026-11-26T09:30:00+08:00"))
        #expect(started.ticket.handlerId == Self.electrician, "the handler named on acknowledgement keeps the work")
        #expect(started.ticket.allowedActions == [.resolve, .cancel, .feedback])
        ticket = started.ticket

        let resolved = try Self.apply(.resolve, Self.body { $0.result = " 更换 LED 灯管 2 支 "; $0.timeOnSiteMinutes = 40; $0.siteCleared = true }, to: ticket,
                                      at: "2026-11-26T10:30:00+08:00", ordinal: 1)
        #expect(resolved.ticket.status == .resolved)
        #expect(resolved.ticket.resolvedAt == instant("2026-11-26T10:30:00+08:00"))
        #expect(resolved.ticket.resolution == "更换 LED 灯管 2 支")
        #expect(resolved.ticket.timeOnSiteMinutes == 40)
        #expect(resolved.ticket.followUp == TicketFollowUpPlan(followUpClass: .repair, month: "2026-11", ordinal: 1, sampled: true))
        #expect(resolved.detail == ["followUpSampled": "true", "followUpOrdinal": "1"])
        #expect(resolved.ticket.deadlines.followUpDueFrom == instant("2026-11-26T10:30:00+08:00"))
        #expect(resolved.ticket.deadlines.followUpDueAt == instant("2026-11-29T10:30:00+08:00"), "a repair is followed up within 3 days")
        #expect(resolved.ticket.allowedActions == [.verify, .feedback])
        ticket = resolved.ticket

        let verified = try Self.apply(.verify, Self.body { $0.passed = true }, to: ticket, at: "2026-11-26T11:00:00+08:00")
        #expect(verified.ticket.status == .verified)
        #expect(verified.ticket.verifiedAt == instant("2026-11-26T11:00:00+08:00"))
        #expect(verified.ticket.verifiedBy == Self.reception)
        #expect(verified.detail == ["passed": "true"])
        #expect(verified.ticket.allowedActions == [.followUp, .feedback], "a sampled ticket is not closed before its follow-up")
        ticket = verified.ticket

        let followedUp = try Self.apply(.followUp, Self.body { $0.method = "phone"; $0.satisfaction = 5 }, to: ticket, at: "2026-11-26T16:00:00+08:00")
        #expect(followedUp.ticket.status == .followedUp)
        #expect(followedUp.ticket.followedUpAt == instant("2026-11-26T16:00:00+08:00"))
        #expect(followedUp.effects == [.followUp(method: "phone", satisfaction: 5, rating: .satisfied, comments: nil)])
        #expect(followedUp.detail == ["rating": "satisfied"])
        #expect(followedUp.ticket.allowedActions == [.close, .feedback])
        ticket = followedUp.ticket

        let closed = try Self.apply(.close, to: ticket, at: "2026-11-26T16:05:00+08:00")
        #expect(closed.ticket.status == .closed)
        #expect(closed.ticket.closedAt == instant("2026-11-26T16:05:00+08:00"))
        #expect(closed.ticket.allowedActions == [])
        #expect(closed.ticket.deadlines.overdue == [])
        #expect(closed.effects == [])
    }

    @Test func theSecondRepairOfAMonthIsNotSampledAtThirtyPerCentAndTheFourthIs() throws {
        let working = Self.ticket(.repair, .inProgress, department: Self.engineering, handler: Self.electrician,
                                  followUp: TicketFollowUpPlan(followUpClass: .repair))
        let resolve = Self.body { $0.result = "已修复"; $0.siteCleared = true }
        let second = try Self.apply(.resolve, resolve, to: working, at: "2026-11-26T10:30:00+08:00", ordinal: 2)
        #expect(second.ticket.followUp?.sampled == false)
        #expect(second.detail == ["followUpSampled": "false", "followUpOrdinal": "2"])
        #expect(second.ticket.deadlines.followUpDueAt == nil)
        let verified = try Self.apply(.verify, Self.body { $0.passed = true }, to: second.ticket, at: "2026-11-26T11:00:00+08:00")
        #expect(verified.ticket.allowedActions == [.followUp, .close, .feedback], "an unsampled ticket may close at once")
        let fourth = try Self.apply(.resolve, resolve, to: working, at: "2026-11-26T10:30:00+08:00", ordinal: 4)
        #expect(fourth.ticket.followUp?.sampled == true)  // ⌈4×0.3⌉ = 2 > ⌈3×0.3⌉ = 1
    }

    @Test func aReopenedRepairKeepsItsFirstSamplingDecision() throws {
        let sampled = TicketFollowUpPlan(followUpClass: .repair, month: "2026-11", ordinal: 1, sampled: true)
        let again = Self.ticket(.repair, .inProgress, department: Self.engineering, handler: Self.electrician, followUp: sampled)
        let resolved = try Self.apply(.resolve, Self.body { $0.result = "再次修复"; $0.siteCleared = true }, to: again, at: "2026-11-27T10:00:00+08:00", ordinal: 7)
        #expect(resolved.ticket.followUp == sampled)
        #expect(resolved.detail == [:])
        #expect(resolved.ticket.deadlines.followUpDueAt == instant("2026-11-30T10:00:00+08:00"), "the window runs from the latest resolution")
    }

    @Test func aComplaintMustBeClassifiedBeforeItIsVerified() throws {
        let complaint = Self.ticket(.complaint, .resolved, department: Self.cleaning, followUp: TicketFollowUpPlan(followUpClass: .complaint))
        #expect(complaint.allowedActions == [.verify, .feedback, .classify, .escalate])
        let unclassified = try #require(throws: DomainError.self) {
            try Self.apply(.verify, Self.body { $0.passed = true }, to: complaint, at: "2026-11-26T15:00:00+08:00")
        }
        #expect(unclassified.code == "ticket.cause_class_required")
        #expect(unclassified.problems == ["causeClass ticket.cause_class_required"])
        let outOfRange = try #require(throws: DomainError.self) {
            try Self.apply(.classify, Self.body { $0.causeClass = 4 }, to: complaint, at: "2026-11-26T15:00:00+08:00")
        }
        #expect(outOfRange.problems == ["causeClass request.invalid_value"])
        let classified = try Self.apply(.classify, Self.body { $0.causeClass = 2 }, to: complaint, at: "2026-11-26T15:00:00+08:00")
        #expect(classified.ticket.causeClass == 2)
        #expect(classified.ticket.status == .resolved)
        #expect(classified.detail == ["causeClass": "2"])
        #expect(classified.effects == [], "the cause class is not what the matter is: no repeat check")
        let resubjected = try Self.apply(.classify, Self.body { $0.subject = " 墙面 开裂 " }, to: classified.ticket, at: "2026-11-26T15:01:00+08:00")
        #expect(resubjected.ticket.subject == "墙面 开裂" && resubjected.ticket.causeClass == 2 && resubjected.effects == [.checkRepeats])
        let respelled = try Self.apply(.classify, Self.body { $0.subject = "墙面开裂" }, to: resubjected.ticket, at: "2026-11-26T15:02:00+08:00")
        #expect(respelled.effects == [], "the same subject, spelled otherwise, is the same matter")
        #expect(try #require(throws: DomainError.self) { try Self.apply(.classify, Self.body { $0.note = "x" }, to: complaint, at: "2026-11-26T15:00:00+08:00") }
            .problems == ["causeClass request.missing_field"])
        let verified = try Self.apply(.verify, Self.body { $0.passed = true }, to: classified.ticket, at: "2026-11-26T15:05:00+08:00")
        #expect(verified.ticket.status == .verified)
    }

    @Test func aFailedVerificationReopensTheWorkAsANonConformity() throws {
        var resolved = Self.ticket(.repair, .resolved, department: Self.engineering, handler: Self.electrician)
        resolved.resolvedAt = instant("2026-11-26T10:30:00+08:00")
        let silent = try #require(throws: DomainError.self) {
            try Self.apply(.verify, Self.body { $0.passed = false }, to: resolved, at: "2026-11-26T11:00:00+08:00")
        }
        #expect(silent.problems == ["note request.missing_field"], "a failed verification says why")
        let failed = try Self.apply(.verify, Self.body { $0.passed = false; $0.note = " 灯仍不亮 " }, to: resolved, at: "2026-11-26T11:00:00+08:00")
        #expect(failed.ticket.status == .dispatched)
        #expect(failed.ticket.reopenCount == 1)
        #expect(failed.ticket.nonconformityOpen == true)
        #expect(failed.ticket.verifiedAt == nil)
        #expect(failed.ticket.departmentId == Self.engineering && failed.ticket.handlerId == Self.electrician, "back to the same department and handler")
        #expect(failed.effects == [.nonconformity(kind: "reopened", reason: "verification failed")])
        #expect(failed.detail == ["passed": "false"])
        #expect(failed.note == "灯仍不亮")
        #expect(failed.ticket.allowedActions == [.dispatch, .acknowledge, .cancel, .feedback])
    }

    @Test func anUnsatisfiedFollowUpReopensTheWork() throws {
        var verified = Self.ticket(.repair, .verified, department: Self.engineering, handler: Self.electrician,
                                   followUp: TicketFollowUpPlan(followUpClass: .repair, month: "2026-11", ordinal: 1, sampled: true))
        verified.verifiedAt = instant("2026-11-26T11:00:00+08:00")
        verified.verifiedBy = Self.reception
        let outcome = try Self.apply(.followUp, Self.body { $0.method = "visit"; $0.satisfaction = 2; $0.note = "还是漏水" }, to: verified,
                                     at: "2026-11-27T10:00:00+08:00")
        #expect(outcome.ticket.status == .dispatched)
        #expect(outcome.ticket.reopenCount == 1)
        #expect(outcome.ticket.nonconformityOpen == true)
        #expect(outcome.ticket.verifiedAt == nil && outcome.ticket.verifiedBy == nil && outcome.ticket.followedUpAt == nil)
        #expect(outcome.effects == [
            .followUp(method: "visit", satisfaction: 2, rating: .unsatisfied, comments: "还是漏水"),
            .nonconformity(kind: "reopened", reason: "unsatisfactory follow-up"),
        ])
        #expect(outcome.detail == ["rating": "unsatisfied"])
    }

    /// 回访中发现的问题，24小时内书面通知维修人员整改: the problem goes back to repair with a
    /// new deadline 24 clock hours from the follow-up, unresolved again, and is overdue after it.
    @Test func aProblemFoundOnFollowUpGoesBackToRepairWithin24Hours() throws {
        var verified = Self.ticket(.repair, .verified, department: Self.engineering, handler: Self.electrician,
                                   followUp: TicketFollowUpPlan(followUpClass: .repair, month: "2026-11", ordinal: 1, sampled: true))
        verified.resolvedAt = instant("2026-11-26T09:00:00+08:00")
        verified.deadlines.resolveDueAt = instant("2026-11-26T17:30:00+08:00")
        verified.verifiedAt = instant("2026-11-26T11:00:00+08:00")
        let outcome = try Self.apply(.followUp, Self.body { $0.method = "phone"; $0.rating = .unsatisfied }, to: verified, at: "2026-11-27T10:00:00+08:00")
        #expect(outcome.ticket.deadlines.resolveDueAt == instant("2026-11-28T10:00:00+08:00"))
        #expect(outcome.ticket.resolvedAt == nil)
        var later = outcome.ticket
        later.refreshDerived(now: instant("2026-11-28T09:59:00+08:00"))
        #expect(!later.deadlines.overdue.contains("resolution"))
        later.refreshDerived(now: instant("2026-11-28T10:01:00+08:00"))
        #expect(later.deadlines.overdue.contains("resolution"))
        // The site's own number of hours is read.
        let site = TicketPolicy(policies: ["tickets.follow_up_problem_repair_hours": "12"])
        #expect(TicketClock.followUpProblemRepairDue(at: instant("2026-11-27T10:00:00+08:00"), policy: site) == instant("2026-11-27T22:00:00+08:00"))
    }

    @Test func aFollowUpGivesAKnownMethodAndAScoreThatAgreesWithItsRating() throws {
        var verified = Self.ticket(.repair, .verified, department: Self.engineering)
        verified.verifiedAt = instant("2026-11-26T11:00:00+08:00")
        func refusal(_ fill: (inout TicketActionBody) -> Void) throws -> [String] {
            let body = Self.body(fill)
            let error = try #require(throws: DomainError.self) { try Self.apply(.followUp, body, to: verified, at: "2026-11-26T16:00:00+08:00") }
            return error.problems
        }
        #expect(try refusal { $0.method = "phone"; $0.satisfaction = 3; $0.rating = .satisfied } == ["rating request.inconsistent"])
        #expect(try refusal { $0.method = "phone"; $0.satisfaction = 6 } == ["satisfaction request.invalid_value"])
        #expect(try refusal { $0.method = "phone" } == ["satisfaction request.missing_field"])
        #expect(try refusal { $0.method = "email"; $0.satisfaction = 5 } == ["method request.invalid_value"])
        #expect(try refusal { $0.satisfaction = 5 } == ["method request.missing_field"])
        let byRating = try Self.apply(.followUp, Self.body { $0.method = "sms"; $0.rating = .basicallySatisfied }, to: verified, at: "2026-11-26T16:00:00+08:00")
        #expect(byRating.ticket.status == .followedUp)
        #expect(byRating.effects == [.followUp(method: "sms", satisfaction: nil, rating: .basicallySatisfied, comments: nil)])
    }

    @Test func anActionTheStatusDoesNotAllowIsRefusedWithWhatItAllows() throws {
        let received = try #require(throws: DomainError.self) {
            try Self.apply(.verify, Self.body { $0.passed = true }, to: Self.ticket(), at: "2026-11-26T09:05:00+08:00")
        }
        #expect(received.kind == .conflict)
        #expect(received.code == "ticket.action_not_allowed")
        #expect(received.message == "a received repair ticket cannot take 'verify'; allowed: dispatch, cancel, feedback, refer")
        #expect(received.fieldErrors.map(\.message) == ["dispatch", "cancel", "feedback", "refer"])
        #expect(received.fieldErrors.map(\.code) == ["ticket.allowed_action", "ticket.allowed_action", "ticket.allowed_action", "ticket.allowed_action"])

        let sampled = Self.ticket(.repair, .verified, followUp: TicketFollowUpPlan(followUpClass: .repair, ordinal: 1, sampled: true))
        let early = try #require(throws: DomainError.self) { try Self.apply(.close, to: sampled, at: "2026-11-26T12:00:00+08:00") }
        #expect(early.code == "ticket.action_not_allowed")
        #expect(early.message
                == "a verified repair ticket cannot take 'close': it was sampled for a follow-up (回访), which must be recorded first; allowed: follow-up, feedback")

        let closed = try #require(throws: DomainError.self) {
            try Self.apply(.feedback, TicketActionBody(note: "已告知"), to: Self.ticket(.repair, .closed), at: "2026-11-26T12:00:00+08:00")
        }
        #expect(closed.message == "a closed repair ticket cannot take 'feedback'; it takes no more actions")
        #expect(closed.fieldErrors == [])
    }

    @Test func anActionRefusesTheFieldsItDoesNotTake() throws {
        let error = try #require(throws: DomainError.self) {
            try Self.apply(.dispatch, Self.body { $0.departmentId = Self.engineering; $0.result = "已修复"; $0.passed = true }, to: Self.ticket(),
                           at: "2026-11-26T09:05:00+08:00")
        }
        #expect(error.code == "request.unknown_field")
        #expect(error.message == "'dispatch' does not take result, passed")
        #expect(error.problems == ["result request.unknown_field", "passed request.unknown_field"])
        let note = try #require(throws: DomainError.self) {
            try Self.apply(.cancel, Self.body { $0.note = "重复登记" }, to: Self.ticket(), at: "2026-11-26T09:05:00+08:00")
        }
        #expect(note.problems == ["note request.unknown_field"], "a cancellation gives a reason, not a note")
    }

    @Test func aSuggestionIsAnsweredWithWhetherItWasAdopted() throws {
        let suggestion = Self.ticket(.suggestion)
        let undecided = try #require(throws: DomainError.self) {
            try Self.apply(.answer, Self.body { $0.reply = "感谢建议" }, to: suggestion, at: "2026-11-26T10:00:00+08:00")
        }
        #expect(undecided.problems == ["adopted request.missing_field"])
        let answered = try Self.apply(.answer, Self.body { $0.reply = " 已在大厅增设座椅 "; $0.adopted = true }, to: suggestion, at: "2026-11-26T10:00:00+08:00")
        #expect(answered.ticket.status == .closed)
        #expect(answered.ticket.closedAt == instant("2026-11-26T10:00:00+08:00"))
        #expect(answered.ticket.reply == "已在大厅增设座椅")
        #expect(answered.ticket.suggestionAdopted == true)
        #expect(answered.ticket.deadlines.firstFeedbackAt == instant("2026-11-26T10:00:00+08:00"), "the answer is the reporter's first feedback")
        #expect(answered.detail == ["adopted": "true"])

        let inquiry = Self.ticket(.inquiry)
        let notASuggestion = try #require(throws: DomainError.self) {
            try Self.apply(.answer, Self.body { $0.reply = "办公时间为 8:00–17:30"; $0.adopted = false }, to: inquiry, at: "2026-11-26T10:00:00+08:00")
        }
        #expect(notASuggestion.problems == ["adopted request.not_applicable"])
        let replied = try Self.apply(.answer, Self.body { $0.reply = "办公时间为 8:00–17:30" }, to: inquiry, at: "2026-11-26T10:00:00+08:00")
        #expect(replied.ticket.status == .closed)
        #expect(replied.ticket.suggestionAdopted == nil)
        #expect(replied.detail == [:])
    }

    @Test func theFirstFeedbackIsTimedAgainstItsDeadline() throws {
        // Dispatched on Friday 09:30, half an hour after the first feedback fell due.
        let late = try Self.apply(.dispatch, Self.body { $0.departmentId = Self.engineering }, to: Self.ticket(), at: "2026-11-27T09:30:00+08:00")
        #expect(late.ticket.deadlines.overdue == ["feedback"])
        let first = try Self.apply(.feedback, TicketActionBody(note: " 已安排师傅下午上门 "), to: late.ticket, at: "2026-11-27T10:00:00+08:00")
        #expect(first.ticket.deadlines.firstFeedbackAt == instant("2026-11-27T10:00:00+08:00"))
        #expect(first.detail == ["first": "true", "onTime": "false"])
        #expect(first.note == "已安排师傅下午上门")
        #expect(first.ticket.deadlines.overdue == [])
        let second = try Self.apply(.feedback, TicketActionBody(note: "师傅已出发"), to: first.ticket, at: "2026-11-27T13:00:00+08:00")
        #expect(second.detail == [:])
        #expect(second.ticket.deadlines.firstFeedbackAt == instant("2026-11-27T10:00:00+08:00"))
        let onTime = try Self.apply(.feedback, TicketActionBody(note: "已受理"), to: Self.ticket(), at: "2026-11-27T09:00:00+08:00")
        #expect(onTime.detail == ["first": "true", "onTime": "true"], "exactly at the deadline is on time")
        let past = try #require(throws: DomainError.self) {
            try Self.apply(.feedback, Self.body { $0.note = "稍后回电"; $0.promisedReplyAt = instant("2026-11-27T09:59:00+08:00") }, to: late.ticket,
                           at: "2026-11-27T10:00:00+08:00")
        }
        #expect(past.problems == ["promisedReplyAt request.invalid_value"])
    }

    /// 投诉…100%回访: a complaint withdrawn by the customer without writing is not worked on
    /// any more but still owes its follow-up within the complaint window; only a withdrawal in
    /// writing ends it.
    @Test func aComplaintWithdrawnWithoutWritingStillOwesItsFollowUp() throws {
        let complaint = Self.ticket(.complaint, .dispatched, department: Self.engineering, followUp: TicketFollowUpPlan(followUpClass: .complaint))
        let withdrawn = try Self.apply(.cancel, Self.body { $0.reason = "客户口头表示不再追究" }, to: complaint, at: "2026-11-26T11:00:00+08:00")
        #expect(withdrawn.ticket.status == .withdrawn)
        #expect(withdrawn.ticket.cancelledAt == instant("2026-11-26T11:00:00+08:00"))
        #expect(withdrawn.ticket.withdrawnInWriting == false)
        #expect(withdrawn.detail == ["withdrawnInWriting": "false"])
        #expect(withdrawn.note == "客户口头表示不再追究")
        #expect(withdrawn.ticket.deadlines.resolveDueAt == nil, "no more work is owed")
        #expect(withdrawn.ticket.followUp?.sampled == true)
        #expect(withdrawn.ticket.deadlines.followUpDueFrom == instant("2026-11-26T11:00:00+08:00"))
        #expect(withdrawn.ticket.deadlines.followUpDueAt == instant("2026-11-29T11:00:00+08:00"), "the complaint window: 3 days")
        #expect(withdrawn.ticket.allowedActions == [.followUp, .feedback, .escalate])

        var missed = withdrawn.ticket
        missed.deadlines.firstFeedbackAt = instant("2026-11-26T10:00:00+08:00")
        missed.refreshDerived(now: instant("2026-11-29T11:00:01+08:00"))
        #expect(missed.deadlines.overdue == ["follow_up"], "the follow-up is watched like any deadline; the resolution no longer is")

        let followedUp = try Self.apply(.followUp, Self.body { $0.method = "phone"; $0.satisfaction = 4; $0.confirmedBy = "陈女士" }, to: withdrawn.ticket,
                                        at: "2026-11-27T10:00:00+08:00")
        #expect(followedUp.ticket.status == .followedUp && followedUp.ticket.allowedActions == [.close, .feedback, .escalate])
        let closed = try Self.apply(.close, to: followedUp.ticket, at: "2026-11-27T10:05:00+08:00")
        #expect(closed.ticket.status == .closed && closed.ticket.cancelledAt != nil, "it stays on record as withdrawn")

        // The follow-up finds the problem unsolved: the complaint is worked on again.
        let unsolved = try Self.apply(.followUp, Self.body { $0.method = "phone"; $0.satisfaction = 1; $0.note = "问题还在"; $0.confirmedBy = "陈女士" }, to: withdrawn.ticket,
                                      at: "2026-11-27T10:00:00+08:00")
        #expect(unsolved.ticket.status == .dispatched && unsolved.ticket.cancelledAt == nil && unsolved.ticket.withdrawnInWriting == nil)
        #expect(unsolved.ticket.deadlines.resolveDueAt == instant("2026-11-28T10:00:00+08:00"))

        let inWriting = try Self.apply(.cancel, Self.body { $0.reason = "客户书面撤回"; $0.withdrawnInWriting = true }, to: complaint,
                                       at: "2026-11-26T11:00:00+08:00")
        #expect(inWriting.ticket.status == .cancelled && inWriting.ticket.withdrawnInWriting == true && inWriting.ticket.allowedActions == [])
        #expect(inWriting.detail == ["withdrawnInWriting": "true"])

        let repair = try #require(throws: DomainError.self) {
            try Self.apply(.cancel, Self.body { $0.reason = "重复登记"; $0.withdrawnInWriting = true }, to: Self.ticket(), at: "2026-11-26T11:00:00+08:00")
        }
        #expect(repair.problems == ["withdrawnInWriting request.not_applicable"])
        let cancelled = try Self.apply(.cancel, Self.body { $0.reason = "重复登记" }, to: Self.ticket(), at: "2026-11-26T11:00:00+08:00")
        #expect(cancelled.ticket.status == .cancelled && cancelled.ticket.withdrawnInWriting == nil && cancelled.detail == [:])
    }

    /// 明确的回复时间: a promised reply time is a deadline. The next feedback, answer or
    /// resolution gives the reply; it was kept when given at or before the promised time.
    @Test func aPromisedReplyIsKeptByTheNextFeedbackAnswerOrResolution() throws {
        let promised = try Self.apply(.feedback, Self.body { $0.note = "明天中午前答复"; $0.promisedReplyAt = instant("2026-11-27T12:00:00+08:00") },
                                      to: Self.ticket(), at: "2026-11-26T10:00:00+08:00")
        #expect(promised.ticket.deadlines.promisedReplyAt == instant("2026-11-27T12:00:00+08:00"))
        #expect(promised.ticket.deadlines.replyGivenAt == nil)
        #expect(promised.detail == ["first": "true", "onTime": "true"])

        var waiting = promised.ticket
        waiting.refreshDerived(now: instant("2026-11-27T12:00:00+08:00"))
        #expect(waiting.deadlines.overdue == [], "exactly at the promised time is not late")
        waiting.refreshDerived(now: instant("2026-11-27T12:00:01+08:00"))
        #expect(waiting.deadlines.overdue == ["reply"])

        let kept = try Self.apply(.feedback, TicketActionBody(note: "已答复：师傅下午到"), to: promised.ticket, at: "2026-11-27T12:00:00+08:00")
        #expect(kept.ticket.deadlines.replyGivenAt == instant("2026-11-27T12:00:00+08:00"))
        #expect(kept.detail == ["promisedReplyKept": "true"])
        var after = kept.ticket
        after.refreshDerived(now: instant("2026-11-28T12:00:00+08:00"))
        #expect(after.deadlines.overdue == [])
        let again = try Self.apply(.feedback, TicketActionBody(note: "再次说明"), to: kept.ticket, at: "2026-11-27T15:00:00+08:00")
        #expect(again.ticket.deadlines.replyGivenAt == instant("2026-11-27T12:00:00+08:00") && again.detail == [:], "only the first reply answers a promise")

        let late = try Self.apply(.feedback, TicketActionBody(note: "抱歉来晚了"), to: promised.ticket, at: "2026-11-27T12:30:00+08:00")
        #expect(late.detail == ["promisedReplyKept": "false"])

        // A new promise answers the old one and starts its own clock.
        let postponed = try Self.apply(.feedback, Self.body { $0.note = "需要厂家配件，后天答复"; $0.promisedReplyAt = instant("2026-11-29T12:00:00+08:00") },
                                       to: promised.ticket, at: "2026-11-27T11:00:00+08:00")
        #expect(postponed.detail == ["promisedReplyKept": "true"])
        #expect(postponed.ticket.deadlines.promisedReplyAt == instant("2026-11-29T12:00:00+08:00") && postponed.ticket.deadlines.replyGivenAt == nil)

        // The resolution answers it too.
        var working = Self.ticket(.repair, .inProgress, department: Self.engineering, handler: Self.electrician)
        working.deadlines.promisedReplyAt = instant("2026-11-26T12:00:00+08:00")
        let resolved = try Self.apply(.resolve, Self.body { $0.result = "已修复"; $0.siteCleared = true }, to: working, at: "2026-11-26T11:30:00+08:00")
        #expect(resolved.ticket.deadlines.replyGivenAt == instant("2026-11-26T11:30:00+08:00") && resolved.detail == ["promisedReplyKept": "true"])
    }

    @Test func theHandlerFollowsTheDepartmentTheWorkIsDispatchedTo() throws {
        let acknowledged = Self.ticket(.repair, .acknowledged, department: Self.engineering, handler: Self.electrician)
        let moved = try Self.apply(.dispatch, Self.body { $0.departmentId = Self.cleaning }, to: acknowledged, at: "2026-11-26T09:20:00+08:00")
        #expect(moved.ticket.departmentId == Self.cleaning)
        #expect(moved.ticket.handlerId == nil, "another department names its own handler")
        let same = try Self.apply(.dispatch, Self.body { $0.departmentId = Self.engineering }, to: acknowledged, at: "2026-11-26T09:20:00+08:00")
        #expect(same.ticket.handlerId == Self.electrician)
        let nowhere = try #require(throws: DomainError.self) { try Self.apply(.dispatch, to: acknowledged, at: "2026-11-26T09:20:00+08:00") }
        #expect(nowhere.problems == ["departmentId request.missing_field"])

        let unassigned = Self.ticket(.repair, .acknowledged, department: Self.engineering)
        let nobody = try #require(throws: DomainError.self) { try Self.apply(.start, to: unassigned, at: "2026-11-26T09:30:00+08:00", actorStaff: nil) }
        #expect(nobody.problems == ["handlerId request.missing_field"])
        let himself = try Self.apply(.start, to: unassigned, at: "2026-11-26T09:30:00+08:00", actorStaff: Self.electrician)
        #expect(himself.ticket.handlerId == Self.electrician, "the staff member who starts the work handles it")
    }

    @Test func aResolutionChecksItsMaterialsAndTheCustomersAcceptance() throws {
        let working = Self.ticket(.repair, .inProgress, department: Self.engineering, handler: Self.electrician)
        func refusal(_ fill: (inout TicketActionBody) -> Void) throws -> [String] {
            let body = Self.body(fill)
            let error = try #require(throws: DomainError.self) { try Self.apply(.resolve, body, to: working, at: "2026-11-26T10:30:00+08:00") }
            return error.problems
        }
        #expect(try refusal { $0.result = "  " } == ["result request.missing_field"])
        #expect(try refusal { $0.result = "已修复"; $0.materials = [TicketMaterial(item: "灯管", quantity: 0)] } == ["materials[0].quantity request.invalid_value"])
        #expect(try refusal { $0.result = "已修复"; $0.timeOnSiteMinutes = 10_001 } == ["timeOnSiteMinutes request.invalid_value"])
        #expect(try refusal { $0.result = "已修复"; $0.acceptance = TicketAcceptance(name: "张三", signedAt: instant("2026-11-26T10:35:01+08:00")) }
                == ["acceptance.signedAt request.invalid_value"])
        let signed = TicketAcceptance(name: "张三", signedAt: instant("2026-11-26T10:35:00+08:00"))
        let materials = [TicketMaterial(item: "LED 灯管", quantity: 2, unit: "支", unitCost: Decimal(string: "18.50"))]
        let resolved = try Self.apply(.resolve, Self.body { $0.result = "已修复"; $0.materials = materials; $0.acceptance = signed; $0.siteCleared = true }, to: working,
                                      at: "2026-11-26T10:30:00+08:00")
        #expect(resolved.ticket.materials == materials)
        #expect(resolved.ticket.acceptance == signed, "five minutes of clock difference are allowed")
        #expect(resolved.ticket.followUp == nil && resolved.detail == [:], "a ticket without a follow-up class is never sampled")
    }
}
