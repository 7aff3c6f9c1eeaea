import Foundation

/// Highest completed education, as staff records in China list it.
public enum Education: String, Sendable, Codable, CaseIterable {
    case primary
    case juniorHigh = "junior_high"
    case seniorHigh = "senior_high"
    case vocational, associate, bachelor, master, doctorate
}

/// A member of a site's staff.
public struct StaffMember: Sendable, Codable, Equatable {
    public var id: UUID
    public var employeeNo: String
    public var name: String
    public var phone: String?
    public var departmentId: UUID
    public var postId: UUID?
    public var education: Education?
    public var hireDate: CalendarDate
    /// Probation (试用期) ends on this day; new staff work under `mentorId` until then.
    public var probationUntil: CalendarDate?
    public var mentorId: UUID?
    /// A veteran (退伍军人). Required, not preferred, to hold a post with `veteransOnly`
    /// (rulebook 000: 内保岗位要求是退伍军人); see `PostRequirements`.
    public var isVeteran: Bool
    public var status: String
    public var version: Int
    public var createdAt: Date
    public var updatedAt: Date
    /// The direct superior (直上级): complaints about this member go to them (rulebook 004
    /// 如实反映至该工作人员的直上级). Set after `init`.
    public var supervisorId: UUID?

    public init(id: UUID, employeeNo: String, name: String, phone: String? = nil, departmentId: UUID, postId: UUID? = nil,
                education: Education? = nil, hireDate: CalendarDate, probationUntil: CalendarDate? = nil, mentorId: UUID? = nil, isVeteran: Bool,
                status: String, version: Int, createdAt: Date, updatedAt: Date) {
        self.id = id
        self.employeeNo = employeeNo
        self.name = name
        self.phone = phone
        self.departmentId = departmentId
        self.postId = postId
        self.education = education
        self.hireDate = hireDate
        self.probationUntil = probationUntil
        self.mentorId = mentorId
        self.isVeteran = isVeteran
        self.status = status
        self.version = version
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

public struct NewStaffMember: RequestBody, Equatable {
    public var employeeNo: String
    public var name: String
    public var phone: String?
    public var departmentId: UUID
    public var postId: UUID?
    public var education: Education?
    public var hireDate: CalendarDate
    public var probationUntil: CalendarDate?
    public var mentorId: UUID?
    public var isVeteran: Bool?
    /// The direct superior (直上级), an active staff member of the site.
    public var supervisorId: UUID?
    public enum CodingKeys: String, CodingKey, CaseIterable {
        case employeeNo, name, phone, departmentId, postId, education, hireDate, probationUntil, mentorId, isVeteran
        case supervisorId
    }
}

/// A change to some fields of a staff member. A field that is absent stays as it is; an
/// explicit `null` clears the optional ones (phone, post, education, probation, mentor, supervisor).
public struct StaffChanges: RequestBody, Equatable {
    public var name: String?
    public var phone: Clearable<String>
    public var departmentId: UUID?
    public var postId: Clearable<UUID>
    public var education: Clearable<Education>
    public var probationUntil: Clearable<CalendarDate>
    public var mentorId: Clearable<UUID>
    public var isVeteran: Bool?
    public var supervisorId: Clearable<UUID>
    public enum CodingKeys: String, CodingKey, CaseIterable {
        case name, phone, departmentId, postId, education, probationUntil, mentorId, isVeteran
        case supervisorId
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decodeIfPresent(String.self, forKey: .name)
        phone = try Clearable(container, .phone)
        departmentId = try container.decodeIfPresent(UUID.self, forKey: .departmentId)
        postId = try Clearable(container, .postId)
        education = try Clearable(container, .education)
        probationUntil = try Clearable(container, .probationUntil)
        mentorId = try Clearable(container, .mentorId)
        isVeteran = try container.decodeIfPresent(Bool.self, forKey: .isVeteran)
        supervisorId = try Clearable(container, .supervisorId)
    }

    public init(name: String? = nil, phone: Clearable<String> = .unchanged, departmentId: UUID? = nil, postId: Clearable<UUID> = .unchanged,
                education: Clearable<Education> = .unchanged, probationUntil: Clearable<CalendarDate> = .unchanged,
                mentorId: Clearable<UUID> = .unchanged, isVeteran: Bool? = nil, supervisorId: Clearable<UUID> = .unchanged) {
        self.name = name
        self.phone = phone
        self.departmentId = departmentId
        self.postId = postId
        self.education = education
        self.probationUntil = probationUntil
        self.mentorId = mentorId
        self.isVeteran = isVeteran
        self.supervisorId = supervisorId
    }
}

/// A PATCH field that can be left alone, set, or cleared with `null`.
public enum Clearable<Value: Sendable & Equatable & Decodable>: Sendable, Equatable {
    case unchanged
    case cleared
    case set(Value)

    init<Key: CodingKey>(_ container: KeyedDecodingContainer<Key>, _ key: Key) throws {
        if !container.contains(key) {
            self = .unchanged
        } else if try container.decodeNil(forKey: key) {
            self = .cleared
        } else {
            self = .set(try container.decode(Value.self, forKey: key))
        }
    }

    /// The value after applying this change to `current`.
    public func applied(to current: Value?) -> Value? {
        switch self {
        case .unchanged: current
        case .cleared: nil
        case .set(let value): value
        }
    }
}
