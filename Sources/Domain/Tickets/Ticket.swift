import Foundation

/// The person who reported a matter.
public struct TicketReporter: Sendable, Codable, Equatable {
    public var name: String?
    public var phone: String?
    /// Room, ward, bed or unit (房号 / 病区床位 / 单元).
    public var unit: String?

    public init(name: String? = nil, phone: String? = nil, unit: String? = nil) {
        self.name = name
        self.phone = phone
        self.unit = unit
    }
}

/// Material used on a repair.
public struct TicketMaterial: Sendable, Codable, Equatable, RequestBody {
    public var item: String
    public var quantity: Decimal
    public var unit: String?
    public var unitCost: Decimal?
    public enum CodingKeys: String, CodingKey, CaseIterable { case item, quantity, unit, unitCost }

    public init(item: String, quantity: Decimal, unit: String? = nil, unitCost: Decimal? = nil) {
        (self.item, self.quantity, self.unit, self.unitCost) = (item, quantity, unit, unitCost)
    }

    public init(from decoder: any Decoder) throws {
        try Self.refuseUnknownFields(decoder)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(item: try container.decode(String.self, forKey: .item), quantity: try container.decode(Decimal.self, forKey: .quantity),
                  unit: try container.decodeIfPresent(String.self, forKey: .unit), unitCost: try container.decodeIfPresent(Decimal.self, forKey: .unitCost))
    }
}

/// The customer's acceptance of a repair (验收签字).
public struct TicketAcceptance: Sendable, Codable, Equatable, RequestBody {
    public var name: String
    public var signedAt: Date
    public enum CodingKeys: String, CodingKey, CaseIterable { case name, signedAt }

    public init(name: String, signedAt: Date) {
        (self.name, self.signedAt) = (name, signedAt)
    }

    public init(from decoder: any Decoder) throws {
        try Self.refuseUnknownFields(decoder)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(name: try container.decode(String.self, forKey: .name), signedAt: try container.decode(Date.self, forKey: .signedAt))
    }
}

/// Where a ticket stands against its deadlines.
public struct TicketDeadlines: Sendable, Codable, Equatable {
    public var feedbackDueAt: Date
    public var firstFeedbackAt: Date?
    /// The reply time promised to the reporter (明确的回复时间), set by `feedback`.
    public var promisedReplyAt: Date?
    /// When the promised reply was given: the next feedback, answer or resolution after the
    /// promise. It was kept when this is at or before `promisedReplyAt`.
    public var replyGivenAt: Date?
    public var resolveDueAt: Date?
    public var followUpDueFrom: Date?
    public var followUpDueAt: Date?
    /// Which deadlines have passed unmet: feedback, reply, resolution, follow_up.
    public var overdue: [String]

    public init(feedbackDueAt: Date, firstFeedbackAt: Date? = nil, promisedReplyAt: Date? = nil, replyGivenAt: Date? = nil, resolveDueAt: Date? = nil,
                followUpDueFrom: Date? = nil, followUpDueAt: Date? = nil, overdue: [String]) {
        self.feedbackDueAt = feedbackDueAt
        self.firstFeedbackAt = firstFeedbackAt
        self.promisedReplyAt = promisedReplyAt
        self.replyGivenAt = replyGivenAt
        self.resolveDueAt = resolveDueAt
        self.followUpDueFrom = followUpDueFrom
        self.followUpDueAt = followUpDueAt
        self.overdue = overdue
    }
}

/// How the ticket fell into, or out of, the follow-up sample.
public struct TicketFollowUpPlan: Sendable, Codable, Equatable {
    public var followUpClass: FollowUpClass
    /// The month (YYYY-MM) of the first resolution, whose count gave the ordinal.
    public var month: String?
    public var ordinal: Int?
    public var sampled: Bool?
    public var explanation: String?

    public init(followUpClass: FollowUpClass, month: String? = nil, ordinal: Int? = nil, sampled: Bool? = nil, explanation: String? = nil) {
        self.followUpClass = followUpClass
        self.month = month
        self.ordinal = ordinal
        self.sampled = sampled
        self.explanation = explanation
    }
}

/// A service ticket (客户接待记录 / 投诉处理单 / 维修单).
public struct Ticket: Sendable, Codable, Equatable {
    public var id: UUID
    public var number: String
    public var channel: TicketChannel
    public var category: TicketCategory
    public var priority: TicketPriority
    public var status: TicketStatus
    public var reporter: TicketReporter
    public var location: String?
    /// The place of the site's register the matter is at (一户一卡), if named.
    public var placeId: UUID? = nil
    /// Repairs: the item of the repair catalogue (维修项目), once known.
    public var repairItemId: UUID? = nil
    /// What the matter is about (a complaint's subject, e.g. 电梯噪音), compared for repeats.
    public var subject: String? = nil
    public var description: String
    /// First-contact owner (首问责任人): the receiving staff member, until closure.
    public var ownerId: UUID
    public var departmentId: UUID?
    public var handlerId: UUID?
    /// The licensed post the work needs (e.g. 电梯司机): handlers must hold its certificates.
    public var requiredPostId: UUID?
    /// Complaints: 1 our service, 2 building quality, 3 external.
    public var causeClass: Int?
    public var receivedAt: Date
    public var deadlines: TicketDeadlines
    public var dispatchedAt: Date?
    public var acknowledgedAt: Date?
    public var startedAt: Date?
    public var resolution: String?
    public var materials: [TicketMaterial]
    public var timeOnSiteMinutes: Int?
    public var acceptance: TicketAcceptance?
    public var resolvedAt: Date?
    public var verifiedAt: Date?
    public var verifiedBy: UUID?
    public var followedUpAt: Date?
    public var closedAt: Date?
    /// When the ticket was cancelled, or a complaint withdrawn.
    public var cancelledAt: Date?
    /// Complaints only, once withdrawn: whether the customer withdrew it in writing (then it is
    /// `cancelled`; otherwise `withdrawn` and still owed its follow-up).
    public var withdrawnInWriting: Bool?
    public var reply: String?
    public var suggestionAdopted: Bool?
    public var followUp: TicketFollowUpPlan?
    public var reopenCount: Int
    public var nonconformityOpen: Bool
    public var repeatOf: UUID?
    public var relatedTicketId: UUID?
    public var appointmentId: UUID?
    public var allowedActions: [TicketAction]
    public var version: Int
    public var createdAt: Date
    public var updatedAt: Date
    /// Where the first receiver referred the matter (首问责任制), and whether they reported back.
    public var referral: TicketReferral?
    /// Repairs: the customer's opinion of the work, written on the repair sheet at completion
    /// (顾客对维修工作意见).
    public var customerOpinion: String?
    /// The site was left clean when the work was returned (工完料净场地清 / 工毕料清); required
    /// for repairs.
    public var siteCleared: Bool?

    // Complaint severity, escalation, apology and follow-up confirmation (set after `init`,
    // see `TicketEscalation`).
    /// Complaints only: ordinary or serious (重大投诉).
    public var severity: ComplaintSeverity?
    /// Complaints only: the staff member complained about.
    public var subjectStaffId: UUID?
    /// The latest escalation: to a staff member (the direct superior of `subjectStaffId`)…
    public var escalatedTo: UUID?
    /// …or to a role (`site_manager`) when nobody is named.
    public var escalatedToRole: Role?
    public var escalatedAt: Date?
    /// Given with the `escalate` action (视问题重要程度).
    public var escalationImportance: EscalationImportance?
    /// Serious complaints: the apology visit or call (上门或电话方式进行道歉).
    public var apology: TicketApology?
    /// The customer's name as they confirmed the latest follow-up (客户签字确认).
    public var followUpConfirmedBy: String?

    public init(id: UUID, number: String, channel: TicketChannel, category: TicketCategory, priority: TicketPriority, status: TicketStatus,
                reporter: TicketReporter, location: String? = nil, description: String, ownerId: UUID, departmentId: UUID? = nil,
                handlerId: UUID? = nil, requiredPostId: UUID? = nil, causeClass: Int? = nil, receivedAt: Date, deadlines: TicketDeadlines,
                dispatchedAt: Date? = nil, acknowledgedAt: Date? = nil, startedAt: Date? = nil, resolution: String? = nil,
                materials: [TicketMaterial], timeOnSiteMinutes: Int? = nil, acceptance: TicketAcceptance? = nil, resolvedAt: Date? = nil,
                verifiedAt: Date? = nil, verifiedBy: UUID? = nil, followedUpAt: Date? = nil, closedAt: Date? = nil, cancelledAt: Date? = nil,
                withdrawnInWriting: Bool? = nil, reply: String? = nil, suggestionAdopted: Bool? = nil, followUp: TicketFollowUpPlan? = nil, reopenCount: Int, nonconformityOpen: Bool,
                repeatOf: UUID? = nil, relatedTicketId: UUID? = nil, appointmentId: UUID? = nil, allowedActions: [TicketAction], version: Int,
                createdAt: Date, updatedAt: Date) {
        self.id = id
        self.number = number
        self.channel = channel
        self.category = category
        self.priority = priority
        self.status = status
        self.reporter = reporter
        self.location = location
        self.description = description
        self.ownerId = ownerId
        self.departmentId = departmentId
        self.handlerId = handlerId
        self.requiredPostId = requiredPostId
        self.causeClass = causeClass
        self.receivedAt = receivedAt
        self.deadlines = deadlines
        self.dispatchedAt = dispatchedAt
        self.acknowledgedAt = acknowledgedAt
        self.startedAt = startedAt
        self.resolution = resolution
        self.materials = materials
        self.timeOnSiteMinutes = timeOnSiteMinutes
        self.acceptance = acceptance
        self.resolvedAt = resolvedAt
        self.verifiedAt = verifiedAt
        self.verifiedBy = verifiedBy
        self.followedUpAt = followedUpAt
        self.closedAt = closedAt
        self.cancelledAt = cancelledAt
        self.withdrawnInWriting = withdrawnInWriting
        self.reply = reply
        self.suggestionAdopted = suggestionAdopted
        self.followUp = followUp
        self.reopenCount = reopenCount
        self.nonconformityOpen = nonconformityOpen
        self.repeatOf = repeatOf
        self.relatedTicketId = relatedTicketId
        self.appointmentId = appointmentId
        self.allowedActions = allowedActions
        self.version = version
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

extension Ticket {
    /// Recomputes what depends on the clock and the state: overdue deadlines and the
    /// actions the ticket allows.
    public mutating func refreshDerived(now: Date) {
        var overdue: [String] = []
        if !status.isTerminal {
            if deadlines.firstFeedbackAt == nil && deadlines.feedbackDueAt < now { overdue.append("feedback") }
            if deadlines.replyGivenAt == nil, let promised = deadlines.promisedReplyAt, promised < now { overdue.append("reply") }
            if resolvedAt == nil, let due = deadlines.resolveDueAt, due < now { overdue.append("resolution") }
            if followUp?.sampled == true && followedUpAt == nil, let due = deadlines.followUpDueAt, due < now { overdue.append("follow_up") }
            if let referral, referral.followedUpAt == nil, referral.feedbackDueAt < now { overdue.append("referral") }
        }
        deadlines.overdue = overdue
        allowedActions = TicketLifecycle.allowed(lifecycleState)
    }

    public var lifecycleState: TicketLifecycle.State {
        TicketLifecycle.State(status: status, category: category, followUpRequired: followUp?.sampled == true, followedUp: followedUpAt != nil,
                              serious: category == .complaint && severity == .serious, apologised: apology != nil,
                              referralFollowedUp: referral?.followedUpAt != nil)
    }
}

public struct NewTicket: RequestBody, Equatable {
    public var channel: TicketChannel
    public var category: TicketCategory
    public var priority: TicketPriority?
    public var reporter: TicketReporter?
    public var location: String?
    public var description: String
    /// The receiving staff member; defaults to the staff record of the signed-in user.
    public var ownerId: UUID?
    public var departmentId: UUID?
    public var causeClass: Int?
    /// When the contact came in, if recorded after the fact (not in the future, at most 7 days back).
    public var receivedAt: Date?
    public var followUpClass: FollowUpClass?
    public var relatedTicketId: UUID?
    public var appointmentId: UUID?
    /// The licensed post the work needs; its handler must hold the post's certificates.
    public var requiredPostId: UUID?
    /// A place of the site's register. Without it, a location or room typed that is exactly a
    /// registered place's name or code names that place.
    public var placeId: UUID?
    /// Repairs: the catalogue item, if known at intake (the handler may name it on dispatch).
    public var repairItemId: UUID?
    /// What the matter is about; required for complaints (同一事项: repeats are counted by it).
    public var subject: String?
    /// Complaints only: ordinary (the default) or serious (重大投诉).
    public var severity: ComplaintSeverity?
    /// Complaints only: the staff member complained about; the complaint goes to their direct superior.
    public var subjectStaffId: UUID?
    public enum CodingKeys: String, CodingKey, CaseIterable {
        case channel, category, priority, reporter, location, description, ownerId, departmentId, causeClass, receivedAt, followUpClass,
             relatedTicketId, appointmentId, requiredPostId, placeId, repairItemId, subject
        case severity, subjectStaffId
    }

    public init(channel: TicketChannel, category: TicketCategory, priority: TicketPriority? = nil, reporter: TicketReporter? = nil,
                location: String? = nil, description: String, ownerId: UUID? = nil, departmentId: UUID? = nil, causeClass: Int? = nil,
                receivedAt: Date? = nil, followUpClass: FollowUpClass? = nil, relatedTicketId: UUID? = nil, appointmentId: UUID? = nil,
                requiredPostId: UUID? = nil, placeId: UUID? = nil, repairItemId: UUID? = nil, subject: String? = nil) {
        self.channel = channel
        self.category = category
        self.priority = priority
        self.reporter = reporter
        self.location = location
        self.description = description
        self.ownerId = ownerId
        self.departmentId = departmentId
        self.causeClass = causeClass
        self.receivedAt = receivedAt
        self.followUpClass = followUpClass
        self.relatedTicketId = relatedTicketId
        self.appointmentId = appointmentId
        self.requiredPostId = requiredPostId
        self.placeId = placeId
        self.repairItemId = repairItemId
        self.subject = subject
    }
}

extension TicketReporter: RequestBody {
    public enum CodingKeys: String, CodingKey, CaseIterable { case name, phone, unit }

    public init(from decoder: any Decoder) throws {
        try Self.refuseUnknownFields(decoder)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(name: try container.decodeIfPresent(String.self, forKey: .name), phone: try container.decodeIfPresent(String.self, forKey: .phone),
                  unit: try container.decodeIfPresent(String.self, forKey: .unit))
    }
}

/// The body of every ticket action; each action reads the fields it needs and refuses the rest.
public struct TicketActionBody: RequestBody, Equatable {
    public var note: String?
    public var departmentId: UUID?
    public var handlerId: UUID?
    public var result: String?
    public var materials: [TicketMaterial]?
    public var timeOnSiteMinutes: Int?
    public var acceptance: TicketAcceptance?
    public var passed: Bool?
    public var method: String?
    public var satisfaction: Int?
    public var rating: SatisfactionRating?
    public var reply: String?
    public var adopted: Bool?
    public var promisedReplyAt: Date?
    public var causeClass: Int?
    public var reason: String?
    public var requiredPostId: UUID?
    /// Cancelling a complaint: the customer withdrew it in writing (default false: the
    /// complaint is still owed its follow-up).
    public var withdrawnInWriting: Bool?
    /// Dispatching a repair: the catalogue item, as the handler names it.
    public var repairItemId: UUID?
    /// Classifying a complaint: what it is about.
    public var subject: String?
    /// `classify`: the complaint's severity.
    public var severity: ComplaintSeverity?
    /// `classify`: the staff member complained about (escalated to their direct superior).
    public var subjectStaffId: UUID?
    /// `escalate`: how important the matter is.
    public var importance: EscalationImportance?
    /// `follow-up`: the customer's name as they confirmed it (客户签字确认); required for complaints.
    public var confirmedBy: String?
    /// `refer`: the window, department or outside body the reporter is told of or led to.
    public var referredTo: String?
    /// `refer`: that body's phone number or address, as given to the reporter.
    public var contact: String?
    /// `resolve`: the customer's opinion of the work (顾客对维修工作意见).
    public var customerOpinion: String?
    /// `resolve`: the site was left clean (工完料净场地清); required, and true, for repairs.
    public var siteCleared: Bool?
    public enum CodingKeys: String, CodingKey, CaseIterable {
        case note, departmentId, handlerId, result, materials, timeOnSiteMinutes, acceptance, passed, method, satisfaction, rating, reply, adopted,
             promisedReplyAt, causeClass, reason, requiredPostId, withdrawnInWriting, repairItemId, subject
        case severity, subjectStaffId, importance, confirmedBy
        case referredTo, contact, customerOpinion, siteCleared
    }

    public init(note: String? = nil) { self.note = note }

    /// The fields each action accepts.
    static func fields(for action: TicketAction) -> Set<CodingKeys> {
        switch action {
        case .dispatch: [.note, .departmentId, .handlerId, .requiredPostId, .repairItemId]
        case .acknowledge, .start: [.note, .handlerId]
        case .resolve: [.note, .result, .materials, .timeOnSiteMinutes, .acceptance, .customerOpinion, .siteCleared]
        case .verify: [.note, .passed]
        case .followUp: [.note, .method, .satisfaction, .rating, .confirmedBy]
        case .close: [.note]
        case .cancel: [.reason, .withdrawnInWriting]
        case .answer: [.reply, .adopted, .note]
        case .feedback: [.note, .promisedReplyAt]
        case .classify: [.causeClass, .subject, .note, .severity, .subjectStaffId]
        case .escalate: [.note, .importance]
        case .apologise: [.method, .note]
        case .refer: [.referredTo, .contact, .note]
        }
    }

    /// Each field and whether the body has it.
    var present: [(CodingKeys, Bool)] {
        var given: [(CodingKeys, Bool)] = [(.note, note != nil), (.departmentId, departmentId != nil), (.handlerId, handlerId != nil), (.result, result != nil),
         (.materials, materials != nil), (.timeOnSiteMinutes, timeOnSiteMinutes != nil), (.acceptance, acceptance != nil),
         (.passed, passed != nil), (.method, method != nil), (.satisfaction, satisfaction != nil), (.rating, rating != nil),
         (.reply, reply != nil), (.adopted, adopted != nil), (.promisedReplyAt, promisedReplyAt != nil),
         (.causeClass, causeClass != nil), (.reason, reason != nil), (.requiredPostId, requiredPostId != nil),
         (.withdrawnInWriting, withdrawnInWriting != nil), (.repairItemId, repairItemId != nil), (.subject, subject != nil)]
        given += [(.severity, severity != nil), (.subjectStaffId, subjectStaffId != nil), (.importance, importance != nil), (.confirmedBy, confirmedBy != nil)]
        given += [(.referredTo, referredTo != nil), (.contact, contact != nil), (.customerOpinion, customerOpinion != nil), (.siteCleared, siteCleared != nil)]
        return given
    }
}

/// One entry of a ticket's append-only timeline.
public struct TicketEvent: Sendable, Codable, Equatable {
    public var seq: Int
    public var at: Date
    public var action: String
    public var fromStatus: TicketStatus?
    public var toStatus: TicketStatus
    public var actorId: UUID?
    public var actorRole: String
    public var note: String?
    public var detail: [String: String]

    public init(seq: Int, at: Date, action: String, fromStatus: TicketStatus? = nil, toStatus: TicketStatus, actorId: UUID? = nil, actorRole: String,
                note: String? = nil, detail: [String: String]) {
        self.seq = seq
        self.at = at
        self.action = action
        self.fromStatus = fromStatus
        self.toStatus = toStatus
        self.actorId = actorId
        self.actorRole = actorRole
        self.note = note
        self.detail = detail
    }
}

public struct TicketFollowUpRecord: Sendable, Codable, Equatable {
    public var id: UUID
    public var at: Date
    public var method: String
    public var satisfaction: Int?
    public var rating: SatisfactionRating
    public var comments: String?
    public var recordedBy: UUID?
    /// The customer's name as they confirmed the follow-up (客户签字确认); set after `init`.
    public var confirmedBy: String?

    public init(id: UUID, at: Date, method: String, satisfaction: Int? = nil, rating: SatisfactionRating, comments: String? = nil,
                recordedBy: UUID? = nil) {
        self.id = id
        self.at = at
        self.method = method
        self.satisfaction = satisfaction
        self.rating = rating
        self.comments = comments
        self.recordedBy = recordedBy
    }
}

/// A non-conformity (不合格项) and its corrective and preventive action.
public struct TicketNonconformity: Sendable, Codable, Equatable {
    public var id: UUID
    public var ticketId: UUID
    public var kind: String
    public var detectedAt: Date
    public var reason: String
    public var matchedTicketIds: [UUID]
    public var cause: String?
    public var action: String?
    public var actionOwnerId: UUID?
    public var dueDate: CalendarDate?
    public var actionRecordedAt: Date?
    public var closedAt: Date?
    public var closedBy: UUID?
    public var version: Int

    public init(id: UUID, ticketId: UUID, kind: String, detectedAt: Date, reason: String, matchedTicketIds: [UUID], cause: String? = nil,
                action: String? = nil, actionOwnerId: UUID? = nil, dueDate: CalendarDate? = nil, actionRecordedAt: Date? = nil, closedAt: Date? = nil,
                closedBy: UUID? = nil, version: Int) {
        self.id = id
        self.ticketId = ticketId
        self.kind = kind
        self.detectedAt = detectedAt
        self.reason = reason
        self.matchedTicketIds = matchedTicketIds
        self.cause = cause
        self.action = action
        self.actionOwnerId = actionOwnerId
        self.dueDate = dueDate
        self.actionRecordedAt = actionRecordedAt
        self.closedAt = closedAt
        self.closedBy = closedBy
        self.version = version
    }
}

public struct CorrectiveAction: RequestBody, Equatable {
    public var cause: String
    public var action: String
    public var ownerId: UUID
    public var dueDate: CalendarDate
    public enum CodingKeys: String, CodingKey, CaseIterable { case cause, action, ownerId, dueDate }

    public init(cause: String, action: String, ownerId: UUID, dueDate: CalendarDate) {
        self.cause = cause
        self.action = action
        self.ownerId = ownerId
        self.dueDate = dueDate
    }
}

/// `GET …/tickets/stats?month=YYYY-MM`.
public struct TicketStatistics: Sendable, Codable, Equatable {
    public struct Rate: Sendable, Codable, Equatable {
        public var numerator: Int
        public var denominator: Int
        /// numerator / denominator, or nil when nothing was due.
        public var rate: Double?

        public init(_ numerator: Int, _ denominator: Int) {
            self.numerator = numerator
            self.denominator = denominator
            self.rate = denominator == 0 ? nil : (Double(numerator) / Double(denominator) * 10_000).rounded() / 10_000
        }
    }

    public struct FollowUpCoverage: Sendable, Codable, Equatable {
        public var followUpClass: FollowUpClass
        public var quota: Double
        public var resolved: Int
        public var required: Int
        public var sampled: Int
        public var followedUp: Int
        /// followedUp / required.
        public var coverage: Double?

        public init(followUpClass: FollowUpClass, quota: Double, resolved: Int, required: Int, sampled: Int, followedUp: Int,
                    coverage: Double? = nil) {
            self.followUpClass = followUpClass
            self.quota = quota
            self.resolved = resolved
            self.required = required
            self.sampled = sampled
            self.followedUp = followedUp
            self.coverage = coverage
        }
    }

    public var month: String
    public var timezone: String
    public var received: Int
    public var byCategory: [String: Int]
    public var byCauseClass: [String: Int]
    public var byDepartment: [String: Int]
    public var byChannel: [String: Int]
    public var onTimeFeedback: Rate
    public var onTimeResolution: Rate
    public var followUp: [FollowUpCoverage]
    public var satisfaction: Rate
    public var repeats: Int
    public var reopened: Int
    /// Complaints received in the month and withdrawn since (in writing or not). They stay in
    /// `received` and the breakdowns.
    public var withdrawn: Int
    /// Withdrawn complaints not withdrawn in writing: followed up / owed a follow-up.
    public var withdrawnFollowUp: Rate
    /// Tickets received in the month with a promised reply time (明确的回复时间).
    public var repliesPromised: Int
    /// Promised replies given by the promised time / those given or due.
    public var onTimeReply: Rate

    public init(month: String, timezone: String, received: Int, byCategory: [String: Int], byCauseClass: [String: Int], byDepartment: [String: Int],
                byChannel: [String: Int], onTimeFeedback: Rate, onTimeResolution: Rate, followUp: [FollowUpCoverage], satisfaction: Rate,
                repeats: Int, reopened: Int, withdrawn: Int = 0, withdrawnFollowUp: Rate = Rate(0, 0), repliesPromised: Int = 0,
                onTimeReply: Rate = Rate(0, 0)) {
        self.month = month
        self.timezone = timezone
        self.received = received
        self.byCategory = byCategory
        self.byCauseClass = byCauseClass
        self.byDepartment = byDepartment
        self.byChannel = byChannel
        self.onTimeFeedback = onTimeFeedback
        self.onTimeResolution = onTimeResolution
        self.followUp = followUp
        self.satisfaction = satisfaction
        self.repeats = repeats
        self.reopened = reopened
        self.withdrawn = withdrawn
        self.withdrawnFollowUp = withdrawnFollowUp
        self.repliesPromised = repliesPromised
        self.onTimeReply = onTimeReply
    }
}
