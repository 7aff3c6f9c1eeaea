import Foundation

/// One stage action of an assessment cycle: its name, the status it needs, the status it leads to.
///
/// A cycle only moves forward, one stage at a time (draft → open → manager review →
/// calibrated → published), so every published result went through review and calibration.
public struct CycleStage: Sendable, Equatable {
    public var action: String
    public var from: CycleStatus
    public var to: CycleStatus

    public init(action: String, from: CycleStatus, to: CycleStatus) {
        self.action = action
        self.from = from
        self.to = to
    }

    /// Whether the stage publishes the cycle: every member must be scored, and the results are frozen.
    public var publishes: Bool { to == .published }
}

/// A member of a cycle as loaded, with the latest revision of their scores.
///
/// The store finds the members (active staff of the cycle's departments and posts; on a
/// probation template, staff on probation during the cycle); the rules rank, publish and
/// score them without knowing how they were found.
public struct CycleMember: Sendable, Equatable {
    public var id: UUID
    public var employeeNo: String
    public var name: String
    public var post: UUID?
    /// The weighted total of the latest revision; nil while the member is not scored.
    public var total: Decimal?
    public var revision: Int?
    /// Every item's score of the latest revision, in template order.
    public var scores: [Decimal]?

    public init(id: UUID, employeeNo: String, name: String, post: UUID? = nil, total: Decimal? = nil, revision: Int? = nil, scores: [Decimal]? = nil) {
        self.id = id
        self.employeeNo = employeeNo
        self.name = name
        self.post = post
        self.total = total
        self.revision = revision
        self.scores = scores
    }
}

/// How a site sizes its bottom group (末位), read from its policies.
///
/// `assessments.bottom_share` and `assessments.bottom_minimum_group` are numbers a site may
/// change; a missing or unreadable value keeps the default (5 %, from groups of 20).
public struct RankingPolicy: Sendable, Equatable {
    /// The share of a group that forms the bottom group, rounded to the nearest whole person (0.05 = 5 %).
    public var bottomShare: Decimal
    /// The smallest group that has a bottom group.
    public var minimumGroup: Int

    /// 5 %, built exactly (5 × 10⁻²) rather than parsed from text.
    public static let defaultBottomShare = Decimal(sign: .plus, exponent: -2, significand: 5)
    public static let defaultMinimumGroup = 20
    public static let defaults = RankingPolicy(bottomShare: defaultBottomShare, minimumGroup: defaultMinimumGroup)

    public init(bottomShare: Decimal, minimumGroup: Int) {
        self.bottomShare = bottomShare
        self.minimumGroup = minimumGroup
    }

    /// Reads the site's policies by key (`site_policies`).
    public init(policies: [String: String]) {
        bottomShare = policies["assessments.bottom_share"].flatMap { Decimal(string: $0) } ?? Self.defaultBottomShare
        minimumGroup = policies["assessments.bottom_minimum_group"].flatMap { Int($0) } ?? Self.defaultMinimumGroup
    }
}

/// What the store found, at the cycle's site, of the template, departments and posts a new cycle names.
///
/// A cycle may only name its own site's records; the store counts them and the rules compare
/// the counts with what the request named.
public struct CycleReferences: Sendable, Equatable {
    public var templateExists: Bool
    /// How many of the named departments are the site's.
    public var departments: Int
    /// How many of the named posts are the site's.
    public var posts: Int

    public init(templateExists: Bool, departments: Int, posts: Int) {
        self.templateExists = templateExists
        self.departments = departments
        self.posts = posts
    }
}

/// A new score revision of one member: every item's score and the weighted total.
///
/// Scores are never overwritten: each sheet is a new revision, and one made after publication
/// is recorded with its reason while the published result stays as it was.
public struct ScoreRevision: Sendable, Equatable {
    public var member: CycleMember
    public var revision: Int
    /// Every item's score in template order; computed items are filled in from the evidence.
    public var scores: [Decimal]
    public var total: Decimal
    /// Made after the cycle was published: a recorded later edit that leaves the result unchanged.
    public var afterPublication: Bool
    public var reason: String?
    /// Items of the template whose metric does not measure staff (`no_shows` of an older
    /// template): scored full marks, and named in the explanation.
    public var notCounted: [String]

    public init(member: CycleMember, revision: Int, scores: [Decimal], total: Decimal, afterPublication: Bool, reason: String?, notCounted: [String] = []) {
        self.member = member
        self.revision = revision
        self.scores = scores
        self.total = total
        self.afterPublication = afterPublication
        self.reason = reason
        self.notCounted = notCounted
    }

    /// What the scoring says about itself: recorded, and which items did not count against the member.
    public var explanation: String {
        let recorded = afterPublication ? "revision \(revision) recorded; the published result is unchanged" : "scored"
        guard !notCounted.isEmpty else { return recorded }
        return recorded + "; " + notCounted.map { "「\($0)」" }.joined(separator: ", ")
            + " (no_shows) earns full marks: a no-show is the applicant's doing (视为申请人主动放弃) and never counts against staff"
    }

    /// The member's line as the scoring answers it: unranked until the ranking is read.
    public var entry: RankingEntry {
        RankingEntry(staffId: member.id, employeeNo: member.employeeNo, name: member.name, postId: member.post, total: total, rank: nil, postRank: nil,
                     percentile: nil, bottom: false, explanation: explanation,
                     revision: revision, scores: scores, followUp: nil, followUpNote: nil)
    }
}

/// The rules of a cycle's course: templates and cycles accepted, stages, scoring, publication,
/// rankings and the bottom group's follow-up.
///
/// Each function takes what the routes loaded in one transaction (the cycle, its template, its
/// members, the site's policies) and returns the decision or throws a `DomainError` with a
/// stable code; the routes write the result through `AssessmentStore`.
public enum AssessmentCycleRules {
    // MARK: Templates

    /// The template as stored (code and name trimmed), or the first thing wrong with it: the
    /// code, name and kind, each item's name, the weights (`AssessmentRules.checkWeights`), and
    /// the targets of computed items.
    public static func validTemplate(_ body: NewAssessmentTemplate) throws -> NewAssessmentTemplate {
        var template = body
        template.code = template.code.trimmingCharacters(in: .whitespaces)
        template.name = template.name.trimmingCharacters(in: .whitespacesAndNewlines)
        if template.code.range(of: #"^[a-z][a-z0-9_]{0,31}$"#, options: .regularExpression) == nil {
            throw DomainError.invalid(field: "code", code: "request.invalid_value", message: "lower-case letters, digits and _, starting with a letter")
        }
        if template.name.isEmpty || template.name.count > 100 { throw DomainError.invalid(field: "name", code: "request.invalid_value", message: "1–100 characters") }
        if let kind = template.kind, kind != "regular" && kind != "probation" {
            throw DomainError.invalid(field: "kind", code: "request.invalid_value", message: "regular or probation")
        }
        for (index, item) in template.items.enumerated() where item.name.trimmingCharacters(in: .whitespaces).isEmpty || item.name.count > 100 {
            throw DomainError.invalid(field: "items[\(index)].name", code: "request.invalid_value", message: "1–100 characters")
        }
        try AssessmentRules.checkWeights(template.items.map { .init(dimension: $0.dimension, weight: $0.weight, scaleMax: $0.scaleMax) })
        for (index, item) in template.items.enumerated() {
            if item.metric == nil && item.target != nil {
                throw DomainError.invalid(field: "items[\(index)].target", code: "request.not_applicable", message: "only computed items (with a metric) have a target")
            }
            if let target = item.target, target <= 0 {
                throw DomainError.invalid(field: "items[\(index)].target", code: "request.invalid_value", message: "a target is positive")
            }
            if item.metric == .ticketsResolved && item.target == nil {
                throw DomainError.invalid(field: "items[\(index)].target", code: "request.missing_field", message: "how many resolved tickets earn full marks")
            }
            if let metric = item.metric, !metric.countsAgainstStaff {
                throw DomainError.invalid(field: "items[\(index)].metric", code: "assessment.metric_not_the_staffs",
                                          message: "a no-show is the applicant's doing (视为申请人主动放弃), not the staff member's; it cannot score staff")
            }
        }
        return template
    }

    /// A group-wide template is copied to named sites only when every one of them is an active
    /// site (`active`: the codes of the active sites found among those requested).
    public static func checkCopyTargets(requested codes: [String]?, active: [String]) throws {
        if let codes, Set(codes) != Set(active) {
            let unknown = Set(codes).subtracting(active).sorted()
            throw DomainError.invalid(field: "siteCodes", code: "site.not_found", message: "no active site \(unknown.joined(separator: ", "))")
        }
    }

    // MARK: Cycles

    /// The periods a cycle covers.
    public static let periods = ["monthly", "quarterly", "annual"]

    /// The cycle as stored (name trimmed), or the first thing wrong with it: the period, the
    /// days (it ends on or after its start) and the name.
    public static func validCycle(_ body: NewAssessmentCycle) throws -> NewAssessmentCycle {
        guard periods.contains(body.period) else {
            throw DomainError.invalid(field: "period", code: "request.invalid_value", message: "monthly, quarterly or annual")
        }
        guard body.startsOn <= body.endsOn else { throw DomainError.invalid(field: "endsOn", code: "request.invalid_value", message: "the cycle ends on or after its start") }
        let name = try InputText.trimmed(body.name, field: "name", max: 100) ?? ""
        guard !name.isEmpty else { throw DomainError.invalid(field: "name", code: "request.missing_field", message: "name the cycle") }
        var cycle = body
        cycle.name = name
        return cycle
    }

    /// A cycle names its own site's template, departments and posts; every one that is not is
    /// reported at once.
    public static func checkReferences(_ cycle: NewAssessmentCycle, found: CycleReferences) throws {
        var errors: [DomainError.FieldError] = []
        if !found.templateExists { errors.append(.init(field: "templateId", code: "assessment.unknown_template", message: "no such template at this site")) }
        if found.departments != Set(cycle.departmentIds ?? []).count {
            errors.append(.init(field: "departmentIds", code: "assessment.unknown_department", message: "every department must be of this site"))
        }
        if found.posts != Set(cycle.postIds ?? []).count {
            errors.append(.init(field: "postIds", code: "assessment.unknown_post", message: "every post must be of this site"))
        }
        try DomainError.check(errors)
    }

    // MARK: Stages

    /// Stage actions: the action, the status it needs, the status it leads to.
    public static let stages: [CycleStage] = [
        CycleStage(action: "open", from: .draft, to: .open),
        CycleStage(action: "review", from: .open, to: .managerReview),
        CycleStage(action: "calibrate", from: .managerReview, to: .calibrated),
        CycleStage(action: "publish", from: .calibrated, to: .published),
    ]

    /// A stage action is taken only from the status it needs (409 `assessment.wrong_stage`).
    public static func checkStage(_ stage: CycleStage, of cycle: AssessmentCycle) throws {
        guard cycle.status == stage.from else {
            throw DomainError(.conflict, code: "assessment.wrong_stage", message: "a \(cycle.status.rawValue) cycle cannot \(stage.action); it must be \(stage.from.rawValue)")
        }
    }

    /// The results publication freezes: the live ranking, once every member is scored
    /// (422 `assessment.unscored`, naming the first ten unscored members).
    public static func publish(_ members: [CycleMember], policy: RankingPolicy) throws -> [RankingEntry] {
        let unscored = members.filter { $0.total == nil }
        guard unscored.isEmpty else {
            throw DomainError(.invalid, code: "assessment.unscored", message: "\(unscored.count) member(s) are not scored: \(unscored.prefix(10).map(\.employeeNo).joined(separator: ", "))")
        }
        return liveRanking(members, policy: policy)
    }

    // MARK: Rankings

    /// The live ranking of scored members: within the whole group (with the bottom group),
    /// and within each post. Unscored members follow, by employee number.
    public static func liveRanking(_ members: [CycleMember], policy: RankingPolicy) -> [RankingEntry] {
        let scored = members.compactMap { member in member.total.map { (staffId: member.id, employeeNo: member.employeeNo, score: $0) } }
        let overall = Dictionary(uniqueKeysWithValues: AssessmentRules.rank(scored, share: policy.bottomShare, minimumGroup: policy.minimumGroup).map { ($0.staffId, $0) })
        var postRanks: [UUID: Int] = [:]
        for (_, group) in Dictionary(grouping: members.filter { $0.total != nil }, by: { $0.post }) {
            for entry in AssessmentRules.rank(group.map { ($0.id, $0.employeeNo, $0.total ?? 0) }, share: 0, minimumGroup: Int.max) {
                postRanks[entry.staffId] = entry.rank
            }
        }
        return members.map { member in
            let ranked = overall[member.id]
            return RankingEntry(staffId: member.id, employeeNo: member.employeeNo, name: member.name, postId: member.post, total: member.total,
                                rank: ranked?.rank, postRank: postRanks[member.id], percentile: ranked?.percentile, bottom: ranked?.bottom ?? false,
                                explanation: ranked?.explanation ?? "not scored yet", revision: member.revision, scores: member.scores, followUp: nil, followUpNote: nil)
        }.sorted { ($0.rank ?? Int.max, $0.employeeNo) < ($1.rank ?? Int.max, $1.employeeNo) }
    }

    /// A cycle's ranking: once published, the frozen results (by rank, then employee number);
    /// before, the live ranking of the members' latest scores. `bottomOnly` keeps the bottom group.
    public static func ranking(of cycle: AssessmentCycle, members: [CycleMember], frozen: [RankingEntry], policy: RankingPolicy, bottomOnly: Bool) -> Ranking {
        let published = cycle.status == .published
        var entries = published
            ? frozen.sorted { ($0.rank ?? 0, $0.employeeNo) < ($1.rank ?? 0, $1.employeeNo) }
            : liveRanking(members, policy: policy)
        if bottomOnly { entries = entries.filter(\.bottom) }
        return Ranking(cycleId: cycle.id, status: cycle.status, frozen: published, items: entries)
    }

    // MARK: Scores

    /// A score sheet is taken once the cycle is open; after publication only with a reason;
    /// with one score per hand-scored item, each within the item's scale.
    public static func checkScoreSheet(_ scores: [Decimal], reason: String?, cycle: AssessmentCycle, template: AssessmentTemplate) throws {
        guard cycle.status != .draft else { throw DomainError(.conflict, code: "assessment.wrong_stage", message: "open the cycle before scoring") }
        if cycle.status == .published && reason == nil {
            throw DomainError.invalid(field: "reason", code: "assessment.reason_required", message: "the cycle is published: a later edit is a revision with a reason")
        }
        let manual = template.items.filter { $0.metric == nil }
        guard scores.count == manual.count else {
            throw DomainError.invalid(field: "scores", code: "request.invalid_value", message: "one score per hand-scored item: \(manual.count) (computed items are filled in)")
        }
        for (index, (score, item)) in zip(scores, manual).enumerated() where score < 0 || score > item.scaleMax {
            throw DomainError.invalid(field: "scores[\(index)]", code: "request.invalid_value", message: "\(item.name) is scored 0–\(item.scaleMax)")
        }
    }

    /// The member scored: only a member of the cycle is (404 `staff.not_found`).
    public static func member(_ staff: UUID, of members: [CycleMember]) throws -> CycleMember {
        guard let member = members.first(where: { $0.id == staff }) else {
            throw DomainError(.notFound, code: "staff.not_found", message: "no member \(staff.uuidString) in this cycle")
        }
        return member
    }

    /// Whether scoring needs the member's evidence: the template has a computed item.
    public static func usesEvidence(_ template: AssessmentTemplate) -> Bool {
        template.items.contains { $0.metric != nil }
    }

    /// The instants the evidence counts between: from the start of the cycle's first day to the
    /// start of the day after its last, in the site's timezone.
    public static func evidenceSpan(of cycle: AssessmentCycle, in timeZone: TimeZone) -> (start: Date, end: Date) {
        WorkingCalendar.span(cycle.startsOn, through: cycle.endsOn, in: timeZone)
    }

    /// The next revision of a member's scores: the hand scores in order of the hand-scored items,
    /// computed items from the evidence, and the weighted total.
    public static func revision(of member: CycleMember, scores manual: [Decimal], reason: String?, cycle: AssessmentCycle, template: AssessmentTemplate,
                                evidence: AssessmentRules.Evidence) -> ScoreRevision {
        var manualScores = manual.makeIterator()
        let scores: [Decimal] = template.items.map { item in
            item.metric.map { AssessmentRules.computedScore($0, target: item.target, scaleMax: item.scaleMax, evidence: evidence) } ?? manualScores.next() ?? 0
        }
        let total = AssessmentRules.weightedScore(zip(template.items, scores).map { (AssessmentRules.Item(dimension: $0.dimension, weight: $0.weight, scaleMax: $0.scaleMax), $1) })
        return ScoreRevision(member: member, revision: (member.revision ?? 0) + 1, scores: scores, total: total, afterPublication: cycle.status == .published, reason: reason,
                             notCounted: template.items.filter { $0.metric.map { !$0.countsAgainstStaff } ?? false }.map(\.name))
    }

    // MARK: The bottom group's follow-up

    /// A follow-up is recorded on published results only (409 `assessment.wrong_stage`).
    public static func checkFollowUp(on cycle: AssessmentCycle) throws {
        guard cycle.status == .published else { throw DomainError(.conflict, code: "assessment.wrong_stage", message: "follow-ups are recorded on published results") }
    }

    /// The published result a follow-up was recorded on; only a bottom-group member's takes one
    /// (422 `assessment.not_in_bottom_group`). `written` is nil when the member has no
    /// published bottom-group result.
    public static func followedUp(_ written: RankingEntry?) throws -> RankingEntry {
        guard let written, written.bottom else {
            throw DomainError(.invalid, code: "assessment.not_in_bottom_group", message: "only members of the published bottom group get a follow-up")
        }
        return written
    }
}
