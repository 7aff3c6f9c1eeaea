import Foundation

/// One site (tenant): a hospital, a residence or a government service center.
public struct Site: Sendable, Equatable, Codable {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        case hospital
        case residence
        case governmentServiceCenter = "government_service_center"

        /// The word users see on reports.
        public var chineseName: String {
            switch self {
            case .hospital: "医院"
            case .residence: "住宅小区"
            case .governmentServiceCenter: "政务服务中心"
            }
        }
    }

    public enum Status: String, Sendable, Codable, CaseIterable {
        /// Working normally.
        case active
        /// Its users can no longer sign in; its data is kept.
        case suspended
    }

    public var id: UUID
    public var code: String
    public var name: String
    public var kind: Kind
    public var timezone: String
    public var region: String?
    public var status: Status
    public var createdAt: Date
    public var version: Int

    public init(id: UUID, code: String, name: String, kind: Kind, timezone: String, region: String? = nil, status: Status, createdAt: Date,
                version: Int) {
        self.id = id
        self.code = code
        self.name = name
        self.kind = kind
        self.timezone = timezone
        self.region = region
        self.status = status
        self.createdAt = createdAt
        self.version = version
    }
}

/// What it takes to create a site; validated by `NewSite.validated()`.
public struct NewSite: Sendable, Equatable, Codable {
    public var code: String
    public var name: String
    public var kind: Site.Kind
    public var timezone: String
    public var region: String?

    public init(code: String, name: String, kind: Site.Kind, timezone: String = "Asia/Shanghai", region: String? = nil) {
        self.code = code
        self.name = name
        self.kind = kind
        self.timezone = timezone
        self.region = region
    }

    /// Trims text, upper-cases the code, and checks every field; all problems at once.
    public func validated() throws -> NewSite {
        var site = self
        site.code = code.trimmingCharacters(in: .whitespaces).uppercased()
        site.name = name.trimmingCharacters(in: .whitespacesAndNewlines)
        site.timezone = timezone.trimmingCharacters(in: .whitespaces)
        site.region = region.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.flatMap { $0.isEmpty ? nil : $0 }
        var errors: [DomainError.FieldError] = []
        if !NewSite.isValidCode(site.code) {
            errors.append(.init(field: "code", code: "site.invalid_code", message: "a site code is 2–16 capital letters or digits starting with a letter, e.g. H01"))
        }
        if site.name.isEmpty || site.name.count > 200 {
            errors.append(.init(field: "name", code: "site.invalid_name", message: "a site name is 1–200 characters"))
        }
        if TimeZone(identifier: site.timezone) == nil || !site.timezone.contains("/") && site.timezone != "UTC" {
            errors.append(.init(field: "timezone", code: "site.invalid_timezone", message: "'\(site.timezone)' is not an IANA timezone such as Asia/Shanghai"))
        }
        if let region = site.region, region.count > 100 {
            errors.append(.init(field: "region", code: "site.invalid_region", message: "a region is at most 100 characters"))
        }
        guard errors.isEmpty else {
            throw DomainError(.invalid, code: "request.invalid", message: errors.count == 1 ? errors[0].message : "the site has \(errors.count) invalid fields", fieldErrors: errors)
        }
        return site
    }

    static func isValidCode(_ code: String) -> Bool {
        guard (2...16).contains(code.count), let first = code.unicodeScalars.first, ("A"..."Z").contains(first) else { return false }
        return code.unicodeScalars.allSatisfy { ("A"..."Z").contains($0) || ("0"..."9").contains($0) }
    }
}

extension NewSite: RequestBody {
    public enum CodingKeys: String, CodingKey, CaseIterable { case code, name, kind, timezone, region }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            code: try container.decode(String.self, forKey: .code), name: try container.decode(String.self, forKey: .name),
            kind: try container.decode(Site.Kind.self, forKey: .kind),
            timezone: try container.decodeIfPresent(String.self, forKey: .timezone) ?? "Asia/Shanghai",
            region: try container.decodeIfPresent(String.self, forKey: .region))
    }
}
