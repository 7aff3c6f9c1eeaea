import Foundation

/// What a place of the register is.
public enum PlaceKind: String, Sendable, Codable, CaseIterable {
    /// A household or unit of a residential community (一户一卡).
    case household
    /// A room: an office, a shop, a plant room.
    case room
    case ward
    case bed
    /// A service window of a service center.
    case window
    /// A common area: a lobby, a car park, a garden.
    case area
}

/// A place of a site's register (一户一卡: the household file of rulebook 004, and the wards,
/// beds, rooms and windows of hospitals and service centers). Tickets name it, so that repeats
/// at one place are found whatever the reporter typed.
public struct Place: Sendable, Codable, Equatable {
    public var id: UUID
    /// The site's own reference, e.g. `3-2-1201` or `W5-12`: upper case, unique at the site.
    public var code: String
    public var kind: PlaceKind
    /// How people name it, e.g. 3栋2单元1201 or 5病区12床.
    public var name: String
    public var building: String?
    public var floor: String?
    /// The unit or room (单元 / 房号).
    public var unit: String?
    public var ward: String?
    public var bed: String?
    public var window: String?
    /// The household's or the occupant's contact (一户一卡).
    public var contactName: String?
    public var contactPhone: String?
    /// Retired places (`false`) stay on past tickets and take no new ones.
    public var active: Bool
    public var version: Int
    public var createdAt: Date
    public var updatedAt: Date

    public init(id: UUID, code: String, kind: PlaceKind, name: String, building: String? = nil, floor: String? = nil, unit: String? = nil,
                ward: String? = nil, bed: String? = nil, window: String? = nil, contactName: String? = nil, contactPhone: String? = nil,
                active: Bool, version: Int, createdAt: Date, updatedAt: Date) {
        self.id = id
        self.code = code
        self.kind = kind
        self.name = name
        self.building = building
        self.floor = floor
        self.unit = unit
        self.ward = ward
        self.bed = bed
        self.window = window
        self.contactName = contactName
        self.contactPhone = contactPhone
        self.active = active
        self.version = version
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// The parts of a place's address, as a request gives them.
public struct PlaceParts: Sendable, Equatable {
    public var building: String?
    public var floor: String?
    public var unit: String?
    public var ward: String?
    public var bed: String?
    public var window: String?

    public init(building: String? = nil, floor: String? = nil, unit: String? = nil, ward: String? = nil, bed: String? = nil, window: String? = nil) {
        (self.building, self.floor, self.unit, self.ward, self.bed, self.window) = (building, floor, unit, ward, bed, window)
    }

    var all: [(field: String, value: String?)] {
        [("building", building), ("floor", floor), ("unit", unit), ("ward", ward), ("bed", bed), ("window", window)]
    }

    /// The parts joined in order, as the default name of a place.
    var joined: String? {
        let given = all.compactMap(\.value).filter { !$0.isEmpty }
        return given.isEmpty ? nil : given.joined(separator: " ")
    }
}

/// A new place of the register.
public struct NewPlace: RequestBody, Equatable {
    public var code: String
    public var kind: PlaceKind
    /// Absent: the parts joined (building, floor, unit, ward, bed, window).
    public var name: String?
    public var building: String?
    public var floor: String?
    public var unit: String?
    public var ward: String?
    public var bed: String?
    public var window: String?
    public var contactName: String?
    public var contactPhone: String?
    public enum CodingKeys: String, CodingKey, CaseIterable { case code, kind, name, building, floor, unit, ward, bed, window, contactName, contactPhone }

    public init(code: String, kind: PlaceKind, name: String? = nil, building: String? = nil, floor: String? = nil, unit: String? = nil, ward: String? = nil,
                bed: String? = nil, window: String? = nil, contactName: String? = nil, contactPhone: String? = nil) {
        (self.code, self.kind, self.name) = (code, kind, name)
        (self.building, self.floor, self.unit, self.ward, self.bed, self.window) = (building, floor, unit, ward, bed, window)
        (self.contactName, self.contactPhone) = (contactName, contactPhone)
    }

    public var parts: PlaceParts { PlaceParts(building: building, floor: floor, unit: unit, ward: ward, bed: bed, window: window) }

    /// Trims every field, upper-cases the code and names the place from its parts when no name
    /// is given; every invalid field reported at once.
    public func validated() throws -> NewPlace {
        var place = self
        var errors: [DomainError.FieldError] = []
        place.code = code.trimmingCharacters(in: .whitespaces).uppercased()
        if place.code.range(of: "^[A-Z0-9][A-Z0-9._-]{0,39}$", options: .regularExpression) == nil {
            errors.append(.init(field: "code", code: "place.invalid_code", message: "a place code is 1–40 of A–Z, 0–9, '.', '_' and '-', starting with a letter or digit"))
        }
        let changes = PlaceChanges(name: name, building: building, floor: floor, unit: unit, ward: ward, bed: bed, window: window,
                                   contactName: contactName, contactPhone: contactPhone)
        var cleaned = changes.cleaned(errors: &errors)
        func given(_ value: String?) -> String? { value?.isEmpty == true ? nil : value }
        (cleaned.building, cleaned.floor, cleaned.unit, cleaned.ward, cleaned.bed, cleaned.window) =
            (given(cleaned.building), given(cleaned.floor), given(cleaned.unit), given(cleaned.ward), given(cleaned.bed), given(cleaned.window))
        (cleaned.contactName, cleaned.contactPhone) = (given(cleaned.contactName), given(cleaned.contactPhone))
        (place.building, place.floor, place.unit, place.ward, place.bed, place.window) =
            (cleaned.building, cleaned.floor, cleaned.unit, cleaned.ward, cleaned.bed, cleaned.window)
        (place.contactName, place.contactPhone) = (cleaned.contactName, cleaned.contactPhone)
        place.name = cleaned.name.flatMap { $0.isEmpty ? nil : $0 } ?? place.parts.joined
        if place.name == nil {
            errors.append(.init(field: "name", code: "request.missing_field", message: "name the place, or give its building, floor, unit, ward, bed or window"))
        }
        try DomainError.check(errors)
        return place
    }
}

/// A change to a place. A part given as an empty string is cleared; a part left out (or null)
/// stays. The name does not follow the parts: give it when it should change.
public struct PlaceChanges: RequestBody, Equatable {
    public var name: String?
    public var building: String?
    public var floor: String?
    public var unit: String?
    public var ward: String?
    public var bed: String?
    public var window: String?
    public var contactName: String?
    public var contactPhone: String?
    public enum CodingKeys: String, CodingKey, CaseIterable { case name, building, floor, unit, ward, bed, window, contactName, contactPhone }

    public init(name: String? = nil, building: String? = nil, floor: String? = nil, unit: String? = nil, ward: String? = nil, bed: String? = nil,
                window: String? = nil, contactName: String? = nil, contactPhone: String? = nil) {
        (self.name, self.building, self.floor, self.unit, self.ward, self.bed, self.window) = (name, building, floor, unit, ward, bed, window)
        (self.contactName, self.contactPhone) = (contactName, contactPhone)
    }

    public func validated() throws -> PlaceChanges {
        var errors: [DomainError.FieldError] = []
        let changes = cleaned(errors: &errors)
        if changes.name == "" {
            errors.append(.init(field: "name", code: "place.invalid_name", message: "a place name is 1–200 characters"))
        }
        try DomainError.check(errors)
        return changes
    }

    /// Trimmed fields (an empty string stays empty: it clears), with length and phone checks.
    func cleaned(errors: inout [DomainError.FieldError]) -> PlaceChanges {
        func trim(_ value: String?, _ field: String, max: Int) -> String? {
            guard let value = value?.trimmingCharacters(in: .whitespacesAndNewlines) else { return nil }
            if value.count > max { errors.append(.init(field: field, code: "request.too_long", message: "at most \(max) characters")) }
            return value
        }
        var changes = PlaceChanges()
        changes.name = trim(name, "name", max: 200)
        changes.building = trim(building, "building", max: 50)
        changes.floor = trim(floor, "floor", max: 20)
        changes.unit = trim(unit, "unit", max: 50)
        changes.ward = trim(ward, "ward", max: 50)
        changes.bed = trim(bed, "bed", max: 20)
        changes.window = trim(window, "window", max: 50)
        changes.contactName = trim(contactName, "contactName", max: 100)
        if let phone = trim(contactPhone, "contactPhone", max: 30), !phone.isEmpty {
            changes.contactPhone = PhoneNumber.digits(phone)
            if changes.contactPhone == nil {
                errors.append(.init(field: "contactPhone", code: "request.invalid_value", message: PhoneNumber.expected))
            }
        } else {
            changes.contactPhone = contactPhone == nil ? nil : ""
        }
        return changes
    }
}
