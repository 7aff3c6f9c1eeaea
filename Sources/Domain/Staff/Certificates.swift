import Foundation

/// A certificate a staff member holds (持证上岗): type, number, issuer, validity, scan.
public struct StaffCertificate: Sendable, Codable, Equatable {
    public var id: UUID
    public var siteCode: String
    public var staffId: UUID
    public var employeeNo: String
    public var staffName: String
    public var type: String
    public var typeName: String
    public var number: String
    public var issuer: String?
    public var issuedOn: CalendarDate
    /// Valid through this day, in the site's timezone.
    public var expiresOn: CalendarDate
    public var documentRef: String?
    /// Days from today (site timezone) to the expiry day; negative once expired.
    public var daysLeft: Int
    public var valid: Bool
    /// Expired, or expiring within the site's warning period (`licences.expiry_warning_days`,
    /// 60 days unless set): time to renew (证件到期前提醒).
    public var renewalDue: Bool = false
    public var version: Int
    public var createdAt: Date
    public var updatedAt: Date

    public init(id: UUID, siteCode: String, staffId: UUID, employeeNo: String, staffName: String, type: String, typeName: String, number: String,
                issuer: String? = nil, issuedOn: CalendarDate, expiresOn: CalendarDate, documentRef: String? = nil, daysLeft: Int, valid: Bool,
                renewalDue: Bool = false, version: Int, createdAt: Date, updatedAt: Date) {
        self.renewalDue = renewalDue
        self.id = id
        self.siteCode = siteCode
        self.staffId = staffId
        self.employeeNo = employeeNo
        self.staffName = staffName
        self.type = type
        self.typeName = typeName
        self.number = number
        self.issuer = issuer
        self.issuedOn = issuedOn
        self.expiresOn = expiresOn
        self.documentRef = documentRef
        self.daysLeft = daysLeft
        self.valid = valid
        self.version = version
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

public struct NewCertificate: RequestBody, Equatable {
    public var staffId: UUID
    public var type: String
    public var number: String
    public var issuer: String?
    public var issuedOn: CalendarDate
    public var expiresOn: CalendarDate
    public var documentRef: String?
    public enum CodingKeys: String, CodingKey, CaseIterable { case staffId, type, number, issuer, issuedOn, expiresOn, documentRef }

    public init(staffId: UUID, type: String, number: String, issuer: String? = nil, issuedOn: CalendarDate, expiresOn: CalendarDate,
                documentRef: String? = nil) {
        self.staffId = staffId
        self.type = type
        self.number = number
        self.issuer = issuer
        self.issuedOn = issuedOn
        self.expiresOn = expiresOn
        self.documentRef = documentRef
    }
}

/// A renewal or correction; absent fields stay as they are.
public struct CertificateChanges: RequestBody, Equatable {
    public var number: String?
    public var issuer: String?
    public var issuedOn: CalendarDate?
    public var expiresOn: CalendarDate?
    public var documentRef: String?
    public enum CodingKeys: String, CodingKey, CaseIterable { case number, issuer, issuedOn, expiresOn, documentRef }
}

/// Licence rules, pure.
public enum LicenceRules {
    /// A certificate counts on `day` (site timezone) from its issue day through its expiry day.
    public static func isValid(issuedOn: CalendarDate, expiresOn: CalendarDate, on day: CalendarDate) -> Bool {
        issuedOn <= day && day <= expiresOn
    }

    /// Time to renew: expired, or expiring within `warningDays` of `day`.
    public static func renewalDue(expiresOn: CalendarDate, on day: CalendarDate, warningDays: Int) -> Bool {
        expiresOn.daysSinceEpoch - day.daysSinceEpoch <= warningDays
    }

    /// Parses `60d` or `60` (days, 0–3660).
    public static func days(_ text: String) -> Int? {
        let digits = text.hasSuffix("d") ? String(text.dropLast()) : text
        guard let days = Int(digits), (0...3660).contains(days) else { return nil }
        return days
    }

    public static func validate(_ certificate: NewCertificate) throws -> NewCertificate {
        var certificate = certificate
        var errors: [DomainError.FieldError] = []
        certificate.number = certificate.number.trimmingCharacters(in: .whitespaces)
        if certificate.number.isEmpty || certificate.number.count > 64 {
            errors.append(.init(field: "number", code: "request.invalid_value", message: "the certificate number, 1–64 characters"))
        }
        certificate.issuer = certificate.issuer?.trimmingCharacters(in: .whitespaces).nilIfEmpty
        if (certificate.issuer?.count ?? 0) > 100 { errors.append(.init(field: "issuer", code: "request.too_long", message: "at most 100 characters")) }
        certificate.documentRef = certificate.documentRef?.trimmingCharacters(in: .whitespaces).nilIfEmpty
        if (certificate.documentRef?.count ?? 0) > 300 { errors.append(.init(field: "documentRef", code: "request.too_long", message: "at most 300 characters")) }
        if certificate.expiresOn < certificate.issuedOn {
            errors.append(.init(field: "expiresOn", code: "staff.certificate_expires_before_issue", message: "a certificate cannot expire before it is issued"))
        }
        try DomainError.check(errors)
        return certificate
    }
}

extension String {
    var nilIfEmpty: String? { isEmpty ? nil : self }
}
