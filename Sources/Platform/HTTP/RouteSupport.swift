import Domain
import Foundation
import Hummingbird
import Postgres

/// What every route handler needs: the database, the site directory, each site's rules and
/// the clock.
struct APIServices: Sendable {
    let database: PlatformDatabase
    let directory: SiteDirectory
    let rulebook: SiteRulebook
    let clock: PlatformClock
    /// The statement timeout of reports and exports, which read far more than a request.
    var reportTimeout: Duration? = .seconds(60)

    /// The database for reports and exports: their own, longer statement timeout.
    var reports: PlatformDatabase { database.allowing(reportTimeout) }

    /// The site behind `{siteCode}` for the signed-in user, or 404.
    func siteAccess(_ context: PlatformRequestContext) async throws -> SiteAccess {
        try await directory.access(code: try context.parameter("siteCode"), for: try context.requirePrincipal())
    }

    /// The JSON body, decoded strictly, and its raw bytes (for idempotency fingerprints).
    func body<T: RequestBody>(_ type: T.Type, _ request: Request, _ context: PlatformRequestContext) async throws -> (T, Data) {
        let data = try await StrictJSONDecoder.body(of: request, context: context)
        return (try StrictJSONDecoder.decode(type, from: data), data)
    }

    /// The body of an action, which may be left out: an empty body is `empty`.
    func optionalBody<T: RequestBody>(_ type: T.Type, _ request: Request, _ context: PlatformRequestContext, empty: @autoclosure () -> T) async throws -> T {
        let data = try await StrictJSONDecoder.body(of: request, context: context)
        return data.isEmpty ? empty() : try StrictJSONDecoder.decode(type, from: data)
    }

    /// One record by a `SELECT` of at most one row, as JSON with its version as ETag;
    /// `missing` when there is no such row at this site.
    func record<Record: Encodable>(
        _ access: SiteAccess, _ statement: PostgresStatement, decode: (PostgresRow) throws -> Record, version: (Record) -> Int, missing: @autoclosure () -> DomainError
    ) async throws -> Response {
        guard let row = try await read(access, [statement])[0].first else { throw missing() }
        let record = try decode(row)
        return try Response.json(record, version: version(record))
    }

    /// The scope of a headquarters view: every site for HQ roles, their own sites for
    /// regional managers; 403 for anyone else.
    func headquartersScope(_ context: PlatformRequestContext, what: String) throws -> AccessScope {
        let principal = try context.requirePrincipal()
        guard principal.globalRole != nil || principal.grants.contains(where: { $0.role == .regionalManager }) else {
            throw Problem(status: .forbidden, code: "auth.forbidden", detail: "\(what) is for headquarters and regional managers")
        }
        var scope = principal.scope
        if principal.globalRole == nil {
            scope.sites = .only(principal.grants.filter { $0.role == .regionalManager }.map(\.siteId))
        }
        return scope
    }

    /// What a creating or changing handler wrote, for the response and the audit line.
    struct Written<Record: Encodable & Sendable>: Sendable {
        var record: Record
        var id: UUID
        var version: Int
        var detail: [String: String]
    }

    /// A creating POST of a site record: at most once per `Idempotency-Key`, the insert and
    /// its audit line (`action`) in one transaction, 201 with `Location` under `collection`;
    /// a unique violation becomes `conflict`.
    func create<Record: Encodable & Sendable>(
        _ request: Request, _ context: PlatformRequestContext, _ access: SiteAccess, body: Data, collection: String, action: String,
        conflict: DomainError, insert: @Sendable @escaping (isolated PostgresConnection) async throws -> Written<Record>
    ) async throws -> Response {
        let (site, scope, requestID) = (access.site, access.scope, context.requestID)
        let targetType = String(action.prefix { $0 != "." })
        do {
            return try await IdempotentCreate(database: database, scope: scope, siteID: site.id, userID: access.principal.userID).run(request, body: body) { connection in
                let inserted = try await insert(connection)
                try await connection.execute(AuditLog.record(site: site.id, scope: scope, action: action, targetType: targetType, targetID: inserted.id.uuidString,
                                                       detail: inserted.detail, requestID: requestID))
                return .init(status: .created, body: try PlatformJSONEncoder.encode(inserted.record), version: inserted.version,
                             location: "/api/v1/sites/\(site.code)/\(collection)/\(inserted.id.uuidString)")
            }
        } catch let error as PostgresError where error.code == .uniqueViolation {
            throw conflict
        }
    }

    /// A change of one versioned site record, in one transaction: `current` reads the record
    /// as it is (at most one row, decoded by `decode`; none is `missing`; `FOR UPDATE` where the
    /// change reads more than the row), a stale `If-Match` is 412 before anything is written,
    /// then `apply` makes the change from the current record and its audit line (`action`,
    /// target the record's id) is added; the changed record is returned with its ETag.
    func update<Current: Sendable, Record: Encodable & Sendable>(
        _ request: Request, _ context: PlatformRequestContext, _ access: SiteAccess, action: String,
        current: PostgresStatement, decode: @Sendable @escaping (PostgresRow) throws -> Current, version: @Sendable @escaping (Current) -> Int, missing: DomainError,
        apply: @Sendable @escaping (isolated PostgresConnection, Current) async throws -> Written<Record>
    ) async throws -> Response {
        let expected = try Versioning.expectedVersion(request)
        let (site, scope, requestID) = (access.site, access.scope, context.requestID)
        let targetType = String(action.prefix { $0 != "." })
        let written = try await database.transaction(scope) { connection -> Written<Record> in
            guard let row = try await connection.execute(current).first else { throw missing }
            let record = try decode(row)
            if let expected, expected != version(record) { throw Versioning.stale(current: version(record)) }
            let written = try await apply(connection, record)
            try await connection.execute(AuditLog.record(site: site.id, scope: scope, action: action, targetType: targetType, targetID: written.id.uuidString,
                                                   detail: written.detail, requestID: requestID))
            return written
        }
        return try Response.json(written.record, version: written.version)
    }

    /// A version-checked `UPDATE … RETURNING` that found no row: the record changed between
    /// reading and writing it.
    static func changedMeanwhile(_ version: Int) -> Problem { Versioning.stale(current: version + 1) }

    /// Runs statements in one pipelined transaction in the site's scope.
    func read(_ access: SiteAccess, _ statements: [PostgresStatement]) async throws -> [PostgresRows] {
        try await database.pipeline(access.scope, statements)
    }
}

extension Request {
    /// A typed query parameter's text; absent is nil. Present but empty (`?role=`) is 422:
    /// an empty string is no value of an enum, UUID, date or boolean, and must not be read as
    /// "no filter".
    func query(value name: String) throws -> String? {
        guard let value = uri.queryParameters.get(name) else { return nil }
        guard !value.isEmpty else {
            throw Problem(status: .unprocessableContent, code: "request.invalid", detail: "\(name) is empty; leave it out for no filter",
                          errors: [.init(field: name, code: "request.empty_value", message: "empty; leave the parameter out instead")])
        }
        return value
    }

    /// A query parameter validated against a set of values; absent is nil.
    func query(_ name: String, oneOf values: [String]) throws -> String? {
        guard let value = try query(value: name) else { return nil }
        guard values.contains(value) else {
            throw Problem(status: .unprocessableContent, code: "request.invalid", detail: "\(name) must be one of \(values.joined(separator: ", "))",
                          errors: [.init(field: name, code: "request.invalid_value", message: "one of \(values.joined(separator: ", "))")])
        }
        return value
    }

    /// A query parameter that must be a UUID; absent is nil.
    func query(uuid name: String) throws -> UUID? {
        guard let value = try query(value: name) else { return nil }
        guard let id = UUID(text: value) else {
            throw Problem(status: .unprocessableContent, code: "request.invalid", detail: "\(name) must be a UUID",
                          errors: [.init(field: name, code: "request.invalid_uuid", message: "not a UUID")])
        }
        return id
    }

    func query(bool name: String) throws -> Bool? {
        try query(name, oneOf: ["true", "false"]).map { $0 == "true" }
    }

    /// A query parameter that must be a date (YYYY-MM-DD); absent is nil.
    func query(date name: String) throws -> CalendarDate? {
        guard let value = try query(value: name) else { return nil }
        guard let date = CalendarDate(value) else {
            throw Problem(status: .unprocessableContent, code: "request.invalid", detail: "\(name) must be a date, YYYY-MM-DD",
                          errors: [.init(field: name, code: "request.invalid_value", message: "e.g. 2026-11-26")])
        }
        return date
    }

    /// A query parameter that must be an RFC 3339 timestamp; absent is nil.
    func query(instant name: String) throws -> Date? {
        guard let value = try query(value: name) else { return nil }
        guard let date = RFC3339.parse(value) else {
            throw Problem(status: .unprocessableContent, code: "request.invalid", detail: "\(name) must be an RFC 3339 timestamp",
                          errors: [.init(field: name, code: "request.invalid_value", message: "e.g. 2026-11-01T00:00:00+08:00")])
        }
        return date
    }

    /// A free-text query parameter of bounded length.
    func query(text name: String, maxLength: Int = 100) throws -> String? {
        guard let value = uri.queryParameters.get(name)?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
        guard value.count <= maxLength else {
            throw Problem(status: .unprocessableContent, code: "request.invalid", detail: "\(name) is at most \(maxLength) characters",
                          errors: [.init(field: name, code: "request.too_long", message: "at most \(maxLength) characters")])
        }
        return value
    }
}
