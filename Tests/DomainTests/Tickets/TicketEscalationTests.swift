import Domain
import Foundation
import Testing

/// Rulebook 004 第六节 (五)(六) and 第七节 三(一)(六), rulebook 000 篇1 7: complaints about a
/// staff member go to their direct superior; "other" matters are reported to the manager by
/// importance; a serious complaint owes an apology and the site manager's follow-up; a
/// complaint's follow-up is confirmed by the customer.
@Suite("Complaint severity, escalation, apology and follow-up confirmation")
struct TicketEscalationTests {
    static let subject = UUID(uuidString: "00000000-0000-0000-0000-000000000601")!
    static let boss = UUID(uuidString: "00000000-0000-0000-0000-000000000602")!

    static func body(_ fill: (inout TicketActionBody) -> Void) -> TicketActionBody { TicketWorkflowTests.body(fill) }

    /// 如实反映至该工作人员的直上级: at intake or on classification, a complaint naming a staff
    /// member goes to their superior, or to the site manager role when they have none.
    @Test func aComplaintAboutANamedStaffMemberGoesToTheirDirectSuperiorOrElseTheSiteManager() throws {
        let at = instant("2026-11-26T09:00:00+08:00")
        var toBoss = TicketWorkflowTests.ticket(.complaint)
        let detail = TicketEscalation.atIntake(&toBoss, severity: nil, subject: Self.subject, supervisor: Self.boss, at: at)
        #expect(detail == ["reason": "subject_staff", "subjectStaffId": Self.subject.uuidString, "to": Self.boss.uuidString])
        #expect(toBoss.severity == .ordinary && toBoss.subjectStaffId == Self.subject)
        #expect(toBoss.escalatedTo == Self.boss && toBoss.escalatedToRole == nil && toBoss.escalatedAt == at && toBoss.escalationImportance == nil)

        var toManager = TicketWorkflowTests.ticket(.complaint)
        let managerDetail = TicketEscalation.atIntake(&toManager, severity: .serious, subject: Self.subject, supervisor: nil, at: at)
        #expect(managerDetail == ["reason": "subject_staff", "subjectStaffId": Self.subject.uuidString, "toRole": "site_manager"])
        #expect(toManager.severity == .serious && toManager.escalatedTo == nil && toManager.escalatedToRole == .siteManager)

        var unnamed = TicketWorkflowTests.ticket(.complaint)
        let unnamedDetail = TicketEscalation.atIntake(&unnamed, severity: .serious, subject: nil, supervisor: nil, at: at)
        #expect(unnamedDetail == nil, "nobody named: nothing escalated")
        #expect(unnamed.severity == .serious && unnamed.escalatedAt == nil)
        var repair = TicketWorkflowTests.ticket(.repair)
        let repairDetail = TicketEscalation.atIntake(&repair, severity: nil, subject: nil, supervisor: nil, at: at)
        #expect(repairDetail == nil && repair.severity == nil)

        // Classification names the staff member later: the superior the route found is told.
        let dispatched = TicketWorkflowTests.ticket(.complaint, .dispatched, department: TicketWorkflowTests.cleaning)
        let named = try TicketWorkflow.apply(.classify, Self.body { $0.subjectStaffId = Self.subject }, to: dispatched,
                                             .init(now: instant("2026-11-26T11:00:00+08:00"), actor: TicketWorkflowTests.reception, actorStaff: nil,
                                                   subjectSupervisor: Self.boss))
        #expect(named.detail == ["subjectStaffId": Self.subject.uuidString])
        #expect(named.effects == [.escalated(["reason": "subject_staff", "subjectStaffId": Self.subject.uuidString, "to": Self.boss.uuidString])])
        #expect(named.ticket.escalatedTo == Self.boss && named.ticket.escalatedAt == instant("2026-11-26T11:00:00+08:00"))
        #expect(named.ticket.causeClass == nil && named.ticket.status == .dispatched, "the cause may be classed later")
        // Naming the same member again escalates nothing new; the severity alone looks for no repeats.
        let again = try TicketWorkflowTests.apply(.classify, Self.body { $0.subjectStaffId = Self.subject; $0.severity = .serious }, to: named.ticket,
                                                  at: "2026-11-26T12:00:00+08:00")
        #expect(again.effects == [] && again.detail == ["severity": "serious"])
        #expect(again.ticket.severity == .serious && again.ticket.escalatedAt == instant("2026-11-26T11:00:00+08:00"))
        let nothing = try #require(throws: DomainError.self) {
            try TicketWorkflowTests.apply(.classify, Self.body { $0.note = "再看看" }, to: dispatched, at: "2026-11-26T12:00:00+08:00")
        }
        #expect(nothing.problems == ["causeClass request.missing_field"])
        let withCause = try TicketWorkflowTests.apply(.classify, Self.body { $0.causeClass = 1 }, to: dispatched, at: "2026-11-26T12:00:00+08:00")
        #expect(withCause.effects == [] && withCause.ticket.escalatedAt == nil)
    }

    /// 视问题重要程度呈报公司经理: an "other" matter (or a complaint) goes to the site manager
    /// with its importance; other categories are not escalated.
    @Test func otherMattersAndComplaintsAreEscalatedToTheSiteManagerWithTheirImportance() throws {
        let other = TicketWorkflowTests.ticket(.other)
        #expect(other.allowedActions == [.dispatch, .cancel, .feedback, .escalate, .refer])
        func refusal(_ fill: (inout TicketActionBody) -> Void) throws -> [String] {
            let body = Self.body(fill)
            let error = try #require(throws: DomainError.self) { try TicketWorkflowTests.apply(.escalate, body, to: other, at: "2026-11-26T10:00:00+08:00") }
            return error.problems
        }
        #expect(try refusal { $0.importance = .critical } == ["note request.missing_field"])
        #expect(try refusal { $0.note = "施工扰民" } == ["importance request.missing_field"])
        #expect(try refusal { $0.note = "施工扰民"; $0.importance = .critical; $0.causeClass = 1 } == ["causeClass request.unknown_field"])

        let escalated = try TicketWorkflowTests.apply(.escalate, Self.body { $0.note = " 相邻工地夜间施工扰民，涉及整栋楼 "; $0.importance = .critical }, to: other,
                                                      at: "2026-11-26T10:00:00+08:00")
        #expect(escalated.ticket.escalatedToRole == .siteManager && escalated.ticket.escalatedTo == nil)
        #expect(escalated.ticket.escalationImportance == .critical && escalated.ticket.escalatedAt == instant("2026-11-26T10:00:00+08:00"))
        #expect(escalated.detail == ["reason": "escalate", "toRole": "site_manager", "importance": "critical"])
        #expect(escalated.note == "相邻工地夜间施工扰民，涉及整栋楼")
        #expect(escalated.ticket.status == .received && escalated.effects == [], "escalating changes no status")

        // A complaint already with the superior goes on to the manager: the latest escalation shows.
        var complaint = TicketWorkflowTests.ticket(.complaint, .dispatched, department: TicketWorkflowTests.cleaning)
        _ = TicketEscalation.atIntake(&complaint, severity: .ordinary, subject: Self.subject, supervisor: Self.boss, at: instant("2026-11-26T09:00:00+08:00"))
        let onwards = try TicketWorkflowTests.apply(.escalate, Self.body { $0.note = "客户要求向经理反映"; $0.importance = .important }, to: complaint,
                                                    at: "2026-11-26T11:00:00+08:00")
        #expect(onwards.ticket.escalatedTo == nil && onwards.ticket.escalatedToRole == .siteManager && onwards.ticket.escalationImportance == .important)
        #expect(onwards.ticket.subjectStaffId == Self.subject)

        let repair = try #require(throws: DomainError.self) {
            try TicketWorkflowTests.apply(.escalate, Self.body { $0.note = "x"; $0.importance = .routine }, to: TicketWorkflowTests.ticket(.repair),
                                          at: "2026-11-26T10:00:00+08:00")
        }
        #expect(repair.kind == .conflict && repair.code == "ticket.action_not_allowed")
        #expect(TicketWorkflowTests.ticket(.other, .closed).allowedActions == [], "a closed matter is not escalated")
    }

    /// 如投诉情节严重，需通过上门或电话方式进行道歉: a serious complaint is closed only once the
    /// apology visit or call is on record; an ordinary one takes no apology.
    @Test func aSeriousComplaintIsClosedOnlyAfterAnApologyVisitOrCall() throws {
        var serious = TicketWorkflowTests.ticket(.complaint, .followedUp, followUp: TicketFollowUpPlan(followUpClass: .complaint, month: "2026-11", ordinal: 1, sampled: true))
        serious.followedUpAt = instant("2026-11-27T10:00:00+08:00")
        serious.severity = .serious
        serious.refreshDerived(now: instant("2026-11-27T10:00:00+08:00"))
        #expect(serious.allowedActions == [.feedback, .escalate, .apologise], "no close before the apology")

        let early = try #require(throws: DomainError.self) { try TicketWorkflowTests.apply(.close, to: serious, at: "2026-11-27T11:00:00+08:00") }
        #expect(early.kind == .conflict && early.code == "ticket.apology_required")
        #expect(early.problems == ["apology ticket.apology_required"])

        func refusal(_ fill: (inout TicketActionBody) -> Void) throws -> [String] {
            let body = Self.body(fill)
            let error = try #require(throws: DomainError.self) { try TicketWorkflowTests.apply(.apologise, body, to: serious, at: "2026-11-27T11:00:00+08:00") }
            return error.problems
        }
        #expect(try refusal { $0.note = "已致歉" } == ["method request.missing_field"])
        #expect(try refusal { $0.method = "letter" } == ["method request.invalid_value"], "in person or by phone, not by letter")
        #expect(try refusal { $0.method = "visit"; $0.importance = .routine } == ["importance request.unknown_field"])

        let apologised = try TicketWorkflowTests.apply(.apologise, Self.body { $0.method = "visit"; $0.note = " 管理处经理上门致歉 " }, to: serious,
                                                       at: "2026-11-27T11:00:00+08:00")
        #expect(apologised.ticket.apology == TicketApology(method: .visit, note: "管理处经理上门致歉", at: instant("2026-11-27T11:00:00+08:00"),
                                                           recordedBy: TicketWorkflowTests.reception))
        #expect(apologised.detail == ["method": "visit"] && apologised.ticket.status == .followedUp)
        #expect(apologised.ticket.allowedActions == [.close, .feedback, .escalate, .apologise])
        let closed = try TicketWorkflowTests.apply(.close, to: apologised.ticket, at: "2026-11-27T11:05:00+08:00")
        #expect(closed.ticket.status == .closed)

        // An ordinary complaint takes no apology, and closes without one.
        var ordinary = serious
        ordinary.severity = .ordinary
        let notSerious = try #require(throws: DomainError.self) {
            try TicketWorkflowTests.apply(.apologise, Self.body { $0.method = "phone" }, to: ordinary, at: "2026-11-27T11:00:00+08:00")
        }
        #expect(notSerious.code == "ticket.action_not_allowed" && notSerious.message.contains("only a serious complaint"))
        #expect(try TicketWorkflowTests.apply(.close, to: ordinary, at: "2026-11-27T11:05:00+08:00").ticket.status == .closed)
    }

    /// 重大投诉由管理处经理组织进行: the follow-up of a serious complaint takes a manager; an
    /// ordinary complaint's follow-up is reception's as before. Only a manager makes a serious
    /// complaint ordinary again.
    @Test func theSiteManagerOrganisesTheFollowUpOfASeriousComplaint() throws {
        #expect(TicketLifecycle.permission(.followUp, category: .complaint, serious: true) == .manageSite)
        #expect(TicketLifecycle.permission(.followUp, category: .complaint) == .intake)
        #expect(TicketLifecycle.permission(.followUp, category: .repair, serious: true) == .intake)
        let reception = try #require(throws: DomainError.self) {
            try TicketLifecycle.authorise(.followUp, category: .complaint, role: .siteAgent, serious: true)
        }
        #expect(reception.kind == .forbidden && reception.code == "ticket.follow_up_needs_manager")
        for role in [Role.siteManager, .regionalManager, .hqAdmin] {
            #expect(throws: Never.self) { try TicketLifecycle.authorise(.followUp, category: .complaint, role: role, serious: true) }
        }
        #expect(throws: Never.self) { try TicketLifecycle.authorise(.followUp, category: .complaint, role: .siteAgent) }
        #expect(throws: Never.self) { try TicketLifecycle.authorise(.apologise, category: .complaint, role: .siteAgent, serious: true) }

        #expect(throws: Never.self) { try TicketEscalation.authoriseSeverity(from: .ordinary, to: .serious, role: .siteAgent) }
        let downgrade = try #require(throws: DomainError.self) { try TicketEscalation.authoriseSeverity(from: .serious, to: .ordinary, role: .siteAgent) }
        #expect(downgrade.kind == .forbidden && downgrade.code == "ticket.downgrade_needs_manager" && downgrade.problems == ["severity ticket.downgrade_needs_manager"])
        #expect(throws: Never.self) { try TicketEscalation.authoriseSeverity(from: .serious, to: .ordinary, role: .siteManager) }
        #expect(throws: Never.self) { try TicketEscalation.authoriseSeverity(from: .serious, to: .serious, role: .siteAgent) }
    }

    /// 请客户签名确认: a complaint's follow-up records the name of the customer who confirmed it;
    /// for other follow-ups it is optional.
    @Test func aComplaintsFollowUpRecordsTheCustomersConfirmation() throws {
        let verified = TicketWorkflowTests.ticket(.complaint, .verified, followUp: TicketFollowUpPlan(followUpClass: .complaint, month: "2026-11", ordinal: 1, sampled: true))
        func refusal(_ fill: (inout TicketActionBody) -> Void) throws -> [String] {
            let body = Self.body(fill)
            let error = try #require(throws: DomainError.self) { try TicketWorkflowTests.apply(.followUp, body, to: verified, at: "2026-11-27T10:00:00+08:00") }
            return error.problems
        }
        #expect(try refusal { $0.method = "visit"; $0.satisfaction = 5 } == ["confirmedBy ticket.confirmation_required"])
        #expect(try refusal { $0.method = "visit"; $0.satisfaction = 5; $0.confirmedBy = "   " } == ["confirmedBy ticket.confirmation_required"])
        #expect(try refusal { $0.method = "visit"; $0.satisfaction = 5; $0.confirmedBy = String(repeating: "陈", count: 101) } == ["confirmedBy request.too_long"])

        let signed = try TicketWorkflowTests.apply(.followUp, Self.body { $0.method = "visit"; $0.satisfaction = 5; $0.confirmedBy = " 陈女士 " }, to: verified,
                                                   at: "2026-11-27T10:00:00+08:00")
        #expect(signed.ticket.followUpConfirmedBy == "陈女士" && signed.ticket.status == .followedUp)
        #expect(signed.effects == [.followUp(method: "visit", satisfaction: 5, rating: .satisfied, comments: nil)])

        var repair = TicketWorkflowTests.ticket(.repair, .verified, department: TicketWorkflowTests.engineering)
        repair.verifiedAt = instant("2026-11-26T11:00:00+08:00")
        let unsigned = try TicketWorkflowTests.apply(.followUp, Self.body { $0.method = "phone"; $0.satisfaction = 4 }, to: repair, at: "2026-11-27T10:00:00+08:00")
        #expect(unsigned.ticket.followUpConfirmedBy == nil && unsigned.ticket.status == .followedUp, "a repair's follow-up may go unsigned")
    }

    /// Severity and the staff member complained about belong to complaints.
    @Test func onlyAComplaintHasASeverityOrNamesAStaffMember() throws {
        var repair = NewTicket(channel: .phone, category: .repair, description: "灯不亮")
        repair.severity = .serious
        repair.subjectStaffId = Self.subject
        #expect(try TicketIntakeTests.refusal(repair) == ["severity request.not_applicable", "subjectStaffId request.not_applicable"])
        var complaint = NewTicket(channel: .visit, category: .complaint, reporter: TicketReporter(unit: "5-502"), description: "保安态度恶劣", subject: "保安态度")
        complaint.severity = .serious
        complaint.subjectStaffId = Self.subject
        let draft = try TicketIntakeTests.draft(complaint)
        #expect(draft.ticket.severity == .serious && draft.ticket.subjectStaffId == Self.subject)
    }
}
