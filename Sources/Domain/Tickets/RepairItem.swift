import Foundation

/// How large a repair item is (rulebook 004: 小型维修须当天解决，较大型的维修须在三天内解决，
/// 预约除外): a small repair is due the same working day, a larger one within three working days,
/// unless the work is by appointment.
public enum RepairScale: String, Sendable, Codable, CaseIterable {
    case small
    case large

    /// The resolution target the scale sets.
    public var target: TicketPolicy.Target {
        switch self {
        case .small: .sameDay
        case .large: .workingDays(3)
        }
    }
}

/// An item of a site's repair catalogue (维修项目), with its fee schedule (收费标准, shown to
/// the customer before the work: rulebook 002). Repairs name their item, so that the same
/// repair at the same place is recognised as a repeat (同一种维修三次以上).
public struct RepairItem: Sendable, Codable, Equatable {
    public var id: UUID
    public var code: String
    public var name: String
    public var scale: RepairScale
    /// The fee per `feeUnit`; absent when the item is free or quoted on site (see `feeNote`).
    public var fee: Decimal?
    public var feeUnit: String?
    public var feeNote: String?
    public var active: Bool
    public var version: Int
    public var createdAt: Date
    public var updatedAt: Date

    public init(id: UUID, code: String, name: String, scale: RepairScale, fee: Decimal? = nil, feeUnit: String? = nil, feeNote: String? = nil,
                active: Bool, version: Int, createdAt: Date, updatedAt: Date) {
        (self.id, self.code, self.name, self.scale) = (id, code, name, scale)
        (self.fee, self.feeUnit, self.feeNote) = (fee, feeUnit, feeNote)
        (self.active, self.version, self.createdAt, self.updatedAt) = (active, version, createdAt, updatedAt)
    }
}

/// A new item of the repair catalogue.
public struct NewRepairItem: RequestBody, Equatable {
    public var code: String
    public var name: String
    public var scale: RepairScale
    public var fee: Decimal?
    public var feeUnit: String?
    public var feeNote: String?
    public enum CodingKeys: String, CodingKey, CaseIterable { case code, name, scale, fee, feeUnit, feeNote }

    public init(code: String, name: String, scale: RepairScale, fee: Decimal? = nil, feeUnit: String? = nil, feeNote: String? = nil) {
        (self.code, self.name, self.scale, self.fee, self.feeUnit, self.feeNote) = (code, name, scale, fee, feeUnit, feeNote)
    }

    public func validated() throws -> NewRepairItem {
        var item = self
        item.code = code.trimmingCharacters(in: .whitespaces).lowercased()
        var errors: [DomainError.FieldError] = []
        if item.code.range(of: "^[a-z][a-z0-9_]{0,31}$", options: .regularExpression) == nil {
            errors.append(.init(field: "code", code: "repair_item.invalid_code", message: "a repair item code is 1–32 of a–z, 0–9 and '_', starting with a letter"))
        }
        let changes = RepairItemChanges(name: name, fee: fee, feeUnit: feeUnit, feeNote: feeNote).cleaned(errors: &errors)
        item.name = changes.name ?? ""
        (item.fee, item.feeUnit, item.feeNote) = (changes.fee, changes.feeUnit.flatMap { $0.isEmpty ? nil : $0 }, changes.feeNote.flatMap { $0.isEmpty ? nil : $0 })
        try DomainError.check(errors)
        return item
    }
}

/// A change to a catalogue item: a new name, scale or fee schedule. Past tickets keep their
/// deadlines; a `feeUnit` or `feeNote` given as an empty string is cleared.
public struct RepairItemChanges: RequestBody, Equatable {
    public var name: String?
    public var scale: RepairScale?
    public var fee: Decimal?
    public var feeUnit: String?
    public var feeNote: String?
    public enum CodingKeys: String, CodingKey, CaseIterable { case name, scale, fee, feeUnit, feeNote }

    public init(name: String? = nil, scale: RepairScale? = nil, fee: Decimal? = nil, feeUnit: String? = nil, feeNote: String? = nil) {
        (self.name, self.scale, self.fee, self.feeUnit, self.feeNote) = (name, scale, fee, feeUnit, feeNote)
    }

    public func validated() throws -> RepairItemChanges {
        var errors: [DomainError.FieldError] = []
        let changes = cleaned(errors: &errors)
        try DomainError.check(errors)
        return changes
    }

    func cleaned(errors: inout [DomainError.FieldError]) -> RepairItemChanges {
        var changes = self
        changes.name = name?.trimmingCharacters(in: .whitespacesAndNewlines)
        if let name = changes.name, name.isEmpty || name.count > 100 {
            errors.append(.init(field: "name", code: "repair_item.invalid_name", message: "a repair item name is 1–100 characters"))
        }
        if let fee, fee < 0 || fee > 1_000_000 || fee != fee.rounded(scale: 2) {
            errors.append(.init(field: "fee", code: "request.invalid_value", message: "a fee of 0 to 1,000,000 with at most two decimals"))
        }
        changes.feeUnit = feeUnit?.trimmingCharacters(in: .whitespacesAndNewlines)
        if let unit = changes.feeUnit, unit.count > 20 {
            errors.append(.init(field: "feeUnit", code: "request.too_long", message: "at most 20 characters"))
        }
        changes.feeNote = feeNote?.trimmingCharacters(in: .whitespacesAndNewlines)
        if let note = changes.feeNote, note.count > 500 {
            errors.append(.init(field: "feeNote", code: "request.too_long", message: "at most 500 characters"))
        }
        return changes
    }
}

extension Decimal {
    /// Rounded half away from zero to `scale` decimals.
    func rounded(scale: Int) -> Decimal {
        var value = self
        var result = Decimal()
        NSDecimalRound(&result, &value, scale, .plain)
        return result
    }
}
