import Foundation
import Postgres

/// The person who reported a matter.
public struct TicketReporter: Sendable, Codable, Equatable {
    public var name: String?
    public var phone: String?
    /// Room, ward, bed or unit (房号 / 病区床位 / 单元).
    public var unit: String?
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
    public var promisedReplyAt: Date?
    public var resolveDueAt: Date?
    public var followUpDueFrom: Date?
    public var followUpDueAt: Date?
    /// Which deadlines have passed unmet: feedback, resolution, follow_up.
    public var overdue: [String]
}

/// How the ticket fell into, or out of, the follow-up sample.
public struct TicketFollowUpPlan: Sendable, Codable, Equatable {
    public var followUpClass: FollowUpClass
    /// The month (YYYY-MM) of the first resolution, whose count gave the ordinal.
    public var month: String?
    public var ordinal: Int?
    public var sampled: Bool?
    public var explanation: String?
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
    public var cancelledAt: Date?
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
    public enum CodingKeys: String, CodingKey, CaseIterable {
        case channel, category, priority, reporter, location, description, ownerId, departmentId, causeClass, receivedAt, followUpClass,
             relatedTicketId, appointmentId, requiredPostId
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
    public enum CodingKeys: String, CodingKey, CaseIterable {
        case note, departmentId, handlerId, result, materials, timeOnSiteMinutes, acceptance, passed, method, satisfaction, rating, reply, adopted,
             promisedReplyAt, causeClass, reason, requiredPostId
    }

    public init(note: String? = nil) { self.note = note }

    /// The fields each action accepts.
    static func fields(for action: TicketAction) -> Set<CodingKeys> {
        switch action {
        case .dispatch: [.note, .departmentId, .handlerId, .requiredPostId]
        case .acknowledge, .start: [.note, .handlerId]
        case .resolve: [.note, .result, .materials, .timeOnSiteMinutes, .acceptance]
        case .verify: [.note, .passed]
        case .followUp: [.note, .method, .satisfaction, .rating]
        case .close: [.note]
        case .cancel: [.reason]
        case .answer: [.reply, .adopted, .note]
        case .feedback: [.note, .promisedReplyAt]
        case .classify: [.causeClass, .note]
        }
    }

    /// Each field and whether the body has it.
    var present: [(CodingKeys, Bool)] {
        [(.note, note != nil), (.departmentId, departmentId != nil), (.handlerId, handlerId != nil), (.result, result != nil),
         (.materials, materials != nil), (.timeOnSiteMinutes, timeOnSiteMinutes != nil), (.acceptance, acceptance != nil),
         (.passed, passed != nil), (.method, method != nil), (.satisfaction, satisfaction != nil), (.rating, rating != nil),
         (.reply, reply != nil), (.adopted, adopted != nil), (.promisedReplyAt, promisedReplyAt != nil),
         (.causeClass, causeClass != nil), (.reason, reason != nil), (.requiredPostId, requiredPostId != nil)]
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
}

public struct TicketFollowUpRecord: Sendable, Codable, Equatable {
    public var id: UUID
    public var at: Date
    public var method: String
    public var satisfaction: Int?
    public var rating: SatisfactionRating
    public var comments: String?
    public var recordedBy: UUID?
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
}

public struct CorrectiveAction: RequestBody, Equatable {
    public var cause: String
    public var action: String
    public var ownerId: UUID
    public var dueDate: CalendarDate
    public enum CodingKeys: String, CodingKey, CaseIterable { case cause, action, ownerId, dueDate }
}

/// `GET …/tickets/stats?month=YYYY-MM`.
public struct TicketStatistics: Sendable, Codable, Equatable {
    public struct Rate: Sendable, Codable, Equatable {
        public var numerator: Int
        public var denominator: Int
        /// numerator / denominator, or nil when nothing was due.
        public var rate: Double?

        init(_ numerator: Int, _ denominator: Int) {
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
}
