import Foundation

/// What a department does; reports group by it.
public enum DepartmentKind: String, Sendable, Codable, CaseIterable {
    case customerService = "customer_service"
    case engineering, cleaning, security, elevator, management
    case serviceWindow = "service_window"
    case medicalSupport = "medical_support"
    case other
}

/// A department of a site (工程部, 保洁部, 综合受理窗口, …).
public struct Department: Sendable, Codable, Equatable {
    public var id: UUID
    public var code: String
    public var name: String
    public var kind: DepartmentKind
    public var active: Bool
    public var version: Int
    public var createdAt: Date
    public var updatedAt: Date

    public init(id: UUID, code: String, name: String, kind: DepartmentKind, active: Bool, version: Int, createdAt: Date, updatedAt: Date) {
        self.id = id
        self.code = code
        self.name = name
        self.kind = kind
        self.active = active
        self.version = version
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

public struct NewDepartment: RequestBody, Equatable {
    public var code: String
    public var name: String
    public var kind: DepartmentKind
    public enum CodingKeys: String, CodingKey, CaseIterable { case code, name, kind }

    /// Lower-cases and trims; every invalid field reported at once.
    public func validated() throws -> NewDepartment {
        var department = self
        department.code = code.trimmingCharacters(in: .whitespaces).lowercased()
        department.name = name.trimmingCharacters(in: .whitespacesAndNewlines)
        var errors: [DomainError.FieldError] = []
        if department.code.range(of: "^[a-z][a-z0-9_]{0,31}$", options: .regularExpression) == nil {
            errors.append(.init(field: "code", code: "department.invalid_code", message: "a department code is 1–32 of a–z, 0–9 and '_', starting with a letter"))
        }
        if let error = DepartmentChanges.nameError(department.name) { errors.append(error) }
        try DomainError.check(errors)
        return department
    }
}

public struct DepartmentChanges: RequestBody, Equatable {
    public var name: String?
    public var kind: DepartmentKind?
    public enum CodingKeys: String, CodingKey, CaseIterable { case name, kind }

    public func validated() throws -> DepartmentChanges {
        var changes = self
        changes.name = name?.trimmingCharacters(in: .whitespacesAndNewlines)
        if let name = changes.name, let error = Self.nameError(name) {
            throw DomainError(.invalid, code: "request.invalid", message: error.message, fieldErrors: [error])
        }
        return changes
    }

    static func nameError(_ name: String) -> DomainError.FieldError? {
        name.isEmpty || name.count > 100 ? .init(field: "name", code: "department.invalid_name", message: "a department name is 1–100 characters") : nil
    }
}
