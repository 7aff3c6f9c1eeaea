import Foundation

/// How serious a complaint is: 一般投诉 (ordinary) or 重大投诉 (serious). Set at intake (ordinary
/// unless said otherwise) and changed with `classify`. A serious complaint owes an apology visit
/// or call before it is closed, and its follow-up is organised by the site manager.
public enum ComplaintSeverity: String, Sendable, Codable, CaseIterable {
    case ordinary, serious
}

/// How important a matter escalated to the site manager is (视问题重要程度呈报公司经理).
public enum EscalationImportance: String, Sendable, Codable, CaseIterable {
    case routine, important, critical
}

/// How the apology for a serious complaint was made (通过上门或电话方式进行道歉).
public enum ApologyMethod: String, Sendable, Codable, CaseIterable {
    case visit, phone
}

/// The apology recorded on a serious complaint.
public struct TicketApology: Sendable, Codable, Equatable {
    public var method: ApologyMethod
    public var note: String?
    public var at: Date
    /// The signed-in user who recorded it.
    public var recordedBy: UUID?

    public init(method: ApologyMethod, note: String? = nil, at: Date, recordedBy: UUID? = nil) {
        self.method = method
        self.note = note
        self.at = at
        self.recordedBy = recordedBy
    }
}

/// Escalation of tickets, and who may decide a complaint's severity.
///
/// - A complaint about a named staff member (`subjectStaffId`) goes to that member's direct
///   superior (如实反映至该工作人员的直上级): `escalatedTo` is the superior's staff id. A member
///   with no active superior on record escalates to the site manager role instead
///   (`escalatedToRole: site_manager`, `escalatedTo` empty).
/// - An "other" matter, or a complaint the customer asks to take to the management (客户要求向
///   领导直接反映情况的…应予以配合), is escalated to the site manager role with the `escalate`
///   action and its importance (视问题重要程度呈报公司经理).
///
/// The ticket shows the latest escalation; each one is a line of the timeline (`escalate`).
public enum TicketEscalation {
    /// The role an escalation goes to when no staff member is named.
    public static let managerRole = Role.siteManager

    /// Escalates a complaint about `subject` to their direct superior, or to the site manager
    /// role when they have none (`supervisor` is the subject's active superior, if any). Returns
    /// the detail of the `escalate` timeline line.
    public static func toSuperior(_ ticket: inout Ticket, subject: UUID, supervisor: UUID?, at now: Date) -> [String: String] {
        ticket.subjectStaffId = subject
        ticket.escalatedAt = now
        ticket.escalatedTo = supervisor
        ticket.escalatedToRole = supervisor == nil ? managerRole : nil
        ticket.escalationImportance = nil
        var detail = ["reason": "subject_staff", "subjectStaffId": subject.uuidString]
        if let supervisor {
            detail["to"] = supervisor.uuidString
        } else {
            detail["toRole"] = managerRole.rawValue
        }
        return detail
    }

    /// Escalates the ticket to the site manager role with the importance given. Returns the
    /// detail of its timeline line.
    public static func toManager(_ ticket: inout Ticket, importance: EscalationImportance, at now: Date) -> [String: String] {
        ticket.escalatedAt = now
        ticket.escalatedTo = nil
        ticket.escalatedToRole = managerRole
        ticket.escalationImportance = importance
        return ["reason": "escalate", "toRole": managerRole.rawValue, "importance": importance.rawValue]
    }

    /// What intake records on a new complaint: its severity (ordinary unless given) and, when it
    /// names the staff member complained about, the escalation to their superior. Returns the
    /// detail of the `escalate` timeline line, or nil when nothing is escalated. Other categories
    /// take neither (`TicketIntake.draft` refuses them).
    public static func atIntake(_ ticket: inout Ticket, severity: ComplaintSeverity?, subject: UUID?, supervisor: UUID?, at now: Date) -> [String: String]? {
        guard ticket.category == .complaint else { return nil }
        ticket.severity = severity ?? .ordinary
        guard let subject else { return nil }
        return toSuperior(&ticket, subject: subject, supervisor: supervisor, at: now)
    }

    /// A serious complaint is downgraded to ordinary only by a manager: otherwise reception
    /// could lift the site manager's own follow-up and the apology (403
    /// `ticket.downgrade_needs_manager`). Anyone who may classify may raise the severity.
    public static func authoriseSeverity(from current: ComplaintSeverity?, to new: ComplaintSeverity?, role: Role) throws {
        guard current == .serious, new == .ordinary, !role.may(.manageSite) else { return }
        throw DomainError(.forbidden, code: "ticket.downgrade_needs_manager",
                          message: "a serious complaint (重大投诉) is made ordinary only by a site manager",
                          fieldErrors: [.init(field: "severity", code: "ticket.downgrade_needs_manager", message: "ask a site manager")])
    }
}
