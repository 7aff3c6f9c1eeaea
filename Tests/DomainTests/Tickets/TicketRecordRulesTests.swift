import Domain
import Foundation
import Testing

/// Suggestions reported daily and tabled monthly, referrals at first contact, the repair
/// sheet's completion record, and the quarterly filing of records (rulebooks 000, 002, 004).
@Suite("Records kept about tickets: suggestion registers, referrals, repair sheets, quarterly filing")
struct TicketRecordRulesTests {
    typealias Flow = TicketWorkflowTests

    static let engineering = (id: Flow.engineering, code: "engineering", name: "工程部")
    static let cleaning = (id: Flow.cleaning, code: "cleaning", name: "保洁部")

    static func suggestion(_ number: Int, at time: String, department: (id: UUID, code: String, name: String)? = nil, adopted: Bool? = nil,
                           answered: String? = nil) -> SuggestionEntry {
        SuggestionEntry(id: UUID(), number: "H01-2026-\(String(number).leftPadded(to: 6))", receivedAt: instant(time),
                        reporter: TicketReporter(name: "住户\(number)"), summary: "建议\(number)", departmentId: department?.id,
                        departmentCode: department?.code, departmentName: department?.name, status: adopted == nil ? .received : .closed,
                        adopted: adopted, answeredAt: answered.map(instant), reply: adopted == nil ? nil : "已答复")
    }

    /// 004 (四) 遇到好的建议每日下班前统一整理上报部门主管: the day's suggestions under the
    /// department each went to, by department code, in order of receipt; those not yet sent to a
    /// department under their own heading, last.
    @Test func theDailyRollUpGroupsTheDaysSuggestionsByDepartmentWithTheUndispatchedLast() {
        let late = Self.suggestion(1, at: "2026-11-24T16:00:00+08:00", department: Self.engineering)
        let waiting = Self.suggestion(2, at: "2026-11-24T10:00:00+08:00")
        let cleaning = Self.suggestion(3, at: "2026-11-24T08:30:00+08:00", department: Self.cleaning)
        let early = Self.suggestion(4, at: "2026-11-24T08:00:00+08:00", department: Self.engineering)
        let day = SuggestionRegister.day(CalendarDate(year: 2026, month: 11, day: 24), timezone: "Asia/Shanghai", entries: [late, waiting, cleaning, early])
        #expect(day.total == 4)
        #expect(day.groups.map(\.departmentCode) == ["cleaning", "engineering", "undispatched"])
        #expect(day.groups.map(\.count) == [1, 2, 1])
        #expect(day.groups.map(\.departmentName) == ["保洁部", "工程部", nil])
        #expect(day.groups.map(\.departmentId) == [Flow.cleaning, Flow.engineering, nil])
        #expect(day.groups[1].items.map(\.number) == ["H01-2026-000004", "H01-2026-000001"], "in order of receipt")
        #expect(day.groups[2].items == [waiting])
        let quiet = SuggestionRegister.day(CalendarDate(year: 2026, month: 11, day: 25), timezone: "Asia/Shanghai", entries: [])
        #expect(quiet.total == 0 && quiet.groups.isEmpty)
    }

    /// 004 (十二) 《建议情况月度表》, and 建议被采纳使用，电话告知…如没采纳使用的作出解释: the
    /// month's table counts adopted, not adopted, pending and told.
    @Test func theMonthlyTableCountsAdoptedNotAdoptedPendingAndTold() {
        let entries = [
            Self.suggestion(3, at: "2026-11-20T09:00:00+08:00", department: Self.cleaning),
            Self.suggestion(1, at: "2026-11-02T09:00:00+08:00", department: Self.engineering, adopted: true, answered: "2026-11-05T10:00:00+08:00"),
            Self.suggestion(2, at: "2026-11-10T09:00:00+08:00", adopted: false, answered: "2026-11-11T10:00:00+08:00"),
            Self.suggestion(4, at: "2026-11-28T09:00:00+08:00"),
        ]
        let month = SuggestionRegister.month("2026-11", timezone: "Asia/Shanghai", entries: entries)
        #expect(month.totals == SuggestionTotals(received: 4, adopted: 1, notAdopted: 1, pending: 2, told: 2))
        #expect(month.items.map(\.number) == ["H01-2026-000001", "H01-2026-000002", "H01-2026-000003", "H01-2026-000004"])
        #expect(SuggestionRegister.totals([]) == SuggestionTotals(received: 0, adopted: 0, notAdopted: 0, pending: 0, told: 0))
    }

    @Test func aRegisterLineIsTheDescriptionOnOneLineOfAtMostAHundredCharacters() {
        #expect(SuggestionRegister.summary("  建议\n\n在大厅   增加座椅 ") == "建议 在大厅 增加座椅")
        let hundred = String(repeating: "建", count: 100)
        #expect(SuggestionRegister.summary(hundred) == hundred)
        let long = SuggestionRegister.summary(String(repeating: "议", count: 150))
        #expect(long.count == 101 && long.hasSuffix("…") && long.hasPrefix(String(repeating: "议", count: 100)))
    }

    /// 建议被采纳使用…如没采纳使用的作出解释: whatever course a suggestion took, it is closed only
    /// by an answer saying whether it was adopted.
    @Test func aSuggestionIsClosedOnlyByAnAnswerThatSaysWhetherItWasAdopted() throws {
        func allowed(_ status: TicketStatus) -> [TicketAction] {
            TicketLifecycle.allowed(.init(status: status, category: .suggestion, followUpRequired: false, followedUp: false))
        }
        #expect(allowed(.received) == [.dispatch, .cancel, .answer, .feedback, .refer])
        #expect(allowed(.resolved) == [.verify, .answer, .feedback])
        #expect(allowed(.verified) == [.followUp, .answer, .feedback], "not close: the reporter has not been told")
        #expect(allowed(.followedUp) == [.answer, .feedback])
        let verified = Flow.ticket(.suggestion, .verified, department: Flow.engineering)
        let closing = try #require(throws: DomainError.self) { try Flow.apply(.close, to: verified, at: "2026-11-27T10:00:00+08:00") }
        #expect(closing.kind == .conflict && closing.code == "ticket.action_not_allowed")
        let silent = try #require(throws: DomainError.self) {
            try Flow.apply(.answer, Flow.body { $0.reply = "感谢建议" }, to: verified, at: "2026-11-27T10:00:00+08:00")
        }
        #expect(silent.kind == .invalid && silent.problems == ["adopted request.missing_field"])
        let answered = try Flow.apply(.answer, Flow.body { $0.reply = "场地所限暂不增设，已改为每日巡查"; $0.adopted = false }, to: verified,
                                      at: "2026-11-27T10:00:00+08:00")
        #expect(answered.ticket.status == .closed && answered.ticket.suggestionAdopted == false)
        #expect(answered.ticket.closedAt == instant("2026-11-27T10:00:00+08:00"))
        #expect(answered.detail == ["adopted": "false"])
    }

    /// 002 首问 第四条: the first receiver tells of or leads to the right window, or names the
    /// body responsible and its contact; the owner reports back (及时向服务对象反馈) within the
    /// feedback hours, or the ticket is overdue.
    @Test func aReferralIsRecordedAndTheOwnerReportsBackWithinTheFeedbackHours() throws {
        let received = Flow.ticket(.repair)
        let unnamed = try #require(throws: DomainError.self) {
            try Flow.apply(.refer, Flow.body { $0.contact = "96116" }, to: received, at: "2026-11-26T09:10:00+08:00")
        }
        #expect(unnamed.problems == ["referredTo request.missing_field"])
        let wrongField = try #require(throws: DomainError.self) {
            try Flow.apply(.refer, Flow.body { $0.referredTo = "自来水公司"; $0.result = "已转" }, to: received, at: "2026-11-26T09:10:00+08:00")
        }
        #expect(wrongField.problems == ["result request.unknown_field"])

        let referred = try Flow.apply(.refer, Flow.body { $0.referredTo = " 市自来水公司客服中心 "; $0.contact = "96116"; $0.note = "市政管道" }, to: received,
                                      at: "2026-11-26T09:10:00+08:00")
        #expect(referred.ticket.referral == TicketReferral(to: "市自来水公司客服中心", contact: "96116", at: instant("2026-11-26T09:10:00+08:00"),
                                                           by: Flow.reception, feedbackDueAt: instant("2026-11-27T09:10:00+08:00")))
        #expect(referred.ticket.status == .received, "the ticket stays open until the owner reports back")
        #expect(referred.detail == ["referredTo": "市自来水公司客服中心", "contact": "96116"])
        #expect(referred.note == "市政管道")
        #expect(!referred.ticket.keepsTheSameRecords(as: received))
        #expect(referred.ticket.allowedActions == [.dispatch, .cancel, .feedback, .refer], "not closed before the owner reports back")

        var waiting = referred.ticket
        waiting.deadlines.firstFeedbackAt = instant("2026-11-26T09:10:00+08:00")
        waiting.refreshDerived(now: instant("2026-11-27T09:10:00+08:00"))
        #expect(waiting.deadlines.overdue == [], "exactly at the deadline is not late")
        waiting.refreshDerived(now: instant("2026-11-27T09:10:01+08:00"))
        #expect(waiting.deadlines.overdue == ["referral"])

        let reported = try Flow.apply(.feedback, TicketActionBody(note: "已回电：客户已联系自来水公司，明日上门"), to: referred.ticket, at: "2026-11-26T15:00:00+08:00")
        #expect(reported.ticket.referral?.followedUpAt == instant("2026-11-26T15:00:00+08:00"))
        #expect(reported.detail == ["referralFollowedUpOnTime": "true", "first": "true", "onTime": "true"])
        #expect(reported.ticket.allowedActions == [.dispatch, .close, .cancel, .feedback, .refer])
        var later = reported.ticket
        later.refreshDerived(now: instant("2026-11-28T09:00:00+08:00"))
        #expect(!later.deadlines.overdue.contains("referral"))
        let again = try Flow.apply(.feedback, TicketActionBody(note: "再次确认"), to: reported.ticket, at: "2026-11-26T16:00:00+08:00")
        #expect(again.ticket.referral?.followedUpAt == instant("2026-11-26T15:00:00+08:00") && again.detail == [:], "only the first report back counts")

        // Nothing more is owed here: closing drops the resolution target.
        let closed = try Flow.apply(.close, to: reported.ticket, at: "2026-11-26T15:05:00+08:00")
        #expect(closed.ticket.status == .closed && closed.ticket.deadlines.resolveDueAt == nil && closed.detail == ["referred": "true"])

        // A complaint referred elsewhere still runs its course (feedback, 100 % follow-up): no close.
        let complaint = try Flow.apply(.refer, Flow.body { $0.referredTo = "区市场监管局" }, to: Flow.ticket(.complaint), at: "2026-11-26T09:10:00+08:00")
        let told = try Flow.apply(.feedback, TicketActionBody(note: "已告知"), to: complaint.ticket, at: "2026-11-26T10:00:00+08:00")
        #expect(told.ticket.referral?.followedUpAt != nil && !told.ticket.allowedActions.contains(.close))

        // A referral is made at first contact; praise is not referred.
        let dispatched = Flow.ticket(.repair, .dispatched, department: Flow.engineering)
        let tooLate = try #require(throws: DomainError.self) {
            try Flow.apply(.refer, Flow.body { $0.referredTo = "物业公司" }, to: dispatched, at: "2026-11-26T09:10:00+08:00")
        }
        #expect(tooLate.kind == .conflict && tooLate.code == "ticket.action_not_allowed")
        #expect(!Flow.ticket(.praise).allowedActions.contains(.refer))
        #expect(TicketLifecycle.permission(.refer, category: .repair) == .intake)
    }

    /// 002 六 工完料净场地清…请顾客填写维修时间和顾客对维修工作意见; 004 做到"工毕料清": a repair
    /// is returned from a site left clean, with the customer's opinion of the work.
    @Test func aRepairIsReturnedOnlyFromASiteLeftCleanWithTheCustomersOpinion() throws {
        let working = Flow.ticket(.repair, .inProgress, department: Flow.engineering, handler: Flow.electrician)
        func refusal(_ ticket: Ticket, _ fill: (inout TicketActionBody) -> Void) throws -> DomainError {
            let body = Flow.body(fill)
            return try #require(throws: DomainError.self) { try Flow.apply(.resolve, body, to: ticket, at: "2026-11-26T10:30:00+08:00") }
        }
        let unchecked = try refusal(working) { $0.result = "更换灯管" }
        #expect(unchecked.kind == .invalid && unchecked.code == "ticket.site_check_required" && unchecked.problems == ["siteCleared ticket.site_check_required"])
        let messy = try refusal(working) { $0.result = "更换灯管"; $0.siteCleared = false }
        #expect(messy.code == "ticket.site_check_required" && messy.message.contains("工完料净场地清"))
        let rambling = try refusal(working) { $0.result = "更换灯管"; $0.siteCleared = true; $0.customerOpinion = String(repeating: "好", count: 2001) }
        #expect(rambling.problems == ["customerOpinion request.too_long"])

        let done = try Flow.apply(.resolve, Flow.body { $0.result = "更换灯管"; $0.siteCleared = true; $0.customerOpinion = " 师傅很细心，很满意 " }, to: working,
                                  at: "2026-11-26T10:30:00+08:00")
        #expect(done.ticket.siteCleared == true && done.ticket.customerOpinion == "师傅很细心，很满意")
        #expect(done.detail == ["customerOpinion": "师傅很细心，很满意"])
        #expect(!done.ticket.keepsTheSameRecords(as: working))

        // Other work may confirm the site check, but need not; it may never report a messy site.
        let complaint = Flow.ticket(.complaint, .inProgress, department: Flow.cleaning, handler: Flow.electrician)
        let settled = try Flow.apply(.resolve, Flow.body { $0.result = "已协调保洁加强巡查" }, to: complaint, at: "2026-11-26T10:30:00+08:00")
        #expect(settled.ticket.status == .resolved && settled.ticket.siteCleared == nil && settled.ticket.customerOpinion == nil)
        let messyComplaint = try refusal(complaint) { $0.result = "已协调"; $0.siteCleared = false }
        #expect(messyComplaint.code == "ticket.site_check_required")
    }

    /// 004 第七节 (九) 每季度10日之前交管理处的档案保管员存档: a quarter is filed once, after it
    /// ends; after the 10th of the next quarter's first month the filing is late.
    @Test func aQuarterIsFiledOnceAfterItEndsAndIsLateAfterTheTenth() throws {
        let q3 = try #require(TicketQuarter("2026-Q3"))
        #expect(q3.description == "2026-Q3")
        #expect(q3.first == CalendarDate(year: 2026, month: 7, day: 1) && q3.last == CalendarDate(year: 2026, month: 9, day: 30))
        #expect(q3.filingDueOn == CalendarDate(year: 2026, month: 10, day: 10))
        #expect(TicketQuarter("2026-Q4")?.filingDueOn == CalendarDate(year: 2027, month: 1, day: 10))
        #expect(TicketQuarter("2027-Q1")?.last == CalendarDate(year: 2027, month: 3, day: 31))
        #expect(TicketQuarter(containing: CalendarDate(year: 2026, month: 11, day: 26)).description == "2026-Q4")
        for bad in ["2026-Q5", "2026-Q0", "2026Q3", "2026-3", "26-Q3", "2026-q3", "1999-Q4", "2026-Q3 ", "2026-Q03"] {
            #expect(TicketQuarter(bad) == nil, "\(bad)")
        }
        let missing = try #require(throws: DomainError.self) { try TicketArchiveRules.quarter(nil) }
        #expect(missing.problems == ["quarter request.missing_field"])
        let invalid = try #require(throws: DomainError.self) { try TicketArchiveRules.quarter("2026-Q9") }
        #expect(invalid.problems == ["quarter request.invalid_value"])

        let open = try #require(throws: DomainError.self) {
            try TicketArchiveRules.file(q3, today: CalendarDate(year: 2026, month: 9, day: 30), alreadyFiled: false)
        }
        #expect(open.kind == .conflict && open.code == "ticket.archive_quarter_open")
        #expect(try TicketArchiveRules.file(q3, today: CalendarDate(year: 2026, month: 10, day: 1), alreadyFiled: false) == false)
        #expect(try TicketArchiveRules.file(q3, today: CalendarDate(year: 2026, month: 10, day: 10), alreadyFiled: false) == false, "on the 10th is on time")
        #expect(try TicketArchiveRules.file(q3, today: CalendarDate(year: 2026, month: 10, day: 11), alreadyFiled: false) == true)
        let twice = try #require(throws: DomainError.self) {
            try TicketArchiveRules.file(q3, today: CalendarDate(year: 2026, month: 10, day: 5), alreadyFiled: true)
        }
        #expect(twice.kind == .conflict && twice.code == "ticket.archive_already_filed")
    }

    /// Reception compiles the registers, managers receive them, headquarters reads everything;
    /// department staff do not.
    @Test func theRegistersAreForReceptionManagersAndHeadquarters() throws {
        for role in [Role.siteAgent, .siteManager, .regionalManager, .hqAdmin, .hqAnalyst] {
            #expect(TicketRecords.mayRead(role), "\(role)")
        }
        #expect(!TicketRecords.mayRead(.siteStaff))
        let staff = try #require(throws: DomainError.self) { try TicketRecords.authoriseReading(.siteStaff, what: "the archive") }
        #expect(staff.kind == .forbidden && staff.code == "auth.forbidden")
        #expect(TicketRecords.localTime(instant("2026-11-24T02:05:00Z"), in: shanghai) == "2026-11-24 10:05")
    }
}
