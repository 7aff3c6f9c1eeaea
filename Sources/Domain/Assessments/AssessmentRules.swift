import Foundation

/// The four dimensions of an assessment (德能勤绩).
public enum AssessmentDimension: String, Sendable, Codable, CaseIterable {
    case conduct, ability, diligence, results
}

/// What a manager records for a staff member in the bottom group (末位).
public enum BottomFollowUp: String, Sendable, Codable, CaseIterable {
    case retraining, reassignment, probation
    /// Let go (淘汰): the outcome the rulebook's 末位淘汰 names.
    case dismissal
}

/// Assessment rules without a database: template weights, weighted scores, ranking with
/// ties, and the bottom group.
public enum AssessmentRules {
    /// One item of a template as the rules see it.
    public struct Item: Sendable, Equatable {
        public var dimension: AssessmentDimension
        public var weight: Decimal
        /// The highest score of a manual item's scale (e.g. 5 or 100).
        public var scaleMax: Decimal

        public init(dimension: AssessmentDimension, weight: Decimal, scaleMax: Decimal) {
            self.dimension = dimension
            self.weight = weight
            self.scaleMax = scaleMax
        }
    }

    /// A template is usable when every weight is positive, every dimension carries weight, and
    /// the weights add up to exactly 100.
    public static func checkWeights(_ items: [Item]) throws {
        var errors: [DomainError.FieldError] = []
        if items.isEmpty { errors.append(.init(field: "items", code: "assessment.no_items", message: "a template has at least one item")) }
        for (index, item) in items.enumerated() where item.weight <= 0 || item.scaleMax <= 0 {
            errors.append(.init(field: "items[\(index)]", code: "request.invalid_value", message: "weight and scale are positive"))
        }
        let total = items.reduce(Decimal(0)) { $0 + $1.weight }
        if total != 100 {
            errors.append(.init(field: "items", code: "assessment.weights_not_100", message: "the weights add up to \(total), not 100"))
        }
        let missing = AssessmentDimension.allCases.filter { dimension in !items.contains { $0.dimension == dimension } }
        if !missing.isEmpty {
            errors.append(.init(field: "items", code: "assessment.dimension_missing",
                                message: "every dimension (德 conduct, 能 ability, 勤 diligence, 绩 results) has an item; missing: \(missing.map(\.rawValue).joined(separator: ", "))"))
        }
        guard errors.isEmpty else { throw DomainError(.invalid, code: "assessment.template_invalid", message: errors.map(\.message).joined(separator: "; "), fieldErrors: errors) }
    }

    /// The weighted score out of 100: each item's score as a share of its scale, times its weight.
    public static func weightedScore(_ scores: [(item: Item, score: Decimal)]) -> Decimal {
        var total = Decimal(0)
        for (item, score) in scores {
            total += min(max(score, 0), item.scaleMax) / item.scaleMax * item.weight
        }
        return total.rounded(2)
    }

    public struct Ranked: Sendable, Equatable {
        public var staffId: UUID
        public var employeeNo: String
        public var score: Decimal
        /// Competition ranking: equal scores share a rank, the next rank skips (1, 2, 2, 4).
        public var rank: Int
        /// Share of the group scoring strictly lower, 0–100.
        public var percentile: Decimal
        public var bottom: Bool
        /// Why the member is, or is not, in the bottom group.
        public var explanation: String
    }

    /// Ranks a group (highest score first; equal scores share a rank and are listed by
    /// employee number) and marks the bottom group (末位淘汰, 淘汰率在5%左右): share × size
    /// rounded to the nearest whole person (half up: 21 → 1, 30 → 2, 101 → 5), at least one
    /// when the group has `minimumGroup` members or more (a site policy), none in a smaller
    /// group. Tie rule: everyone tied with the last place inside the bottom group is in it —
    /// a tie is never split by something the rules do not score.
    public static func rank(_ members: [(staffId: UUID, employeeNo: String, score: Decimal)], share: Decimal, minimumGroup: Int) -> [Ranked] {
        let sorted = members.sorted { ($0.score, $1.employeeNo) > ($1.score, $0.employeeNo) }
        let size = sorted.count
        var places = 0
        if size >= minimumGroup {
            places = max(1, (share * Decimal(size)).roundedToNearest())
        }
        // The score at the boundary: the lowest `places` members, and everyone tied with them.
        let cutoff: Decimal? = places > 0 ? sorted[size - places].score : nil
        var ranked: [Ranked] = []
        for (index, member) in sorted.enumerated() {
            let rank = (sorted.firstIndex { $0.score == member.score } ?? index) + 1
            let lower = sorted.filter { $0.score < member.score }.count
            let percentile = size == 0 ? 0 : (Decimal(lower) * 100 / Decimal(size))
            let roundedPercentile = percentile.rounded(1)
            let bottom = cutoff.map { member.score <= $0 } ?? false
            let explanation: String
            if places == 0 {
                explanation = "group of \(size) is below \(minimumGroup): no bottom group"
            } else if bottom {
                explanation = "rank \(rank) of \(size); the bottom \(places) place(s) (\(share) × \(size) to the nearest person, at least 1) end at score \(cutoff ?? 0)"
                    + (sorted.filter { $0.score == member.score }.count > 1 ? ", tied scores all included" : "")
            } else {
                explanation = "rank \(rank) of \(size); above the bottom group's score \(cutoff ?? 0)"
            }
            ranked.append(Ranked(staffId: member.staffId, employeeNo: member.employeeNo, score: member.score, rank: rank, percentile: roundedPercentile,
                                 bottom: bottom, explanation: explanation))
        }
        return ranked
    }
}

extension AssessmentRules {
    /// Counted platform data of one member over a cycle.
    public struct Evidence: Sendable, Equatable {
        public var resolved = 0
        public var resolvedOnTime = 0
        public var resolvedWithTarget = 0
        public var followUps = 0
        public var followUpsSatisfied = 0
        public var complaintsUpheld = 0
        public var lateCancellations = 0

        public init() {}
    }

    /// The score a computed item earns from the evidence, on the item's scale. A rate with
    /// nothing to measure earns full marks (no evidence against the member); so does a
    /// `no_shows` item of an older template, since a no-show is the applicant's and never
    /// counts against staff.
    public static func computedScore(_ metric: AssessmentMetric, target: Decimal?, scaleMax: Decimal, evidence: Evidence) -> Decimal {
        func rate(_ part: Int, _ whole: Int) -> Decimal { whole == 0 ? scaleMax : Decimal(part) / Decimal(whole) * scaleMax }
        func penalty(_ count: Int) -> Decimal { max(0, scaleMax - Decimal(count) * (target ?? 1)) }
        let score: Decimal = switch metric {
        case .ticketsResolved: min(1, Decimal(evidence.resolved) / max(target ?? 1, 1)) * scaleMax
        case .onTimeResolutionRate: rate(evidence.resolvedOnTime, evidence.resolvedWithTarget)
        case .followUpSatisfactionRate: rate(evidence.followUpsSatisfied, evidence.followUps)
        case .complaintsUpheld: penalty(evidence.complaintsUpheld)
        case .lateCancellations: penalty(evidence.lateCancellations)
        case .noShows: scaleMax
        }
        return score.rounded(2)
    }
}

extension Decimal {
    /// Rounded half up to `scale` decimal places.
    public func rounded(_ scale: Int) -> Decimal {
        var exact = self
        var result = Decimal()
        NSDecimalRound(&result, &exact, scale, .plain)
        return result
    }

    /// The nearest whole number, halves up.
    public func roundedToNearest() -> Int {
        NSDecimalNumber(decimal: rounded(0)).intValue
    }

    /// The smallest whole number not below this one.
    public func roundedUp() -> Int {
        var exact = self
        var result = Decimal()
        NSDecimalRound(&result, &exact, 0, .up)
        return NSDecimalNumber(decimal: result).intValue
    }
}
