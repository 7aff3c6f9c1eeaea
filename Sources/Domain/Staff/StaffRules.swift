import Foundation

/// What makes a staff record valid, independent of the database: the checks a site manager
/// would expect before a record is saved.
public enum StaffRules {
    /// Probation may last at most six months (劳动合同法 第十九条).
    public static let longestProbationDays = 183

    /// A staff record as it would be saved, for validation.
    public struct Draft: Sendable, Equatable {
        public var employeeNo: String
        public var name: String
        public var phone: String?
        public var hireDate: CalendarDate
        public var probationUntil: CalendarDate?
        public var mentorId: UUID?
        public var id: UUID?
        /// The direct superior (直上级).
        public var supervisorId: UUID?

        public init(employeeNo: String, name: String, phone: String?, hireDate: CalendarDate, probationUntil: CalendarDate?, mentorId: UUID?, id: UUID?,
                    supervisorId: UUID? = nil) {
            self.employeeNo = employeeNo
            self.name = name
            self.phone = phone
            self.hireDate = hireDate
            self.probationUntil = probationUntil
            self.mentorId = mentorId
            self.id = id
            self.supervisorId = supervisorId
        }
    }

    /// Normalizes text and returns every problem at once; `today` is the site's calendar day.
    public static func validate(_ draft: Draft, today: CalendarDate) throws -> Draft {
        var draft = draft
        draft.employeeNo = draft.employeeNo.trimmingCharacters(in: .whitespaces)
        draft.name = draft.name.trimmingCharacters(in: .whitespacesAndNewlines)
        draft.phone = draft.phone.map { $0.trimmingCharacters(in: .whitespaces) }.flatMap { $0.isEmpty ? nil : $0 }
        var errors: [DomainError.FieldError] = []
        if draft.employeeNo.range(of: "^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$", options: .regularExpression) == nil {
            errors.append(.init(field: "employeeNo", code: "staff.invalid_employee_no", message: "an employee number is 1–32 letters, digits, '-' or '_'"))
        }
        if draft.name.isEmpty || draft.name.count > 100 {
            errors.append(.init(field: "name", code: "staff.invalid_name", message: "a name is 1–100 characters"))
        }
        if let phone = draft.phone, phone.range(of: "^\\+?[0-9][0-9 -]{4,19}$", options: .regularExpression) == nil {
            errors.append(.init(field: "phone", code: "staff.invalid_phone", message: "a phone number is 5–20 digits, spaces or '-', optionally starting with '+'"))
        }
        if draft.hireDate > today.adding(days: 366) {
            errors.append(.init(field: "hireDate", code: "staff.hire_date_too_far", message: "a hire date is at most a year ahead"))
        }
        if let end = draft.probationUntil {
            if end < draft.hireDate {
                errors.append(.init(field: "probationUntil", code: "staff.probation_before_hire", message: "probation cannot end before the hire date"))
            } else if end.daysSinceEpoch - draft.hireDate.daysSinceEpoch > longestProbationDays {
                errors.append(.init(field: "probationUntil", code: "staff.probation_too_long", message: "probation lasts at most six months"))
            }
        }
        if let mentor = draft.mentorId, mentor == draft.id {
            errors.append(.init(field: "mentorId", code: "staff.self_mentor", message: "a staff member cannot mentor themselves"))
        }
        if let supervisor = draft.supervisorId, supervisor == draft.id {
            errors.append(.init(field: "supervisorId", code: "staff.self_supervisor", message: "a staff member cannot be their own superior"))
        }
        try DomainError.check(errors)
        return draft
    }
}
