import Domain
import Hummingbird

/// Row versions as `ETag`s, and `If-Match` on changes: a stale version is 412, so two
/// managers editing the same record cannot overwrite each other unknowingly.
enum Versioning {
    static func etag(_ version: Int) -> String { "\"\(version)\"" }

    /// The version the client last saw, from `If-Match` (`"3"`, `W/"3"`); nil when absent or `*`.
    static func expectedVersion(_ request: Request) throws -> Int? {
        guard let header = request.headers[.ifMatch]?.trimmingCharacters(in: .whitespaces), header != "*" else { return nil }
        let tag = header.hasPrefix("W/") ? String(header.dropFirst(2)) : header
        guard tag.hasPrefix("\""), tag.hasSuffix("\""), tag.count > 2, let version = Int(tag.dropFirst().dropLast()) else {
            throw Problem(status: .badRequest, code: "request.invalid_if_match", detail: "If-Match must be an ETag from a previous response, e.g. \"3\"")
        }
        return version
    }

    static func stale(current: Int) -> Problem {
        Problem(status: .preconditionFailed, code: "resource.version_mismatch", detail: "the record changed since you read it (now version \(current)); read it again and retry")
    }
}

extension Response {
    /// A JSON response with the row version as its ETag.
    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok, version: Int? = nil) throws -> Response {
        var headers: HTTPFields = [.contentType: "application/json; charset=utf-8"]
        if let version { headers[.eTag] = Versioning.etag(version) }
        return Response(status: status, headers: headers, body: .init(byteBuffer: try PlatformJSONEncoder.buffer(value)))
    }
}
