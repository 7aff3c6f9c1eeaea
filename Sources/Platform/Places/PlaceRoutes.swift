import Domain
import Foundation
import Hummingbird
import Postgres

/// `/api/v1/sites/{siteCode}/places`: the site's register of places (一户一卡: households,
/// rooms, wards, beds, windows, common areas). Reception and managers register and correct
/// places; managers retire and reinstate them. Tickets name a place so that repeats at one
/// place are found whatever was typed.
struct PlaceRoutes {
    let services: APIServices
    static let base = "/api/v1/sites/{siteCode}/places"
    static let kinds = PlaceKind.allCases.map(\.rawValue)

    func register(_ routes: inout APIRoutes) {
        routes.add(Endpoint(
            .get, Self.base, summary: "List the site's places, by code", tag: "Places", response: "PlacePage",
            query: [.init("kind", "string", "Only places of this kind", values: Self.kinds), .init("active", "boolean", "Only active (true) or retired (false) places"),
                    .init("q", "string", "Places whose code or name starts with this (case, spaces and full-width forms ignored)"),
                    .init("limit", "integer", "Page size, 1–200"), .init("cursor", "string", "nextCursor of the previous page")])) { request, context in
            let access = try await services.siteAccess(context)
            let listing = "places:\(access.site.id)"
            let page = try PageRequest(request, listing: listing)
            let kind = try request.query("kind", oneOf: Self.kinds).flatMap(PlaceKind.init(rawValue:))
            let text = try request.query(text: "q").flatMap(MatchKey.of)
            let rows = try await services.read(access, [PlaceStore.list(site: access.site.id, kind: kind, active: try request.query(bool: "active"), text: text,
                                                                        after: page.after, limit: page.limit)])
            return try Response.json(page.page(try rows[0].map(PlaceStore.decode), listing: listing) { [$0.code, $0.id.postgresText] })
        }
        routes.add(Endpoint(
            .post, Self.base, summary: "Register a place (reception and managers)", tag: "Places", request: "NewPlace", response: "Place", success: 201,
            idempotent: true,
            example: #"{"code":"3-2-1201","kind":"household","building":"3栋","floor":"12","unit":"2单元1201","contactName":"王芳","contactPhone":"13800001234"}"#)) { request, context in
            let access = try await services.siteAccess(context)
            try access.require(.intake)
            let (body, data) = try await services.body(NewPlace.self, request, context)
            let place = try body.validated()
            let site = access.site
            return try await services.create(
                request, context, access, body: data, collection: "places", action: "place.create",
                conflict: DomainError(.conflict, code: "place.code_taken", message: "place code \(place.code) is already used at this site",
                                      fieldErrors: [.init(field: "code", code: "place.code_taken", message: "already used at this site")])
            ) { connection in
                let created = try await PlaceStore.decode(try connection.execute(PlaceStore.insert(site: site.id, place))[0])
                return .init(record: created, id: created.id, version: created.version,
                             detail: ["code": created.code, "kind": created.kind.rawValue, "name": created.name])
            }
        }
        routes.add(Endpoint(.get, Self.base + "/{placeId}", summary: "One place", tag: "Places", response: "Place")) { _, context in
            let access = try await services.siteAccess(context)
            let id = try context.uuidParameter("placeId", resource: "place")
            return try await services.record(access, PlaceStore.get(site: access.site.id, id: id), decode: PlaceStore.decode, version: \.version,
                                             missing: PlaceStore.notFound(id.uuidString))
        }
        routes.add(Endpoint(
            .patch, Self.base + "/{placeId}", summary: "Correct a place: its name, address parts or contact (reception and managers); an empty string clears a part",
            tag: "Places", request: "PlaceChanges", response: "Place", conditional: true,
            example: #"{"contactName":"李强","contactPhone":"13900005678"}"#)) { request, context in
            let (body, _) = try await services.body(PlaceChanges.self, request, context)
            let changes = try body.validated()
            var detail: [String: String] = [:]
            for (field, value) in [("name", changes.name), ("building", changes.building), ("floor", changes.floor), ("unit", changes.unit), ("ward", changes.ward),
                                   ("bed", changes.bed), ("window", changes.window), ("contactName", changes.contactName), ("contactPhone", changes.contactPhone)] {
                if let value { detail[field] = value }
            }
            return try await change(request, context, permission: .intake, action: "place.update", changes: changes, active: nil, detail: detail)
        }
        routes.add(Endpoint(
            .post, Self.base + "/{placeId}/retire", summary: "Retire a place: it stays on past tickets and takes no new ones (managers)", tag: "Places",
            response: "Place", conditional: true)) { request, context in
            try await change(request, context, permission: .manageSite, action: "place.retire", changes: PlaceChanges(), active: false, detail: [:])
        }
        routes.add(Endpoint(
            .post, Self.base + "/{placeId}/reinstate", summary: "Bring a retired place back into use (managers)", tag: "Places",
            response: "Place", conditional: true)) { request, context in
            try await change(request, context, permission: .manageSite, action: "place.reinstate", changes: PlaceChanges(), active: true, detail: [:])
        }
    }

    func change(_ request: Request, _ context: PlatformRequestContext, permission: Permission, action: String, changes: PlaceChanges, active: Bool?,
                detail: [String: String]) async throws -> Response {
        let access = try await services.siteAccess(context)
        try access.require(permission)
        let id = try context.uuidParameter("placeId", resource: "place")
        let site = access.site
        return try await services.update(request, context, access, action: action, current: PlaceStore.lock(site: site.id, id: id),
                                         decode: { try $0.decode("version", as: Int.self) }, version: { $0 }, missing: PlaceStore.notFound(id.uuidString)) { connection, _ in
            let place = try await PlaceStore.decode(try connection.execute(PlaceStore.update(site: site.id, id: id, changes, active: active))[0])
            return .init(record: place, id: place.id, version: place.version, detail: detail)
        }
    }
}

/// `/api/v1/sites/{siteCode}/repair-items`: the site's repair catalogue (维修项目) with its fee
/// schedule (收费标准) and each item's scale (small: same working day; large: three working
/// days). Everyone at the site reads it; managers keep it.
struct RepairItemRoutes {
    let services: APIServices
    static let base = "/api/v1/sites/{siteCode}/repair-items"
    static let scales = RepairScale.allCases.map(\.rawValue)

    func register(_ routes: inout APIRoutes) {
        routes.add(Endpoint(
            .get, Self.base, summary: "List the repair catalogue with its fee schedule, by code", tag: "Places", response: "RepairItemPage",
            query: [.init("active", "boolean", "Only active (true) or retired (false) items"), .init("scale", "string", "Only small or large repairs", values: Self.scales),
                    .init("limit", "integer", "Page size, 1–200"), .init("cursor", "string", "nextCursor of the previous page")])) { request, context in
            let access = try await services.siteAccess(context)
            let listing = "repair-items:\(access.site.id)"
            let page = try PageRequest(request, listing: listing)
            let scale = try request.query("scale", oneOf: Self.scales).flatMap(RepairScale.init(rawValue:))
            let rows = try await services.read(access, [RepairItemStore.list(site: access.site.id, active: try request.query(bool: "active"), scale: scale,
                                                                             after: page.after, limit: page.limit)])
            return try Response.json(page.page(try rows[0].map(RepairItemStore.decode), listing: listing) { [$0.code, $0.id.postgresText] })
        }
        routes.add(Endpoint(
            .post, Self.base, summary: "Add an item to the repair catalogue (managers)", tag: "Places", request: "NewRepairItem", response: "RepairItem",
            success: 201, idempotent: true,
            example: #"{"code":"tap_washer","name":"更换水龙头垫片","scale":"small","fee":15.00,"feeUnit":"个","feeNote":"材料费另计"}"#)) { request, context in
            let access = try await services.siteAccess(context)
            try access.require(.manageSite)
            let (body, data) = try await services.body(NewRepairItem.self, request, context)
            let item = try body.validated()
            let site = access.site
            return try await services.create(
                request, context, access, body: data, collection: "repair-items", action: "repair_item.create",
                conflict: DomainError(.conflict, code: "repair_item.code_taken", message: "repair item code \(item.code) is already used at this site",
                                      fieldErrors: [.init(field: "code", code: "repair_item.code_taken", message: "already used at this site")])
            ) { connection in
                let created = try await RepairItemStore.decode(try connection.execute(RepairItemStore.insert(site: site.id, item))[0])
                return .init(record: created, id: created.id, version: created.version,
                             detail: ["code": created.code, "name": created.name, "scale": created.scale.rawValue, "fee": created.fee.map { "\($0)" } ?? ""])
            }
        }
        routes.add(Endpoint(.get, Self.base + "/{repairItemId}", summary: "One repair item", tag: "Places", response: "RepairItem")) { _, context in
            let access = try await services.siteAccess(context)
            let id = try context.uuidParameter("repairItemId", resource: "repair_item")
            return try await services.record(access, RepairItemStore.get(site: access.site.id, id: id), decode: RepairItemStore.decode, version: \.version,
                                             missing: RepairItemStore.notFound(id.uuidString))
        }
        routes.add(Endpoint(
            .patch, Self.base + "/{repairItemId}", summary: "Rename an item, change its scale or fee schedule (managers); tickets already received keep their deadlines",
            tag: "Places", request: "RepairItemChanges", response: "RepairItem", conditional: true,
            example: #"{"fee":20.00,"feeNote":"含人工，不含材料"}"#)) { request, context in
            let (body, _) = try await services.body(RepairItemChanges.self, request, context)
            let changes = try body.validated()
            var detail: [String: String] = [:]
            if let name = changes.name { detail["name"] = name }
            if let scale = changes.scale { detail["scale"] = scale.rawValue }
            if let fee = changes.fee { detail["fee"] = "\(fee)" }
            if let unit = changes.feeUnit { detail["feeUnit"] = unit }
            if let note = changes.feeNote { detail["feeNote"] = note }
            return try await change(request, context, action: "repair_item.update", changes: changes, active: nil, detail: detail)
        }
        routes.add(Endpoint(
            .post, Self.base + "/{repairItemId}/retire", summary: "Retire an item: it stays on past tickets and is named on no new ones (managers)",
            tag: "Places", response: "RepairItem", conditional: true)) { request, context in
            try await change(request, context, action: "repair_item.retire", changes: RepairItemChanges(), active: false, detail: [:])
        }
        routes.add(Endpoint(
            .post, Self.base + "/{repairItemId}/reinstate", summary: "Bring a retired item back into the catalogue (managers)", tag: "Places",
            response: "RepairItem", conditional: true)) { request, context in
            try await change(request, context, action: "repair_item.reinstate", changes: RepairItemChanges(), active: true, detail: [:])
        }
    }

    func change(_ request: Request, _ context: PlatformRequestContext, action: String, changes: RepairItemChanges, active: Bool?,
                detail: [String: String]) async throws -> Response {
        let access = try await services.siteAccess(context)
        try access.require(.manageSite)
        let id = try context.uuidParameter("repairItemId", resource: "repair_item")
        let site = access.site
        return try await services.update(request, context, access, action: action, current: RepairItemStore.lock(site: site.id, id: id),
                                         decode: { try $0.decode("version", as: Int.self) }, version: { $0 }, missing: RepairItemStore.notFound(id.uuidString)) { connection, _ in
            let item = try await RepairItemStore.decode(try connection.execute(RepairItemStore.update(site: site.id, id: id, changes, active: active))[0])
            return .init(record: item, id: item.id, version: item.version, detail: detail)
        }
    }
}
