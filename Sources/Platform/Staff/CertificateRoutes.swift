import Domain
import Foundation
import Hummingbird
import Postgres

/// `/api/v1/sites/{siteCode}/certificates` (a site's licences) and
/// `/api/v1/hq/certificates` (expiring licences across sites).
struct CertificateRoutes {
    let services: APIServices
    static let base = "/api/v1/sites/{siteCode}/certificates"

    func register(_ routes: inout APIRoutes) {
        routes.add(Endpoint(
            .get, Self.base, summary: "Certificates of active staff, soonest expiry first", tag: "Staff", response: "CertificatePage",
            query: [.init("expiringWithin", "string", "Only those expiring within N days (e.g. 60d), expired ones included; each certificate's renewalDue says whether it is within the site's warning period"),
                    .init("staff", "string", "Staff id", format: "uuid"), .init("type", "string", "Certificate type code"),
                    .init("limit", "integer", "Page size, 1–200"), .init("cursor", "string", "nextCursor of the previous page")])) { request, context in
            let access = try await services.siteAccess(context)
            let now = services.clock.now()
            let until = try Self.expiringWithin(request).map { CalendarDate.day(of: now, in: access.site.timezone).adding(days: $0) }
            let filters = [until?.description ?? "", try request.query(uuid: "staff")?.uuidString ?? "", try request.query(text: "type", maxLength: 64) ?? ""]
            let listing = "certificates:\(access.site.id):\(filters.joined(separator: ":"))"
            let page = try PageRequest(request, listing: listing)
            let rows = try await services.read(access, [CertificateStore.list(
                site: access.site.id, staff: try request.query(uuid: "staff"), type: try request.query(text: "type", maxLength: 64), until: until,
                after: page.after, limit: page.limit)])
            let certificates = try rows[0].map { try CertificateStore.decode($0, now: now) }
            return try Response.json(page.page(certificates, listing: listing) { [$0.expiresOn.description, $0.id.uuidString] })
        }
        routes.add(Endpoint(
            .post, Self.base, summary: "Record a staff member's certificate (managers)", tag: "Staff", request: "NewCertificate", response: "Certificate",
            success: 201, idempotent: true, example: #"{"staffId":"\#(ExampleIDs.staff)","type":"electrician","number":"DG-2024-0001","issuer":"市应急管理局","issuedOn":"2024-03-01","expiresOn":"2030-02-28"}"#)) { request, context in
            let access = try await services.siteAccess(context)
            try access.require(.manageSite)
            let (body, data) = try await services.body(NewCertificate.self, request, context)
            let certificate = try LicenceRules.validate(body)
            let (site, now) = (access.site, services.clock.now())
            return try await services.create(
                request, context, access, body: data, collection: "certificates", action: "certificate.create",
                conflict: DomainError(.conflict, code: "staff.certificate_number_taken",
                                      message: "a \(certificate.type) certificate numbered \(certificate.number) is already recorded at this site",
                                      fieldErrors: [.init(field: "number", code: "staff.certificate_number_taken", message: "already recorded")])
            ) { connection in
                try await Self.checkReferences(connection, site: site.id, staff: certificate.staffId, type: certificate.type)
                let created = try await CertificateStore.decode(try connection.execute(CertificateStore.insert(site: site.id, certificate))[0], now: now)
                return .init(record: created, id: created.id, version: created.version,
                             detail: ["staff": created.employeeNo, "type": created.type, "expiresOn": created.expiresOn.description])
            }
        }
        routes.add(Endpoint(.get, Self.base + "/{certificateId}", summary: "One certificate", tag: "Staff", response: "Certificate")) { _, context in
            let access = try await services.siteAccess(context)
            let id = try context.uuidParameter("certificateId", resource: "certificate")
            let now = services.clock.now()
            return try await services.record(access, CertificateStore.get(site: access.site.id, id: id), decode: { try CertificateStore.decode($0, now: now) },
                                             version: \.version, missing: CertificateStore.notFound(id.uuidString))
        }
        routes.add(Endpoint(
            .patch, Self.base + "/{certificateId}", summary: "Renew or correct a certificate (managers)", tag: "Staff", request: "CertificateChanges",
            response: "Certificate", conditional: true, example: #"{"expiresOn":"2031-02-28"}"#)) { request, context in
            let access = try await services.siteAccess(context)
            try access.require(.manageSite)
            let id = try context.uuidParameter("certificateId", resource: "certificate")
            let (changes, _) = try await services.body(CertificateChanges.self, request, context)
            let (site, now) = (access.site, services.clock.now())
            return try await services.update(request, context, access, action: "certificate.update", current: CertificateStore.get(site: site.id, id: id),
                                             decode: { try CertificateStore.decode($0, now: now) }, version: \.version,
                                             missing: CertificateStore.notFound(id.uuidString)) { connection, current in
                let changed = try LicenceRules.validate(NewCertificate(
                    staffId: current.staffId, type: current.type, number: changes.number ?? current.number, issuer: changes.issuer ?? current.issuer,
                    issuedOn: changes.issuedOn ?? current.issuedOn, expiresOn: changes.expiresOn ?? current.expiresOn, documentRef: changes.documentRef ?? current.documentRef))
                guard let updated = try await connection.execute(CertificateStore.update(site: site.id, id: id, changed, expectedVersion: current.version)).first else {
                    throw APIServices.changedMeanwhile(current.version)
                }
                let certificate = try CertificateStore.decode(updated, now: now)
                return .init(record: certificate, id: certificate.id, version: certificate.version,
                             detail: ["expiresOn": changed.expiresOn.description, "number": changed.number])
            }
        }
        routes.add(Endpoint(
            .get, "/api/v1/hq/certificates", summary: "Licences expiring across sites (headquarters; a regional manager sees their sites)", tag: "Staff",
            response: "CertificatePage",
            query: [.init("expiringWithin", "string", "Days, e.g. 60d (default: each site's own warning period, licences.expiry_warning_days, 60 unless set)"), .init("kind", "string", "Site kind", values: OpenAPISchemas.siteKinds),
                    .init("region", "string", "Region"), .init("limit", "integer", "Page size, 1–200"),
                    .init("cursor", "string", "nextCursor of the previous page"),
                    .init("format", "string", "json (default, paged) or csv (every row, up to 50,000; UTF-8 with BOM); Accept: text/csv also gives CSV",
                          values: ["json", "csv"])])) { request, context in
            let scope = try services.headquartersScope(context, what: "the licence report")
            let days = try Self.expiringWithin(request)
            let kind = try request.query("kind", oneOf: OpenAPISchemas.siteKinds)
            let region = try request.query(text: "region")
            if try CSVExport.wanted(request) {
                let now = services.clock.now()
                let rows = try await services.reports.pipeline(scope, [CertificateStore.acrossSites(now: now, days: days, kind: kind, region: region, after: nil, limit: 50_000)])
                let certificates = try rows[0].map { try CertificateStore.decode($0, now: now) }
                return CSVExport.response(
                    header: ["站点 Site", "工号 Employee no.", "姓名 Name", "证书 Certificate", "证书编号 Number", "发证机关 Issuer", "发证日期 Issued",
                             "有效期至 Valid through", "剩余天数 Days left", "有效 Valid"],
                    rows: certificates.prefix(50_000).map { c in
                        [c.siteCode, c.employeeNo, c.staffName, c.typeName, c.number, c.issuer ?? "", c.issuedOn.description, c.expiresOn.description,
                         String(c.daysLeft), c.valid ? "是" : "否"]
                    },
                    filename: "licences-expiring-\(days.map { "\($0)d" } ?? "soon").csv")
            }
            let listing = "hq-certificates:\(days.map(String.init) ?? "site"):\(kind ?? ""):\(region ?? "")"
            let page = try PageRequest(request, listing: listing)
            let now = services.clock.now()
            let rows = try await services.reports.pipeline(scope, [CertificateStore.acrossSites(now: now, days: days, kind: kind, region: region, after: page.after, limit: page.limit)])
            let certificates = try rows[0].map { try CertificateStore.decode($0, now: now) }
            return try Response.json(page.page(certificates, listing: listing) { [$0.expiresOn.description, $0.id.uuidString] })
        }
    }

    static func expiringWithin(_ request: Request) throws -> Int? {
        guard let text = try request.query(value: "expiringWithin") else { return nil }
        guard let days = LicenceRules.days(text) else {
            throw DomainError.invalid(field: "expiringWithin", code: "request.invalid_value", message: "a number of days, e.g. 60d")
        }
        return days
    }

    static func checkReferences(_ connection: isolated PostgresConnection, site: UUID, staff: UUID, type: String) async throws {
        let row = try await connection.query(
            """
            SELECT (SELECT status = 'active' FROM staff WHERE site_id = $1 AND id = $2) AS staff_active,
                   EXISTS (SELECT 1 FROM certificate_types WHERE code = $3) AS type_known
            """, [site, staff, type])[0]
        var errors: [DomainError.FieldError] = []
        if try row.decodeIfPresent("staff_active", as: Bool.self) != true {
            errors.append(.init(field: "staffId", code: "staff.not_found", message: "no active staff member with this id at this site"))
        }
        if try !row.decode("type_known", as: Bool.self) {
            errors.append(.init(field: "type", code: "staff.unknown_certificate_type", message: "not a certificate type (see certificate_types)"))
        }
        try DomainError.check(errors)
    }
}
