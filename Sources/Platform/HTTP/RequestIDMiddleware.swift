import Domain
import Foundation
import HTTPTypes
import Hummingbird

/// Takes `X-Request-Id` from the client (1–128 of `A–Z a–z 0–9 . _ -`) or makes one, puts it
/// on the logger, and echoes it on the response — errors included.
struct RequestIDMiddleware: RouterMiddleware {
    static let header = HTTPField.Name.known("X-Request-Id")

    func handle(_ request: Request, context: PlatformRequestContext, next: (Request, PlatformRequestContext) async throws -> Response) async throws -> Response {
        var context = context
        let given = request.headers[Self.header]
        let id = given.flatMap { Self.isAcceptable($0) ? $0 : nil } ?? Self.generate()
        context.requestID = id
        context.logger[metadataKey: "request_id"] = .string(id)
        var response = try await next(request, context)
        response.headers[Self.header] = id
        return response
    }

    static func isAcceptable(_ id: String) -> Bool {
        (1...128).contains(id.utf8.count) && id.utf8.allSatisfy { byte in
            (48...57).contains(byte) || (65...90).contains(byte) || (97...122).contains(byte) || byte == 45 || byte == 46 || byte == 95
        }
    }

    /// 128 random bits as 32 hex digits.
    static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        let high = String(generator.next() as UInt64, radix: 16), low = String(generator.next() as UInt64, radix: 16)
        return String(repeating: "0", count: 16 - high.count) + high + String(repeating: "0", count: 16 - low.count) + low
    }
}

extension HTTPField.Name {
    /// A field name written in the source, which is valid by inspection.
    static func known(_ name: String) -> HTTPField.Name {
        guard let field = HTTPField.Name(name) else { preconditionFailure("\(name) is not a valid HTTP field name") }
        return field
    }
}
