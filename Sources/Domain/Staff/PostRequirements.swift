import Foundation

/// Which layer of the staff a post belongs to (rulebook 000: 管理层 / 操作层); it sets the
/// education a holder needs.
public enum PostLevel: String, Sendable, Codable, CaseIterable {
    /// 管理层: 大专 (`associate`) or above.
    case management
    /// 操作层: 高中 (`senior_high`, or the equivalent `vocational`) or above.
    case operative = "operator"

    /// The lowest education a holder of a post of this level may have.
    public var minimumEducation: Education {
        switch self {
        case .management: .associate
        case .operative: .seniorHigh
        }
    }
}

extension Education {
    /// Rank for minimums. Vocational school (中专/职高/技校) is a senior-high-level
    /// qualification, so it ranks with senior high.
    public var rank: Int {
        switch self {
        case .primary: 1
        case .juniorHigh: 2
        case .seniorHigh, .vocational: 3
        case .associate: 4
        case .bachelor: 5
        case .master: 6
        case .doctorate: 7
        }
    }

    /// Whether this education is `minimum` or above.
    public func meets(_ minimum: Education) -> Bool { rank >= minimum.rank }
}

/// What a post asks of whoever is assigned to it (rulebook 000): a valid certificate of every
/// required type on the day (持证上岗), the education of its level (管理层大专以上, 操作层高中以上),
/// and, for internal security posts that say so, a veteran (内保岗位要求是退伍军人).
///
/// Pure: the store loads the post, the staff member's certificates and the site's calendar
/// day; the route calls `check` when a post is assigned (created with one, moved to another,
/// imported onto one) and `checkQualifications` when the education or veteran flag of a
/// holder changes.
public struct PostRequirements: Sendable, Equatable {
    public var postName: String
    public var level: PostLevel
    public var veteransOnly: Bool
    /// Certificate type codes.
    public var requiredCertificates: [String]

    public init(postName: String, level: PostLevel, veteransOnly: Bool, requiredCertificates: [String]) {
        self.postName = postName
        self.level = level
        self.veteransOnly = veteransOnly
        self.requiredCertificates = requiredCertificates
    }

    /// The person being assigned, as the record would be saved.
    public struct Candidate: Sendable, Equatable {
        public var education: Education?
        public var isVeteran: Bool

        public init(education: Education?, isVeteran: Bool) {
            self.education = education
            self.isVeteran = isVeteran
        }
    }

    /// What a change to someone's record must be checked against: everything when the post
    /// is newly assigned; only education and the veteran rule when they keep their post but
    /// those change (a lapsed licence is flagged on the post, not a bar to other edits);
    /// nothing otherwise.
    public enum Recheck: Sendable, Equatable {
        case none, qualifications, everything

        public init(postChanged: Bool, from before: Candidate?, to after: Candidate) {
            if postChanged { self = .everything } else if before != after { self = .qualifications } else { self = .none }
        }
    }

    /// A certificate the candidate holds, valid from its issue day through its expiry day.
    public struct HeldCertificate: Sendable, Equatable {
        public var type: String
        public var issuedOn: CalendarDate
        public var expiresOn: CalendarDate

        public init(type: String, issuedOn: CalendarDate, expiresOn: CalendarDate) {
            self.type = type
            self.issuedOn = issuedOn
            self.expiresOn = expiresOn
        }
    }

    /// Required certificate types with no certificate of that type valid on `day`, in the
    /// post's order.
    public func missingCertificates(_ held: [HeldCertificate], on day: CalendarDate) -> [String] {
        requiredCertificates.filter { type in
            !held.contains { $0.type == type && LicenceRules.isValid(issuedOn: $0.issuedOn, expiresOn: $0.expiresOn, on: day) }
        }
    }

    /// Whether the candidate may be assigned to the post on `today` (the site's calendar day).
    /// Every failing requirement is reported at once:
    /// - `staff.licence_required` on `postId`: a required certificate is missing or not valid
    ///   today. A new hire is created without the post, the certificate is recorded
    ///   (`POST …/certificates` needs the staff id), and then the post is assigned.
    /// - `staff.education_required` on `education`: no education on record, or below the
    ///   level's minimum.
    /// - `staff.veteran_required` on `isVeteran`: a veterans-only post and not a veteran.
    ///
    /// `certificateNames` (code → 中文名) only makes the messages readable.
    public func check(staff: Candidate, certificates: [HeldCertificate], today: CalendarDate, certificateNames: [String: String] = [:]) throws {
        var errors: [DomainError.FieldError] = []
        let missing = missingCertificates(certificates, on: today)
        if !missing.isEmpty {
            let names = missing.map { certificateNames[$0] ?? $0 }.joined(separator: ", ")
            errors.append(.init(field: "postId", code: "staff.licence_required",
                                message: "\(postName) is a licensed post: no valid \(names) on \(today); record the certificate before assigning the post"))
        }
        errors += qualificationErrors(staff)
        try DomainError.check(errors)
    }

    /// Education and veteran requirements only: for a holder whose education or veteran flag
    /// changes. (An expired licence of a holder is not refused but flagged on the post.)
    public func checkQualifications(staff: Candidate) throws {
        try DomainError.check(qualificationErrors(staff))
    }

    func qualificationErrors(_ staff: Candidate) -> [DomainError.FieldError] {
        var errors: [DomainError.FieldError] = []
        let minimum = level.minimumEducation
        let wording = level == .management ? "大专 (associate) or above for a management post" : "高中 (senior_high or vocational) or above for an operator post"
        if let education = staff.education {
            if !education.meets(minimum) {
                errors.append(.init(field: "education", code: "staff.education_required", message: "\(postName) needs \(wording); the record says \(education.rawValue)"))
            }
        } else {
            errors.append(.init(field: "education", code: "staff.education_required", message: "\(postName) needs \(wording); record the education with the post"))
        }
        if veteransOnly && !staff.isVeteran {
            errors.append(.init(field: "isVeteran", code: "staff.veteran_required", message: "\(postName) is an internal security post held only by veterans (退伍军人)"))
        }
        return errors
    }
}
