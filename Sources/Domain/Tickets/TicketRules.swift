import Foundation

public enum TicketChannel: String, Sendable, Codable, CaseIterable {
    case visit, phone, letter, online, patrol
}

public enum TicketCategory: String, Sendable, Codable, CaseIterable {
    case inquiry, complaint, repair
    case issueReport = "issue_report"
    case suggestion, praise, other

    /// The follow-up class a ticket of this category falls under unless intake says otherwise.
    var defaultFollowUpClass: FollowUpClass? {
        switch self {
        case .complaint: .complaint
        case .repair: .repair
        default: nil
        }
    }

    /// Categories that may be answered and closed at intake (or, for suggestions, after review).
    var isAnswerable: Bool { self == .inquiry || self == .praise || self == .suggestion }
}

public enum TicketPriority: String, Sendable, Codable, CaseIterable {
    case emergency, urgent, normal
}

public enum TicketStatus: String, Sendable, Codable, CaseIterable {
    case received, dispatched, acknowledged
    case inProgress = "in_progress"
    case resolved, verified
    case followedUp = "followed_up"
    /// A complaint the customer withdrew without putting it in writing: no more work, but
    /// still owed its feedback and its follow-up (回访), after which it is closed.
    case withdrawn
    case closed, cancelled

    public var isTerminal: Bool { self == .closed || self == .cancelled }
}

/// The follow-up (回访) policy classes of DOMAIN.md's quota table.
public enum FollowUpClass: String, Sendable, Codable, CaseIterable {
    case complaint, repair, maintenance
    case patientRescue = "patient_rescue"
    case activity
}

/// What a customer said on a follow-up: a 1–5 score or the three words the paper forms use.
public enum SatisfactionRating: String, Sendable, Codable, CaseIterable {
    case satisfied
    case basicallySatisfied = "basically_satisfied"
    case unsatisfied

    /// 4–5 satisfied, 3 basically satisfied, 1–2 unsatisfied.
    public init?(score: Int) {
        switch score {
        case 4...5: self = .satisfied
        case 3: self = .basicallySatisfied
        case 1...2: self = .unsatisfied
        default: return nil
        }
    }

    /// Counts towards the satisfaction rate (满意率 = satisfied + basically satisfied).
    public var isSatisfied: Bool { self != .unsatisfied }
}

/// The explicit actions on a ticket (`POST …/tickets/{id}/{action}`).
public enum TicketAction: String, Sendable, Codable, CaseIterable {
    case dispatch, acknowledge, start, resolve, verify
    case followUp = "follow-up"
    case close, cancel, answer, feedback, classify
    /// To the site manager, with an importance: "other" matters (视问题重要程度呈报公司经理) and complaints.
    case escalate
    /// The apology visit or call a serious complaint owes (如投诉情节严重，需通过上门或电话方式进行道歉).
    case apologise
    /// The first receiver refers the matter to the right window, department or outside body
    /// (首问责任制); the owner then reports back to the reporter with `feedback`.
    case refer

    /// Who may take the action: reception and managers run intake and quality control;
    /// department staff sign for, work on and return what was dispatched to them.
    public var isDepartmentWork: Bool { self == .acknowledge || self == .start || self == .resolve }

    /// What a role needs for the action on any ticket; `TicketLifecycle.permission` adds a
    /// category's own rule.
    public var permission: Permission { isDepartmentWork ? .departmentWork : .intake }
}

/// The ticket lifecycle as a pure state machine:
/// `received → dispatched → acknowledged → in_progress → resolved → verified → followed_up → closed`,
/// plus `cancelled`, answering at intake, and reopening to `dispatched`. A complaint withdrawn
/// by the customer without writing goes to `withdrawn` (follow-up, then close) instead of
/// `cancelled`.
public enum TicketLifecycle {
    /// The facts about a ticket that decide which actions fit.
    public struct State: Sendable, Equatable {
        public var status: TicketStatus
        public var category: TicketCategory
        public var followUpRequired: Bool
        public var followedUp: Bool
        /// A serious complaint (重大投诉).
        public var serious: Bool
        /// An apology visit or call is on record.
        public var apologised: Bool
        /// The matter was referred elsewhere and the owner has reported back to the reporter.
        public var referralFollowedUp: Bool

        public init(status: TicketStatus, category: TicketCategory, followUpRequired: Bool, followedUp: Bool, serious: Bool = false, apologised: Bool = false,
                    referralFollowedUp: Bool = false) {
            self.status = status
            self.category = category
            self.followUpRequired = followUpRequired
            self.followedUp = followedUp
            self.serious = serious
            self.apologised = apologised
            self.referralFollowedUp = referralFollowedUp
        }

        /// A serious complaint is not closed before its apology is recorded.
        public var owesApology: Bool { category == .complaint && serious && !apologised }
    }

    /// Actions that fit the state, in lifecycle order.
    public static func allowed(_ state: State) -> [TicketAction] {
        let isOpen = !state.status.isTerminal
        let beforeVerification: Set<TicketStatus> = [.received, .dispatched, .acknowledged, .inProgress, .resolved]
        let working: Set<TicketStatus> = [.received, .dispatched, .acknowledged, .inProgress]
        return TicketAction.allCases.filter { action in
            switch action {
            case .dispatch: [.received, .dispatched, .acknowledged].contains(state.status) && state.category != .praise
            case .acknowledge: state.status == .dispatched
            case .start: state.status == .acknowledged
            case .resolve: state.status == .inProgress
            case .verify: state.status == .resolved
            case .followUp: state.status == .verified || state.status == .withdrawn
            // A suggestion is closed by its answer, which tells the reporter whether it was adopted;
            // a matter referred elsewhere (not a complaint) closes once the owner has reported back;
            // a serious complaint closes only after its apology.
            case .close:
                state.category != .suggestion && !state.owesApology
                    && (state.status == .followedUp || (state.status == .verified && !(state.followUpRequired && !state.followedUp))
                        || (state.status == .received && state.referralFollowedUp && state.category != .complaint))
            case .cancel: working.contains(state.status)
            case .answer:
                state.category == .suggestion ? isOpen && state.status != .withdrawn : (state.category.isAnswerable && state.status == .received)
            case .feedback: isOpen
            case .classify: state.category == .complaint && beforeVerification.contains(state.status)
            case .escalate: isOpen && (state.category == .other || state.category == .complaint)
            case .apologise: isOpen && state.category == .complaint && state.serious
            case .refer: state.status == .received && state.category != .praise
            }
        }
    }

    /// Who may take `action` on a ticket of `category`. Withdrawing a complaint takes the site
    /// manager: a complaint owes feedback and a 100 % follow-up, so reception cannot make one
    /// disappear. The follow-up of a serious complaint is organised by the site manager
    /// (重大投诉由管理处经理组织进行): it takes a manager too.
    public static func permission(_ action: TicketAction, category: TicketCategory, serious: Bool = false) -> Permission {
        if action == .cancel && category == .complaint { return .manageSite }
        if action == .followUp && category == .complaint && serious { return .manageSite }
        return action.permission
    }

    /// 403 `ticket.withdrawal_needs_manager` (or `ticket.follow_up_needs_manager` for a serious
    /// complaint's follow-up) when `role` may not take `action` on a ticket of `category`.
    public static func authorise(_ action: TicketAction, category: TicketCategory, role: Role, serious: Bool = false) throws {
        let needed = permission(action, category: category, serious: serious)
        guard !role.may(needed) else { return }
        if needed == .manageSite && action == .followUp {
            throw DomainError(.forbidden, code: "ticket.follow_up_needs_manager",
                              message: "the follow-up (回访) of a serious complaint (重大投诉) is organised by the site manager (重大投诉由管理处经理组织进行)",
                              fieldErrors: [.init(field: "action", code: "ticket.follow_up_needs_manager", message: "ask a site manager")])
        }
        if needed == .manageSite {
            throw DomainError(.forbidden, code: "ticket.withdrawal_needs_manager",
                              message: "withdrawing a complaint takes the site manager: it still owes feedback and its follow-up (回访)",
                              fieldErrors: [.init(field: "action", code: "ticket.withdrawal_needs_manager", message: "ask a site manager")])
        }
        throw DomainError(.forbidden, code: "auth.forbidden", message: "the \(role.rawValue) role may not take '\(action.rawValue)'")
    }

    /// 409 `ticket.action_not_allowed` listing what the ticket does allow.
    public static func check(_ action: TicketAction, _ state: State) throws {
        let allowed = allowed(state)
        guard allowed.contains(action) else {
            var apologised = state
            apologised.apologised = true
            if action == .close && state.owesApology && Self.allowed(apologised).contains(.close) {
                throw DomainError(.conflict, code: "ticket.apology_required",
                                  message: "a serious complaint (重大投诉) is closed only after the apology visit or call is recorded with 'apologise'",
                                  fieldErrors: [.init(field: "apology", code: "ticket.apology_required", message: "record the apology first")])
            }
            var detail = "a \(state.status.rawValue) \(state.category.rawValue) ticket cannot take '\(action.rawValue)'"
            if action == .close && state.status == .verified { detail += ": it was sampled for a follow-up (回访), which must be recorded first" }
            if action == .apologise && state.category == .complaint && !state.serious && !state.status.isTerminal {
                detail += ": only a serious complaint (重大投诉) takes an apology visit or call"
            }
            detail += allowed.isEmpty ? "; it takes no more actions" : "; allowed: \(allowed.map(\.rawValue).joined(separator: ", "))"
            throw DomainError(.conflict, code: "ticket.action_not_allowed", message: detail,
                              fieldErrors: allowed.map { .init(field: "action", code: "ticket.allowed_action", message: $0.rawValue) })
        }
    }
}

/// A site's ticket policies (`site_policies` rows `tickets.*`), with DOMAIN.md's defaults
/// for anything missing.
public struct TicketPolicy: Sendable, Equatable {
    /// How long work may take.
    public enum Target: Sendable, Equatable {
        /// Clock minutes from receipt ("at once": emergency repairs).
        case minutes(Int)
        /// By the end of the working day (the next one when received after hours).
        case sameDay
        /// Working days of opening time on the calendar.
        case workingDays(Int)
    }

    public struct FollowUpRule: Sendable, Equatable {
        /// Share to follow up, in thousandths (300 = 30%).
        public var perMille: Int
        /// The window after resolution, in days.
        public var fromDays: Int
        public var toDays: Int

        public init(perMille: Int, fromDays: Int, toDays: Int) {
            self.perMille = perMille
            self.fromDays = fromDays
            self.toDays = toDays
        }
    }

    public struct RepeatRule: Sendable, Equatable {
        public var windowDays: Int
        public var complaintThreshold: Int
        public var repairThreshold: Int

        public init(windowDays: Int, complaintThreshold: Int, repairThreshold: Int) {
            self.windowDays = windowDays
            self.complaintThreshold = complaintThreshold
            self.repairThreshold = repairThreshold
        }
    }

    /// Feedback to the reporter within this many clock hours of receipt (受理后24小时内反馈).
    public var firstFeedbackHours: Int
    /// A problem found on follow-up goes back to repair with a deadline this many clock hours
    /// away (回访中发现的问题，24小时内书面通知维修人员整改).
    public var followUpProblemRepairHours: Int
    /// Category → priority → target; a category-wide target is stored under every priority.
    public var targets: [TicketCategory: [TicketPriority: Target]]
    public var followUp: [FollowUpClass: FollowUpRule]
    public var repeats: RepeatRule

    public static let defaults = TicketPolicy(policies: [:])

    /// Reads the policy JSON values by key; malformed or missing entries keep the defaults.
    public init(policies: [String: String]) {
        func json(_ key: String) -> Any? {
            policies[key].flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8), options: [.fragmentsAllowed]) }
        }
        firstFeedbackHours = Self.integer(json("tickets.first_feedback_hours")).flatMap { $0 > 0 ? $0 : nil } ?? 24
        followUpProblemRepairHours = Self.integer(json("tickets.follow_up_problem_repair_hours")).flatMap { $0 > 0 ? $0 : nil } ?? 24

        // A site's entry wins priority by priority; what it leaves out or gets wrong falls
        // back to the default for that category and priority.
        let siteTargets = json("tickets.resolution_targets") as? [String: Any] ?? [:]
        var targets: [TicketCategory: [TicketPriority: Target]] = [:]
        for category in TicketCategory.allCases {
            let site = siteTargets[category.rawValue] as? [String: Any]
            let fallback = Self.defaultTargets[category.rawValue] as? [String: Any]
            var byPriority: [TicketPriority: Target] = [:]
            for priority in TicketPriority.allCases {
                byPriority[priority] = site.flatMap { ($0[priority.rawValue] as? [String: Any]).flatMap(Self.target) ?? Self.target($0) }
                    ?? fallback.flatMap { ($0[priority.rawValue] as? [String: Any]).flatMap(Self.target) ?? Self.target($0) }
            }
            targets[category] = byPriority.isEmpty ? nil : byPriority
        }
        self.targets = targets

        let siteFollowUp = json("tickets.follow_up") as? [String: Any] ?? [:]
        var followUp: [FollowUpClass: FollowUpRule] = [:]
        for kind in FollowUpClass.allCases {
            followUp[kind] = (siteFollowUp[kind.rawValue] as? [String: Any]).flatMap(Self.followUpRule)
                ?? (Self.defaultFollowUp[kind.rawValue] as? [String: Any]).flatMap(Self.followUpRule)
        }
        self.followUp = followUp

        let repeatJSON = json("tickets.repeat") as? [String: Any] ?? [:]
        repeats = RepeatRule(windowDays: Self.integer(repeatJSON["windowDays"]).flatMap { $0 > 0 ? $0 : nil } ?? 90,
                             complaintThreshold: Self.integer(repeatJSON["complaintThreshold"]).flatMap { $0 > 1 ? $0 : nil } ?? 2,
                             repairThreshold: Self.integer(repeatJSON["repairThreshold"]).flatMap { $0 > 1 ? $0 : nil } ?? 3)
    }

    static func target(_ entry: [String: Any]) -> Target? {
        if let minutes = integer(entry["minutes"]), minutes > 0 { return .minutes(minutes) }
        if entry["sameDay"] as? Bool == true { return .sameDay }
        if let days = integer(entry["workingDays"]), days > 0 { return .workingDays(days) }
        return nil
    }

    static func followUpRule(_ entry: [String: Any]) -> FollowUpRule? {
        guard let share = number(entry["share"]), (0...1).contains(share) else { return nil }
        let to = integer(entry["withinDays"]) ?? integer(entry["toDays"]) ?? 3
        let from = integer(entry["fromDays"]) ?? 0
        guard to > 0, from >= 0, from <= to else { return nil }
        return FollowUpRule(perMille: Int((share * 1000).rounded()), fromDays: from, toDays: to)
    }

    /// A whole number from JSON (which may arrive as Int, Double or NSNumber).
    static func integer(_ value: Any?) -> Int? {
        guard let number = number(value), number == number.rounded(), abs(number) < 1e9 else { return nil }
        return Int(number)
    }

    static func number(_ value: Any?) -> Double? {
        switch value {
        case let value as Int: return Double(value)
        case let value as Double: return value
        case let value as NSNumber: return value.doubleValue
        default: return nil
        }
    }

    static var defaultTargets: [String: Any] { [
        "repair": ["emergency": ["minutes": 60], "urgent": ["sameDay": true], "normal": ["workingDays": 3]],
        "complaint": ["workingDays": 3], "inquiry": ["workingDays": 1], "issue_report": ["workingDays": 3], "other": ["workingDays": 3],
    ] }
    static var defaultFollowUp: [String: Any] { [
        "complaint": ["share": 1.0, "withinDays": 3], "repair": ["share": 0.3, "withinDays": 3],
        "maintenance": ["share": 0.3, "fromDays": 30, "toDays": 60], "patient_rescue": ["share": 1.0, "withinDays": 7],
        "activity": ["share": 0.3, "withinDays": 30],
    ] }
}

/// The time rules of tickets, on the site's working calendar and timezone.
public enum TicketClock {
    /// First feedback to the reporter: 24 clock hours after receipt, whatever the office
    /// hours (受理后24小时内反馈) — a Friday 16:00 complaint is owed feedback by Saturday 16:00.
    public static func feedbackDue(receivedAt: Date, policy: TicketPolicy) -> Date {
        receivedAt.addingTimeInterval(Double(policy.firstFeedbackHours) * 3600)
    }

    /// When the owner reports back to the reporter after referring the matter elsewhere: the
    /// first-feedback hours (24) from the referral (及时向服务对象反馈).
    public static func referralFeedbackDue(at referredAt: Date, policy: TicketPolicy) -> Date {
        referredAt.addingTimeInterval(Double(policy.firstFeedbackHours) * 3600)
    }

    /// The repair deadline of a problem found on follow-up, in clock hours from the follow-up.
    public static func followUpProblemRepairDue(at now: Date, policy: TicketPolicy) -> Date {
        now.addingTimeInterval(Double(policy.followUpProblemRepairHours) * 3600)
    }

    /// When the work should be resolved, or nil when the category has no target (praise,
    /// suggestions).
    ///
    /// A repair that names a catalogue item is due no later than its scale allows (small: the
    /// same working day; large: three working days), unless it is done by appointment (预约除外).
    public static func resolveDue(
        receivedAt: Date, category: TicketCategory, priority: TicketPriority, policy: TicketPolicy, calendar: WorkingCalendar, timeZone: TimeZone,
        repairScale: RepairScale? = nil, byAppointment: Bool = false
    ) -> Date? {
        let byPriority = policy.targets[category]?[priority].flatMap { due($0, from: receivedAt, calendar: calendar, timeZone: timeZone) }
        guard category == .repair, let repairScale, !byAppointment,
              let byScale = due(repairScale.target, from: receivedAt, calendar: calendar, timeZone: timeZone) else { return byPriority }
        return byPriority.map { min($0, byScale) } ?? byScale
    }

    static func due(_ target: TicketPolicy.Target, from receivedAt: Date, calendar: WorkingCalendar, timeZone: TimeZone) -> Date? {
        switch target {
        case .minutes(let minutes):
            return receivedAt.addingTimeInterval(Double(minutes) * 60)
        case .sameDay:
            return calendar.endOfWorkingDay(from: receivedAt, in: timeZone)
        case .workingDays(let days):
            return calendar.adding(workingMinutes: days * max(calendar.usualDayMinutes, 1), to: receivedAt, in: timeZone)
        }
    }
}

/// Follow-up sampling: deterministic, auditable and exact over a month.
///
/// Resolutions of one follow-up class are numbered per site and month (1, 2, 3, …). The n-th
/// is sampled when ⌈n·share⌉ > ⌈(n−1)·share⌉, so after N resolutions exactly ⌈N·share⌉ are
/// sampled — never below the quota, and the same ticket is always in or out.
public enum FollowUpSampling {
    public static func isSampled(ordinal: Int, perMille: Int) -> Bool {
        guard ordinal > 0 else { return false }
        return ceilThousandths(ordinal * perMille) > ceilThousandths((ordinal - 1) * perMille)
    }

    /// How many of `resolved` resolutions the quota asks to follow up.
    public static func required(resolved: Int, perMille: Int) -> Int {
        ceilThousandths(resolved * perMille)
    }

    static func ceilThousandths(_ value: Int) -> Int { (value + 999) / 1000 }

    /// Why a ticket is or is not in the sample, in words an auditor can check.
    public static func explanation(ordinal: Int, perMille: Int, kind: FollowUpClass, month: String) -> String {
        let sampled = isSampled(ordinal: ordinal, perMille: perMille)
        return "resolution #\(ordinal) of \(kind.rawValue) in \(month); quota \(perMille / 10)%: ⌈\(ordinal)×\(Double(perMille) / 1000)⌉ = \(ceilThousandths(ordinal * perMille)), "
            + "⌈\(ordinal - 1)×\(Double(perMille) / 1000)⌉ = \(ceilThousandths((ordinal - 1) * perMille)) → \(sampled ? "sampled" : "not sampled")"
    }
}

/// Repeat detection (不合格项, rulebook 004 (八): 连续就同一事项投诉两次以上、同一种维修三次以上).
///
/// Repeats are about the same matter, not merely the same caller:
/// - complaints: the same subject from the same reporter (phone) or about the same place;
/// - repairs: the same catalogue item at the same place.
/// A place is a place of the register (`placeId`); a ticket that names none is compared by its
/// free-text location (or the reporter's room or unit), normalised by `MatchKey`.
public enum RepeatRule {
    /// How many tickets including this one make a non-conformity, or nil when the category
    /// is not watched.
    public static func threshold(_ category: TicketCategory, policy: TicketPolicy) -> Int? {
        switch category {
        case .complaint: policy.repeats.complaintThreshold
        case .repair: policy.repeats.repairThreshold
        default: nil
        }
    }

    /// What two tickets must share to be the same matter.
    public struct Matter: Sendable, Equatable {
        public var category: TicketCategory
        /// Complaints: the subject, as `MatchKey` compares it.
        public var subjectKey: String?
        /// Repairs: the catalogue item.
        public var repairItemId: UUID?
        public var placeId: UUID?
        /// The free-text place, when the ticket names no place of the register.
        public var locationKey: String?
        /// Complaints: the reporter's phone, digits only.
        public var phone: String?
    }

    /// The matter of a ticket, or nil when it is not compared: a category that is not watched,
    /// a complaint without a subject, a repair without an item, or nothing to compare it by.
    public static func matter(category: TicketCategory, subject: String?, repairItemId: UUID?, placeId: UUID?, locationKey: String?,
                              phone: String?) -> Matter? {
        let locationKey = placeId == nil ? locationKey : nil
        switch category {
        case .complaint:
            guard let subjectKey = MatchKey.of(subject), placeId != nil || locationKey != nil || phone != nil else { return nil }
            return Matter(category: category, subjectKey: subjectKey, placeId: placeId, locationKey: locationKey, phone: phone)
        case .repair:
            guard let repairItemId, placeId != nil || locationKey != nil else { return nil }
            return Matter(category: category, repairItemId: repairItemId, placeId: placeId, locationKey: locationKey)
        default:
            return nil
        }
    }

    /// The matter of a recorded ticket.
    public static func matter(of ticket: Ticket) -> Matter? {
        matter(category: ticket.category, subject: ticket.subject, repairItemId: ticket.repairItemId, placeId: ticket.placeId,
               locationKey: locationKey(ticket.location ?? ticket.reporter.unit), phone: ticket.reporter.phone)
    }

    /// A free-text place as compared (see `MatchKey`).
    public static func locationKey(_ location: String?) -> String? {
        MatchKey.of(location)
    }

    /// A phone number as compared: digits only, so "138 0000 0000" and "13800000000" match.
    public static func phoneKey(_ phone: String?) -> String? {
        guard let phone else { return nil }
        let digits = phone.filter(\.isNumber)
        return digits.count >= 5 ? digits : nil
    }
}
