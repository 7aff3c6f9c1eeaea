import Foundation

/// A post (岗位) of a site: what a staff member is employed as, with the certificates the
/// post requires (持证上岗), e.g. 电梯司机 needs 特种设备作业资格证.
public struct Post: Sendable, Codable, Equatable {
    public var id: UUID
    public var code: String
    public var name: String
    public var departmentId: UUID?
    /// Certificate type codes (see `certificate_types`) a holder of the post must have valid.
    public var requiredCertificates: [String]
    /// Retired posts (`false`) stay on their holders' records but take no new holders.
    public var active: Bool
    /// Active staff members holding the post.
    public var holders: Int
    public var version: Int
    public var createdAt: Date
    public var updatedAt: Date

    public init(id: UUID, code: String, name: String, departmentId: UUID? = nil, requiredCertificates: [String], active: Bool, holders: Int,
                version: Int, createdAt: Date, updatedAt: Date) {
        self.id = id
        self.code = code
        self.name = name
        self.departmentId = departmentId
        self.requiredCertificates = requiredCertificates
        self.active = active
        self.holders = holders
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
    public enum CodingKeys: String, CodingKey, CaseIterable { case code, name, departmentId, requiredCertificates }

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

/// A rename, a move to another department, or a new list of required certificates.
public struct PostChanges: RequestBody, Equatable {
    public var name: String?
    public var departmentId: UUID?
    public var requiredCertificates: [String]?
    public enum CodingKeys: String, CodingKey, CaseIterable { case name, departmentId, requiredCertificates }

    public init(name: String? = nil, departmentId: UUID? = nil, requiredCertificates: [String]? = nil) {
        self.name = name
        self.departmentId = departmentId
        self.requiredCertificates = requiredCertificates
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
