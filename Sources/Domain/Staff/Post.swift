import Foundation

/// A post (岗位) of a site: what a staff member is employed as, with the certificates the
/// post requires (持证上岗), e.g. 电梯司机 needs 特种设备作业资格证, its level (management or
/// operator, which sets the education needed) and whether only veterans may hold it;
/// `PostRequirements.check` applies them when the post is assigned.
public struct Post: Sendable, Codable, Equatable {
    public var id: UUID
    public var code: String
    public var name: String
    public var departmentId: UUID?
    /// Certificate type codes (see `certificate_types`) a holder of the post must have valid.
    public var requiredCertificates: [String]
    /// Management posts need 大专 or above, operator posts 高中 or above (rulebook 000).
    public var level: PostLevel
    /// Internal security posts held only by veterans (内保岗位要求是退伍军人).
    public var veteransOnly: Bool
    /// Retired posts (`false`) stay on their holders' records but take no new holders.
    public var active: Bool
    /// Active staff members holding the post.
    public var holders: Int
    /// Active holders lacking, today (site timezone), a valid certificate of a required type:
    /// a licence that expired after the post was assigned is flagged here, not refused.
    public var unlicensedHolders: Int
    public var version: Int
    public var createdAt: Date
    public var updatedAt: Date

    public init(id: UUID, code: String, name: String, departmentId: UUID? = nil, requiredCertificates: [String], level: PostLevel = .operative,
                veteransOnly: Bool = false, active: Bool, holders: Int, unlicensedHolders: Int = 0, version: Int, createdAt: Date, updatedAt: Date) {
        self.id = id
        self.code = code
        self.name = name
        self.departmentId = departmentId
        self.requiredCertificates = requiredCertificates
        self.level = level
        self.veteransOnly = veteransOnly
        self.active = active
        self.holders = holders
        self.unlicensedHolders = unlicensedHolders
        self.version = version
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// A new post, as a site manager creates it.
public struct NewPost: RequestBody, Equatable {
    public var code: String
    public var name: String
    public var departmentId: UUID?
    public var requiredCertificates: [String]?
    /// Absent: `operator`.
    public var level: PostLevel?
    /// Absent: false.
    public var veteransOnly: Bool?
    public enum CodingKeys: String, CodingKey, CaseIterable { case code, name, departmentId, requiredCertificates, level, veteransOnly }

    /// Lower-cases and trims; every invalid field reported at once.
    public func validated() throws -> NewPost {
        var post = self
        post.code = code.trimmingCharacters(in: .whitespaces).lowercased()
        post.name = name.trimmingCharacters(in: .whitespacesAndNewlines)
        post.requiredCertificates = requiredCertificates.map(PostChanges.normalised)
        var errors: [DomainError.FieldError] = []
        if post.code.range(of: "^[a-z][a-z0-9_]{0,31}$", options: .regularExpression) == nil {
            errors.append(.init(field: "code", code: "post.invalid_code", message: "a post code is 1–32 of a–z, 0–9 and '_', starting with a letter"))
        }
        errors += PostChanges.errors(name: post.name, certificates: post.requiredCertificates)
        try DomainError.check(errors)
        return post
    }
}

/// A rename, a move to another department, a new list of required certificates, level or
/// veterans-only flag. New requirements apply to later assignments; current holders are not
/// moved (those lacking a required certificate show in `Post.unlicensedHolders`).
public struct PostChanges: RequestBody, Equatable {
    public var name: String?
    public var departmentId: UUID?
    public var requiredCertificates: [String]?
    public var level: PostLevel?
    public var veteransOnly: Bool?
    public enum CodingKeys: String, CodingKey, CaseIterable { case name, departmentId, requiredCertificates, level, veteransOnly }

    public init(name: String? = nil, departmentId: UUID? = nil, requiredCertificates: [String]? = nil, level: PostLevel? = nil, veteransOnly: Bool? = nil) {
        self.name = name
        self.departmentId = departmentId
        self.requiredCertificates = requiredCertificates
        self.level = level
        self.veteransOnly = veteransOnly
    }

    public func validated() throws -> PostChanges {
        var changes = self
        changes.name = name?.trimmingCharacters(in: .whitespacesAndNewlines)
        changes.requiredCertificates = requiredCertificates.map(Self.normalised)
        try DomainError.check(Self.errors(name: changes.name, certificates: changes.requiredCertificates))
        return changes
    }

    /// Trimmed, lower-cased, each once, in the order given.
    static func normalised(_ types: [String]) -> [String] {
        var seen = Set<String>()
        return types.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }.filter { seen.insert($0).inserted }
    }

    static func errors(name: String?, certificates: [String]?) -> [DomainError.FieldError] {
        var errors: [DomainError.FieldError] = []
        if let name, name.isEmpty || name.count > 100 {
            errors.append(.init(field: "name", code: "post.invalid_name", message: "a post name is 1–100 characters"))
        }
        if let certificates, certificates.count > 10 || certificates.contains(where: { $0.isEmpty || $0.count > 64 }) {
            errors.append(.init(field: "requiredCertificates", code: "post.invalid_certificates", message: "at most 10 certificate type codes"))
        }
        return errors
    }
}
