import Foundation

/// Platform data an item can be computed from, for one staff member over the cycle's days.
public enum AssessmentMetric: String, Sendable, Codable, CaseIterable {
    /// Tickets the member resolved as handler; full marks at `target`.
    case ticketsResolved = "tickets_resolved"
    /// Share of those resolved by their target time.
    case onTimeResolutionRate = "on_time_resolution_rate"
    /// Share of follow-ups on the member's tickets that were satisfied or basically satisfied.
    case followUpSatisfactionRate = "follow_up_satisfaction_rate"
    /// Complaints of cause class 1 (our service) against tickets the member handled; `target` points off each.
    case complaintsUpheld = "complaints_upheld"
    /// The member's home visits cancelled by the center with less notice than the rule; `target` points off each.
    case lateCancellations = "late_cancellations"
    /// Retired: a no-show is the applicant's doing (视为申请人主动放弃), never the staff member's.
    /// New templates may not use it (422 `assessment.metric_not_the_staffs`); an item of a template
    /// saved before earns full marks whatever the no-shows, and the score says so.
    case noShows = "no_shows"

    /// Whether the metric measures the staff member's own work. A no-show does not: the
    /// applicant gave the booking up.
    public var countsAgainstStaff: Bool { self != .noShows }
}

public struct AssessmentItem: Sendable, Codable, Equatable {
    public var dimension: AssessmentDimension
    public var name: String
    public var weight: Decimal
    /// The top of the item's scale (e.g. 5 or 100); a score is 0 … scaleMax.
    public var scaleMax: Decimal
    /// Computed from platform data instead of scored by hand.
    public var metric: AssessmentMetric?
    /// For counts: the count that earns full marks (tickets_resolved) or the points off per event.
    public var target: Decimal?

    public init(dimension: AssessmentDimension, name: String, weight: Decimal, scaleMax: Decimal, metric: AssessmentMetric? = nil, target: Decimal? = nil) {
        self.dimension = dimension
        self.name = name
        self.weight = weight
        self.scaleMax = scaleMax
        self.metric = metric
        self.target = target
    }
}

extension AssessmentItem: RequestBody {
    public enum CodingKeys: String, CodingKey, CaseIterable { case dimension, name, weight, scaleMax, metric, target }

    public init(from decoder: any Decoder) throws {
        try Self.refuseUnknownFields(decoder)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(dimension: try container.decode(AssessmentDimension.self, forKey: .dimension), name: try container.decode(String.self, forKey: .name),
                  weight: try container.decode(Decimal.self, forKey: .weight), scaleMax: try container.decode(Decimal.self, forKey: .scaleMax),
                  metric: try container.decodeIfPresent(AssessmentMetric.self, forKey: .metric), target: try container.decodeIfPresent(Decimal.self, forKey: .target))
    }
}

/// An assessment template (考核表) over conduct 德, ability 能, diligence 勤 and results 绩.
public struct AssessmentTemplate: Sendable, Codable, Equatable {
    public var id: UUID
    public var code: String
    public var name: String
    /// `regular`, or `probation` for reviews of staff on probation.
    public var kind: String
    public var items: [AssessmentItem]
    public var version: Int
    public var createdAt: Date

    public init(id: UUID, code: String, name: String, kind: String, items: [AssessmentItem], version: Int, createdAt: Date) {
        self.id = id
        self.code = code
        self.name = name
        self.kind = kind
        self.items = items
        self.version = version
        self.createdAt = createdAt
    }
}

public struct NewAssessmentTemplate: RequestBody, Equatable {
    public var code: String
    public var name: String
    public var kind: String?
    public var items: [AssessmentItem]
    public enum CodingKeys: String, CodingKey, CaseIterable { case code, name, kind, items }

    public init(code: String, name: String, kind: String? = nil, items: [AssessmentItem]) {
        self.code = code
        self.name = name
        self.kind = kind
        self.items = items
    }

    public init(from decoder: any Decoder) throws {
        try Self.refuseUnknownFields(decoder)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        code = try container.decode(String.self, forKey: .code)
        name = try container.decode(String.self, forKey: .name)
        kind = try container.decodeIfPresent(String.self, forKey: .kind)
        items = try container.decode([AssessmentItem].self, forKey: .items)
    }
}

/// A group-wide template, copied to sites (`POST /api/v1/hq/assessment-templates`).
public struct GroupAssessmentTemplate: RequestBody, Equatable {
    public var template: NewAssessmentTemplate
    /// The sites to copy it to; every active site of `kind` (or every active site) when absent.
    public var siteCodes: [String]?
    public var kind: String?
    public enum CodingKeys: String, CodingKey, CaseIterable { case template, siteCodes, kind }
}

/// Where a group-wide template was copied.
public struct TemplateCopies: Sendable, Codable, Equatable {
    public var created: [String]
    /// Sites that already had a template with the code; theirs is kept.
    public var skipped: [String]

    public init(created: [String], skipped: [String]) {
        self.created = created
        self.skipped = skipped
    }
}

public enum CycleStatus: String, Sendable, Codable, CaseIterable {
    case draft, open
    case managerReview = "manager_review"
    case calibrated, published
}

public struct AssessmentCycle: Sendable, Codable, Equatable {
    public var id: UUID
    public var templateId: UUID
    public var name: String
    public var period: String
    public var startsOn: CalendarDate
    public var endsOn: CalendarDate
    public var departmentIds: [UUID]
    public var postIds: [UUID]
    public var status: CycleStatus
    public var publishedAt: Date?
    public var version: Int
    public var createdAt: Date
    public var updatedAt: Date

    public init(id: UUID, templateId: UUID, name: String, period: String, startsOn: CalendarDate, endsOn: CalendarDate, departmentIds: [UUID],
                postIds: [UUID], status: CycleStatus, publishedAt: Date? = nil, version: Int, createdAt: Date, updatedAt: Date) {
        self.id = id
        self.templateId = templateId
        self.name = name
        self.period = period
        self.startsOn = startsOn
        self.endsOn = endsOn
        self.departmentIds = departmentIds
        self.postIds = postIds
        self.status = status
        self.publishedAt = publishedAt
        self.version = version
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

public struct NewAssessmentCycle: RequestBody, Equatable {
    public var templateId: UUID
    public var name: String
    public var period: String
    public var startsOn: CalendarDate
    public var endsOn: CalendarDate
    public var departmentIds: [UUID]?
    public var postIds: [UUID]?
    public enum CodingKeys: String, CodingKey, CaseIterable { case templateId, name, period, startsOn, endsOn, departmentIds, postIds }

    public init(templateId: UUID, name: String, period: String, startsOn: CalendarDate, endsOn: CalendarDate, departmentIds: [UUID]? = nil, postIds: [UUID]? = nil) {
        self.templateId = templateId
        self.name = name
        self.period = period
        self.startsOn = startsOn
        self.endsOn = endsOn
        self.departmentIds = departmentIds
        self.postIds = postIds
    }
}

/// A manager's scoring of one staff member: one score per hand-scored template item, in
/// order; computed items are filled in from platform data.
public struct ScoreSheet: RequestBody, Equatable {
    public var scores: [Decimal]
    /// Required once the cycle is published: the revision is recorded, the published result stays.
    public var reason: String?
    public enum CodingKeys: String, CodingKey, CaseIterable { case scores, reason }
}

public struct BottomFollowUpBody: RequestBody, Equatable {
    public var action: BottomFollowUp
    public var note: String?
    public enum CodingKeys: String, CodingKey, CaseIterable { case action, note }
}

/// One line of a cycle's ranking.
public struct RankingEntry: Sendable, Codable, Equatable {
    public var staffId: UUID
    public var employeeNo: String
    public var name: String
    public var postId: UUID?
    public var total: Decimal?
    /// Within the cycle's group at the site, and within the post.
    public var rank: Int?
    public var postRank: Int?
    public var percentile: Decimal?
    public var bottom: Bool
    public var explanation: String
    /// The latest score revision; after publication a higher one is a recorded later edit.
    public var revision: Int?
    /// Every item's score of the latest revision, computed ones included, in template order.
    public var scores: [Decimal]?
    public var followUp: BottomFollowUp?
    public var followUpNote: String?

    public init(staffId: UUID, employeeNo: String, name: String, postId: UUID? = nil, total: Decimal? = nil, rank: Int? = nil, postRank: Int? = nil,
                percentile: Decimal? = nil, bottom: Bool, explanation: String, revision: Int? = nil, scores: [Decimal]? = nil,
                followUp: BottomFollowUp? = nil, followUpNote: String? = nil) {
        self.staffId = staffId
        self.employeeNo = employeeNo
        self.name = name
        self.postId = postId
        self.total = total
        self.rank = rank
        self.postRank = postRank
        self.percentile = percentile
        self.bottom = bottom
        self.explanation = explanation
        self.revision = revision
        self.scores = scores
        self.followUp = followUp
        self.followUpNote = followUpNote
    }
}

public struct Ranking: Sendable, Codable, Equatable {
    public var cycleId: UUID
    public var status: CycleStatus
    /// True once published: the figures are the frozen ones.
    public var frozen: Bool
    public var items: [RankingEntry]

    public init(cycleId: UUID, status: CycleStatus, frozen: Bool, items: [RankingEntry]) {
        self.cycleId = cycleId
        self.status = status
        self.frozen = frozen
        self.items = items
    }
}
