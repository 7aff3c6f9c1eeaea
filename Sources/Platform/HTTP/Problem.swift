import Domain
import Foundation
import Hummingbird
import Postgres

/// An RFC 9457 `application/problem+json` error response with a stable machine `code` and
/// per-field errors. Every error the API returns is one of these.
public struct Problem: HTTPResponseError, Codable, Sendable, Equatable {
    public var type: String
    public var title: String
    public var statusCode: Int
    public var detail: String
    public var code: String
    public var errors: [DomainError.FieldError]
    /// Seconds a client should wait before retrying (503), sent as `Retry-After`.
    public var retryAfter: Int?

    enum CodingKeys: String, CodingKey {
        case type, title, statusCode = "status", detail, code, errors
    }

    public init(status: HTTPResponse.Status, code: String, detail: String, errors: [DomainError.FieldError] = [], retryAfter: Int? = nil) {
        self.type = "https://errors.sites-platform.dev/\(code)"
        self.title = status.reasonPhrase
        self.statusCode = Int(status.code)
        self.detail = detail
        self.code = code
        self.errors = errors
        self.retryAfter = retryAfter
    }

    public var status: HTTPResponse.Status { HTTPResponse.Status(code: statusCode) }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var headers: HTTPFields = [.contentType: "application/problem+json"]
        if let retryAfter { headers[.retryAfter] = String(retryAfter) }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(data: try encoder.encode(self))))
    }

    /// The problem for any error a route let escape: domain rules keep their code, database
    /// trouble maps by SQLSTATE, anything else is a 500 that does not leak internals.
    public static func from(_ error: any Error) -> Problem {
        switch error {
        case let problem as Problem:
            return problem
        case let domain as DomainError:
            let status: HTTPResponse.Status = switch domain.kind {
            case .invalid: .unprocessableContent
            case .notFound: .notFound
            case .conflict: .conflict
            case .forbidden: .forbidden
            case .unauthorized: .unauthorized
            case .unavailable: .serviceUnavailable
            }
            return Problem(status: status, code: domain.code, detail: domain.message, errors: domain.fieldErrors, retryAfter: domain.kind == .unavailable ? 1 : nil)
        case let database as PostgresError:
            if database.isUnavailable {
                return Problem(status: .serviceUnavailable, code: "service.database_unavailable", detail: "the database is unavailable; retry shortly", retryAfter: 1)
            }
            switch database.code {
            case .uniqueViolation?, .exclusionViolation?:
                return Problem(status: .conflict, code: "resource.conflict", detail: "the change conflicts with existing data")
            case .foreignKeyViolation?:
                return Problem(status: .unprocessableContent, code: "resource.reference_invalid", detail: "the request refers to something that does not exist")
            case .checkViolation?, .notNullViolation?, .invalidTextRepresentation?:
                return Problem(status: .unprocessableContent, code: "request.invalid", detail: "a value is out of range or malformed")
            case .queryCanceled?:
                return Problem(status: .gatewayTimeout, code: "service.timeout",
                               detail: "the request took longer than the database allows; narrow it or retry later", retryAfter: 1)
            case .serializationFailure?, .deadlockDetected?, .lockNotAvailable?:
                return Problem(status: .serviceUnavailable, code: "service.busy", detail: "the database is busy; retry", retryAfter: 1)
            default:
                return Problem(status: .internalServerError, code: "server.error", detail: "an internal error occurred")
            }
        case let http as HTTPError:
            return Problem(status: http.status, code: "http.\(http.status.code)", detail: http.body ?? http.status.reasonPhrase)
        default:
            return Problem(status: .internalServerError, code: "server.error", detail: "an internal error occurred")
        }
    }
}
