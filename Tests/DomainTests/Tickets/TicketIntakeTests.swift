import Foundation
@testable import Domain  // SiteTemplate.defaultPolicies is internal
import Testing

@Suite("Intake: a new contact's owner, checks, deadlines and follow-up class")
struct TicketIntakeTests {
    static let signedIn = UUID(uuidString: "00000000-0000-0000-0000-000000000501")!
    static let colleague = UUID(uuidString: "00000000-0000-0000-0000-000000000502")!

    /// A hospital as provisioned: the default policies, office hours Monday to Friday
    /// 08:00–17:30 (the default calendar) and the round-the-clock repairs calendar.
    static let office = WorkingCalendar(weekly: Dictionary(uniqueKeysWithValues: (1...5).map {
        ($0, [WorkingCalendar.Interval(opens: 8 * 60, closes: 17 * 60 + 30)])
    }))
    static let repairs = WorkingCalendar(weekly: Dictionary(uniqueKeysWithValues: (1...7).map { ($0, [WorkingCalendar.Interval(opens: 0, closes: 24 * 60)]) }))
    static let policies = Dictionary(uniqueKeysWithValues: SiteTemplate.defaultPolicies.map { ($0.key, $0.json) })
    static let hospital = SiteRules(timeZone: shanghai, policies: policies, calendars: ["office": office, "repairs": repairs], defaultCalendar: "office")

    /// Intake on Thursday 2026-11-26 at 10:00 (Shanghai) unless told otherwise.
    static func draft(_ body: NewTicket, staff: UUID? = TicketIntakeTests.signedIn, now: String = "2026-11-26T10:00:00+08:00",
                      rules: SiteRules = TicketIntakeTests.hospital) throws -> TicketDraft {
        try TicketIntake.draft(body, ownerFallback: staff, now: instant(now), rules: rules)
    }

    static func refusal(_ body: NewTicket, staff: UUID? = TicketIntakeTests.signedIn, now: String = "2026-11-26T10:00:00+08:00") throws -> [String] {
        let error = try #require(throws: DomainError.self) { try Self.draft(body, staff: staff, now: now) }
        return error.problems
    }

    /// A contact; a complaint comes with the reporter's room, which it needs.
    static func contact(_ category: TicketCategory, _ priority: TicketPriority? = nil, receivedAt: String? = nil) -> NewTicket {
        NewTicket(channel: .phone, category: category, priority: priority, reporter: category == .complaint ? TicketReporter(unit: "5-502") : nil,
                  description: "大厅灯不亮", receivedAt: receivedAt.map(instant), subject: category == .complaint ? "大厅照明" : nil)
    }

    /// 及时详细记录客户姓名、房号、电话: a complaint owes feedback and a 100 % follow-up, so it
    /// is recorded with a way back to the customer — name and phone, or a room or place.
    @Test func aComplaintNeedsTheReportersNameAndPhoneOrAPlace() throws {
        func complaint(_ reporter: TicketReporter?, location: String? = nil) -> NewTicket {
            NewTicket(channel: .phone, category: .complaint, reporter: reporter, location: location, description: "走廊太吵", subject: "走廊噪音")
        }
        let anonymous = try #require(throws: DomainError.self) { try Self.draft(complaint(nil)) }
        #expect(anonymous.kind == .invalid && anonymous.code == "ticket.contact_required")
        #expect(anonymous.problems == ["reporter ticket.contact_required"])
        #expect(try Self.refusal(complaint(TicketReporter(name: "陈女士"))) == ["reporter ticket.contact_required"], "a name alone cannot be called back")
        #expect(try Self.refusal(complaint(TicketReporter(phone: "13800001111"))) == ["reporter ticket.contact_required"], "nor a phone without a name")
        #expect(try Self.refusal(complaint(TicketReporter(name: "  ", phone: "13800001111", unit: " "), location: " ")) == ["reporter ticket.contact_required"],
                "blanks are not details")
        #expect(try Self.draft(complaint(TicketReporter(name: "陈女士", phone: "138-0000-1111"))).ticket.reporter?.phone == "13800001111")
        #expect(try Self.draft(complaint(TicketReporter(unit: "3号楼502"))).ticket.reporter?.unit == "3号楼502")
        #expect(try Self.draft(complaint(nil, location: "门诊大厅")).ticket.location == "门诊大厅")
        // Other contacts may be anonymous.
        for category in TicketCategory.allCases where category != .complaint {
            #expect(try Self.draft(NewTicket(channel: .phone, category: category, description: "大厅灯不亮")).ticket.category == category)
        }
        // Alongside another problem the refusal lists both.
        var both = complaint(nil)
        both.causeClass = 4
        let two = try #require(throws: DomainError.self) { try Self.draft(both) }
        #expect(two.code == "request.invalid" && two.problems == ["reporter ticket.contact_required", "causeClass request.invalid_value"])
    }

    @Test func theOwnerIsTheSignedInStaffMemberUnlessAnotherIsNamed() throws {
        #expect(try Self.draft(Self.contact(.inquiry)).owner == Self.signedIn)
        var named = Self.contact(.inquiry)
        named.ownerId = Self.colleague
        #expect(try Self.draft(named).owner == Self.colleague)
        #expect(try Self.draft(named, staff: nil).owner == Self.colleague, "an account without a staff record names the owner")
        #expect(try Self.refusal(Self.contact(.inquiry), staff: nil) == ["ownerId ticket.owner_required"])
    }

    @Test func aContactIsRecordedWithinSevenDaysOfReceiptAndNotInTheFuture() throws {
        #expect(try Self.draft(Self.contact(.inquiry)).receivedAt == instant("2026-11-26T10:00:00+08:00"), "received now when not told")
        #expect(try Self.draft(Self.contact(.inquiry, receivedAt: "2026-11-19T10:00:00+08:00")).receivedAt == instant("2026-11-19T10:00:00+08:00"),
                "exactly 7 days back")
        #expect(try Self.refusal(Self.contact(.inquiry, receivedAt: "2026-11-19T09:59:59+08:00")) == ["receivedAt request.invalid_value"])
        #expect(try Self.draft(Self.contact(.inquiry, receivedAt: "2026-11-26T10:05:00+08:00")).receivedAt == instant("2026-11-26T10:05:00+08:00"),
                "five minutes of clock difference are allowed")
        #expect(try Self.refusal(Self.contact(.inquiry, receivedAt: "2026-11-26T10:05:01+08:00")) == ["receivedAt request.invalid_value"])
    }

    @Test func onlyAComplaintHasACauseClass() throws {
        var repair = Self.contact(.repair)
        repair.causeClass = 1
        #expect(try Self.refusal(repair) == ["causeClass request.not_applicable"])
        var complaint = Self.contact(.complaint)
        complaint.causeClass = 4
        #expect(try Self.refusal(complaint) == ["causeClass request.invalid_value"])
        complaint.causeClass = 0
        #expect(try Self.refusal(complaint) == ["causeClass request.invalid_value"])
        complaint.causeClass = 3
        #expect(try Self.draft(complaint).ticket.causeClass == 3)
    }

    @Test func theFirstFeedbackIsDueTwentyFourClockHoursAfterReceipt() throws {
        #expect(try Self.draft(Self.contact(.complaint)).feedbackDueAt == instant("2026-11-27T10:00:00+08:00"), "Thursday 10:00 → Friday 10:00")
        #expect(try Self.draft(Self.contact(.complaint), now: "2026-11-27T16:00:00+08:00").feedbackDueAt == instant("2026-11-28T16:00:00+08:00"),
                "Friday 16:00 → Saturday 16:00: office hours do not stretch 24 hours (受理后24小时内反馈)")
    }

    @Test(arguments: [
        (TicketPriority.emergency, "2026-11-26T11:00:00+08:00"),  // 60 clock minutes
        (.urgent, "2026-11-27T00:00:00+08:00"),  // the end of the day on the 24×7 calendar: midnight
        (.normal, "2026-11-29T10:00:00+08:00"),  // 3 working days of 24 h on the 24×7 calendar
    ])
    func aRepairIsDueByItsPriorityOnTheRoundTheClockCalendar(priority: TicketPriority, due: String) throws {
        let draft = try Self.draft(Self.contact(.repair, priority))
        #expect(draft.priority == priority)
        #expect(draft.resolveDueAt == instant(due))
    }

    @Test func otherWorkIsDueInWorkingDaysOfOfficeHours() throws {
        // 1 working day is 9.5 h of office time. Thursday 10:00 leaves 7.5 h that day.
        #expect(try Self.draft(Self.contact(.inquiry)).resolveDueAt == instant("2026-11-27T10:00:00+08:00"))
        #expect(try Self.draft(Self.contact(.complaint)).resolveDueAt == instant("2026-12-01T10:00:00+08:00"), "3 working days: Thu, Fri, Mon, Tue")
        #expect(try Self.draft(Self.contact(.issueReport)).resolveDueAt == instant("2026-12-01T10:00:00+08:00"))
        #expect(try Self.draft(Self.contact(.praise)).resolveDueAt == nil)
        #expect(try Self.draft(Self.contact(.suggestion, .urgent)).resolveDueAt == nil)
        // A site without a repairs calendar counts repairs on its office hours.
        let officeOnly = SiteRules(timeZone: shanghai, policies: Self.policies, calendars: ["office": Self.office], defaultCalendar: "office")
        #expect(try Self.draft(Self.contact(.repair), rules: officeOnly).resolveDueAt == instant("2026-12-01T10:00:00+08:00"))
    }

    /// 投诉…100%回访: a complaint cannot be put in a class sampled at less than 100 %.
    @Test func aComplaintIsAlwaysFollowedUpAsAComplaint() throws {
        var complaint = Self.contact(.complaint)
        complaint.followUpClass = .repair
        #expect(try Self.refusal(complaint) == ["followUpClass request.invalid_value"])
        complaint.followUpClass = .complaint
        #expect(try Self.draft(complaint).followUpClass == .complaint)
    }

    @Test func theFollowUpClassFollowsTheCategoryUnlessIntakeSaysOtherwise() throws {
        #expect(try Self.draft(Self.contact(.complaint)).followUpClass == .complaint)
        #expect(try Self.draft(Self.contact(.repair)).followUpClass == .repair)
        for category in [TicketCategory.inquiry, .issueReport, .suggestion, .praise, .other] {
            #expect(try Self.draft(Self.contact(category)).followUpClass == nil, "\(category)")
        }
        var maintenance = Self.contact(.repair)
        maintenance.followUpClass = .maintenance
        #expect(try Self.draft(maintenance).followUpClass == .maintenance)
    }

    @Test func textIsTrimmedAndPhonesKeepTheirDigits() throws {
        let body = NewTicket(channel: .visit, category: .repair, reporter: TicketReporter(name: " 张三 ", phone: " 138-0000 1111 ", unit: "   "),
                             location: " 5号楼 大厅 ", description: "  大厅灯不亮\n")
        let draft = try Self.draft(body)
        #expect(draft.ticket.description == "大厅灯不亮")
        #expect(draft.ticket.location == "5号楼 大厅")
        #expect(draft.ticket.reporter == TicketReporter(name: "张三", phone: "13800001111", unit: nil))
        #expect(draft.locationKey == "5号楼大厅")
        #expect(draft.searchText == "大厅灯不亮 5号楼 大厅 张三")
        #expect(draft.priority == .normal, "a contact without a priority is normal")
        #expect(draft.resolveDueAt == instant("2026-11-29T10:00:00+08:00"))
    }

    @Test func aContactDescribesTheMatterWithinTheLengthLimits() throws {
        #expect(try Self.refusal(NewTicket(channel: .phone, category: .inquiry, description: " \n ")) == ["description request.missing_field"])
        let long = NewTicket(channel: .phone, category: .inquiry,
                             reporter: TicketReporter(name: String(repeating: "名", count: 101), phone: "call me"),
                             location: String(repeating: "楼", count: 201), description: String(repeating: "字", count: 4001))
        #expect(try Self.refusal(long) == [
            "description request.too_long", "location request.too_long", "reporter.name request.too_long", "reporter.phone request.invalid_value",
        ])
        let limits = NewTicket(channel: .phone, category: .inquiry, reporter: TicketReporter(name: String(repeating: "名", count: 100)),
                               location: String(repeating: "楼", count: 200), description: String(repeating: "字", count: 4000))
        #expect(try Self.draft(limits).ticket.description.count == 4000)
    }

    @Test func theNumberYearIsTheSiteYearOfReceipt() throws {
        // 16:30 UTC on New Year's Eve is already 00:30 on 1 January in Shanghai.
        let newYear = Self.contact(.inquiry, receivedAt: "2026-12-31T16:30:00Z")
        #expect(try Self.draft(newYear, now: "2026-12-31T17:00:00Z").year == 2027)
        let oldYear = Self.contact(.inquiry, receivedAt: "2026-12-31T15:50:00Z")
        #expect(try Self.draft(oldYear, now: "2026-12-31T17:00:00Z").year == 2026)
    }
}
