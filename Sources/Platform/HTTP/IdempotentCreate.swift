import Crypto
import Domain
import Foundation
import HTTPTypes
import Hummingbird
import Postgres

/// Runs a creating POST at most once per `Idempotency-Key`.
///
/// The key, a hash of method, path and body, and the response are stored in the same
/// transaction as the creation. A retry with the same key and body within 24 hours gets the
/// stored response (with `Idempotent-Replayed: true`) and writes nothing; the same key with a
/// different body is 422. Two concurrent requests with one key: the second waits on the
/// first's unique key, then fails its insert, rolls back its own creation and replays the
/// first's response — one row either way.
struct IdempotentCreate {
    /// Keys of requests that belong to no site (headquarters creating a site).
    static let groupWide = UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))
    static let replayedHeader = HTTPField.Name.known("Idempotent-Replayed")
    static let keyHeader = HTTPField.Name.known("Idempotency-Key")

    /// What the creation produced.
    struct Created: Sendable {
        var status: HTTPResponse.Status
        var body: Data
        var version: Int?
        var location: String?
    }

    let database: PlatformDatabase
    let scope: AccessScope
    let siteID: UUID
    let userID: UUID

    func run(
        _ request: Request, body: Data,
        create: @Sendable @escaping (isolated PostgresConnection) async throws -> Created
    ) async throws -> Response {
        guard let key = request.headers[Self.keyHeader] else {
            return Self.response(try await database.transaction(scope) { try await create($0) }, replayed: false)
        }
        guard (1...200).contains(key.utf8.count), key.utf8.allSatisfy({ (33...126).contains($0) }) else {
            throw Problem(status: .badRequest, code: "request.invalid_idempotency_key", detail: "Idempotency-Key must be 1–200 visible ASCII characters")
        }
        var hasher = SHA256()
        hasher.update(data: Data("\(request.method.rawValue) \(request.uri.path)\n".utf8))
        hasher.update(data: body)
        let fingerprint = Data(hasher.finalize())
        let (siteID, userID) = (self.siteID, self.userID)
        let lookup = PostgresStatement(
            "SELECT request_sha256, status, response FROM idempotency_keys WHERE site_id = $1 AND user_id = $2 AND key = $3 AND created_at > now() - interval '24 hours'",
            [siteID, userID, key])
        do {
            let outcome = try await database.transaction(scope) { connection -> (Created, Bool) in
                try await connection.query(
                    "DELETE FROM idempotency_keys WHERE site_id = $1 AND user_id = $2 AND key = $3 AND created_at <= now() - interval '24 hours'",
                    [siteID, userID, key])
                if let stored = try await connection.execute(lookup).first {
                    return (try Self.replay(stored, fingerprint: fingerprint), true)
                }
                let created = try await create(connection)
                try await connection.query(
                    "INSERT INTO idempotency_keys (site_id, user_id, key, method, path, request_sha256, status, response) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                    [siteID, userID, key, request.method.rawValue, request.uri.path, fingerprint, Int(created.status.code), String(decoding: created.body, as: UTF8.self)])
                return (created, false)
            }
            return Self.response(outcome.0, replayed: outcome.1)
        } catch let error as PostgresError where error.code == .uniqueViolation && error.constraint == "idempotency_keys_pkey" {
            let stored = try await database.pipeline(scope, [lookup])[0]
            guard let row = stored.first else { throw error }
            return Self.response(try Self.replay(row, fingerprint: fingerprint), replayed: true)
        }
    }

    static func replay(_ row: PostgresRow, fingerprint: Data) throws -> Created {
        guard try row.decode("request_sha256", as: Data.self) == fingerprint else {
            throw Problem(status: .unprocessableContent, code: "request.idempotency_key_reused",
                          detail: "this Idempotency-Key was used with a different request in the last 24 hours; use a new key",
                          errors: [.init(field: "Idempotency-Key", code: "request.idempotency_key_reused", message: "key already used for a different body")])
        }
        return Created(status: HTTPResponse.Status(code: try row.decode("status")), body: Data(try row.decode("response", as: String.self).utf8))
    }

    static func response(_ created: Created, replayed: Bool) -> Response {
        var headers: HTTPFields = [.contentType: "application/json; charset=utf-8"]
        if let version = created.version { headers[.eTag] = Versioning.etag(version) }
        if let location = created.location { headers[.location] = location }
        if replayed { headers[replayedHeader] = "true" }
        return Response(status: created.status, headers: headers, body: .init(byteBuffer: ByteBuffer(data: created.body)))
    }
}
