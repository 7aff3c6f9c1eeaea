import Domain
import Foundation
import Postgres

/// The register of places (一户一卡) and the repair catalogue in PostgreSQL. Every statement
/// filters `site_id` explicitly as well as through row-level security.
enum PlaceStore {
    static let columns = """
        id, code, kind, name, building, floor, unit, ward, bed, service_window, contact_name, contact_phone, active, version, created_at, updated_at
        """

    static func decode(_ row: PostgresRow) throws -> Place {
        let kind: String = try row.decode("kind")
        return Place(
            id: try row.decode("id"), code: try row.decode("code"), kind: PlaceKind(rawValue: kind) ?? .area, name: try row.decode("name"),
            building: try row.decodeIfPresent("building"), floor: try row.decodeIfPresent("floor"), unit: try row.decodeIfPresent("unit"),
            ward: try row.decodeIfPresent("ward"), bed: try row.decodeIfPresent("bed"), window: try row.decodeIfPresent("service_window"),
            contactName: try row.decodeIfPresent("contact_name"), contactPhone: try row.decodeIfPresent("contact_phone"),
            active: try row.decode("active"), version: try row.decode("version"), createdAt: try row.decode("created_at"), updatedAt: try row.decode("updated_at"))
    }

    /// `text`: places whose code or name (as `MatchKey` compares it) starts with it.
    static func list(site: UUID, kind: PlaceKind?, active: Bool?, text: String?, after: [String]?, limit: Int) -> PostgresStatement {
        PostgresStatement(
            """
            SELECT \(columns) FROM places
            WHERE site_id = $1 AND ($2::text IS NULL OR kind = $2) AND ($3::bool IS NULL OR active = $3)
              AND ($4::text IS NULL OR starts_with(name_key, $4) OR starts_with(lower(code), $4))
              AND ($5::text IS NULL OR (code, id) > ($5, $6::uuid))
            ORDER BY code, id LIMIT $7
            """, [site, kind?.rawValue, active, text, after?.first, after?.last, limit + 1])
    }

    static func get(site: UUID, id: UUID) -> PostgresStatement {
        PostgresStatement("SELECT \(columns) FROM places WHERE site_id = $1 AND id = $2", [site, id])
    }

    static func lock(site: UUID, id: UUID) -> PostgresStatement {
        PostgresStatement("SELECT version FROM places WHERE site_id = $1 AND id = $2 FOR UPDATE", [site, id])
    }

    static func insert(site: UUID, _ place: NewPlace) -> PostgresStatement {
        let name = place.name ?? place.code
        return PostgresStatement(
            """
            INSERT INTO places (site_id, code, kind, name, name_key, building, floor, unit, ward, bed, service_window, contact_name, contact_phone)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
            RETURNING \(columns)
            """, [site, place.code, place.kind.rawValue, name, MatchKey.of(name) ?? name, place.building, place.floor, place.unit, place.ward, place.bed,
                  place.window, place.contactName, place.contactPhone])
    }

    /// A part given as "" is cleared; nil keeps it.
    static func update(site: UUID, id: UUID, _ changes: PlaceChanges, active: Bool?) -> PostgresStatement {
        func part(_ n: Int, _ column: String) -> String { "\(column) = CASE WHEN $\(n)::text IS NULL THEN \(column) ELSE nullif($\(n), '') END" }
        return PostgresStatement(
            """
            UPDATE places SET name = coalesce($3::text, name), name_key = coalesce($4::text, name_key),
                \(part(5, "building")), \(part(6, "floor")), \(part(7, "unit")), \(part(8, "ward")), \(part(9, "bed")), \(part(10, "service_window")),
                \(part(11, "contact_name")), \(part(12, "contact_phone")), active = coalesce($13::bool, active),
                version = version + 1, updated_at = now()
            WHERE site_id = $1 AND id = $2
            RETURNING \(columns)
            """, [site, id, changes.name, changes.name.flatMap(MatchKey.of), changes.building, changes.floor, changes.unit, changes.ward, changes.bed,
                  changes.window, changes.contactName, changes.contactPhone, active])
    }

    /// The active place of the site whose name or code is `key` (a `MatchKey`), when exactly
    /// one is.
    static func named(site: UUID, key: String) -> PostgresStatement {
        PostgresStatement(
            "SELECT id FROM places WHERE site_id = $1 AND active AND (name_key = $2 OR lower(code) = $2) ORDER BY id LIMIT 2", [site, key])
    }

    static func notFound(_ id: String) -> DomainError {
        DomainError(.notFound, code: "place.not_found", message: "no place with id \(id) at this site")
    }
}

enum RepairItemStore {
    static let columns = "id, code, name, scale, fee, fee_unit, fee_note, active, version, created_at, updated_at"

    static func decode(_ row: PostgresRow) throws -> RepairItem {
        let scale: String = try row.decode("scale")
        return RepairItem(
            id: try row.decode("id"), code: try row.decode("code"), name: try row.decode("name"), scale: RepairScale(rawValue: scale) ?? .large,
            fee: try row.decodeIfPresent("fee"), feeUnit: try row.decodeIfPresent("fee_unit"), feeNote: try row.decodeIfPresent("fee_note"),
            active: try row.decode("active"), version: try row.decode("version"), createdAt: try row.decode("created_at"), updatedAt: try row.decode("updated_at"))
    }

    static func list(site: UUID, active: Bool?, scale: RepairScale?, after: [String]?, limit: Int) -> PostgresStatement {
        PostgresStatement(
            """
            SELECT \(columns) FROM repair_items
            WHERE site_id = $1 AND ($2::bool IS NULL OR active = $2) AND ($3::text IS NULL OR scale = $3)
              AND ($4::text IS NULL OR (code, id) > ($4, $5::uuid))
            ORDER BY code, id LIMIT $6
            """, [site, active, scale?.rawValue, after?.first, after?.last, limit + 1])
    }

    static func get(site: UUID, id: UUID) -> PostgresStatement {
        PostgresStatement("SELECT \(columns) FROM repair_items WHERE site_id = $1 AND id = $2", [site, id])
    }

    static func lock(site: UUID, id: UUID) -> PostgresStatement {
        PostgresStatement("SELECT version FROM repair_items WHERE site_id = $1 AND id = $2 FOR UPDATE", [site, id])
    }

    static func insert(site: UUID, _ item: NewRepairItem) -> PostgresStatement {
        PostgresStatement(
            """
            INSERT INTO repair_items (site_id, code, name, scale, fee, fee_unit, fee_note) VALUES ($1, $2, $3, $4, $5, $6, $7)
            RETURNING \(columns)
            """, [site, item.code, item.name, item.scale.rawValue, item.fee, item.feeUnit, item.feeNote])
    }

    /// `feeUnit`/`feeNote` given as "" are cleared.
    static func update(site: UUID, id: UUID, _ changes: RepairItemChanges, active: Bool?) -> PostgresStatement {
        PostgresStatement(
            """
            UPDATE repair_items SET name = coalesce($3::text, name), scale = coalesce($4::text, scale), fee = coalesce($5::numeric, fee),
                fee_unit = CASE WHEN $6::text IS NULL THEN fee_unit ELSE nullif($6, '') END,
                fee_note = CASE WHEN $7::text IS NULL THEN fee_note ELSE nullif($7, '') END,
                active = coalesce($8::bool, active), version = version + 1, updated_at = now()
            WHERE site_id = $1 AND id = $2
            RETURNING \(columns)
            """, [site, id, changes.name, changes.scale?.rawValue, changes.fee, changes.feeUnit, changes.feeNote, active])
    }

    /// The scale of an active item of the site; nil when there is none.
    static func scale(site: UUID, id: UUID) -> PostgresStatement {
        PostgresStatement("SELECT scale FROM repair_items WHERE site_id = $1 AND id = $2 AND active", [site, id])
    }

    static func notFound(_ id: String) -> DomainError {
        DomainError(.notFound, code: "repair_item.not_found", message: "no repair item with id \(id) at this site")
    }
}

extension TicketStore {
    /// What a ticket names of the register and the catalogue, checked: the place (given, or the
    /// one place whose name or code the free-text location is) and the repair item's scale.
    /// 422 naming the field when a given id is not an active record of this site.
    static func placeAndItem(_ connection: isolated PostgresConnection, site: UUID, place: UUID?, locationKey: String?, item: UUID?) async throws
        -> (place: UUID?, scale: RepairScale?) {
        var errors: [DomainError.FieldError] = []
        var found = place
        if let place {
            let active = try await connection.execute(PlaceStore.get(site: site, id: place)).first.map { try $0.decode("active", as: Bool.self) }
            if active != true {
                errors.append(.init(field: "placeId", code: "ticket.unknown_place", message: "no active place with this id at this site"))
            }
        } else if let locationKey {
            let rows = try await connection.execute(PlaceStore.named(site: site, key: locationKey))
            found = rows.count == 1 ? try rows[0].decode("id", as: UUID.self) : nil
        }
        var scale: RepairScale?
        if let item {
            scale = try await connection.execute(RepairItemStore.scale(site: site, id: item)).first.flatMap { RepairScale(rawValue: try $0.decode("scale")) }
            if scale == nil {
                errors.append(.init(field: "repairItemId", code: "ticket.unknown_repair_item", message: "no active repair item with this id at this site"))
            }
        }
        try DomainError.check(errors)
        return (found, scale)
    }
}
