import Domain
import Foundation
import HTTPTypes
import Hummingbird
import Synchronization

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

    /// 32 hex digits: 64 random bits drawn once per process, then the count of the ids this
    /// process made, scrambled by a random odd multiplier and offset (a one-to-one map of
    /// 64-bit numbers, so still unique) so that an id does not tell a client how many requests
    /// all sites together made. Unique across processes and restarts without a system call
    /// per request (drawing 128 fresh bits cost two `getrandom` calls and four strings each time).
    static func generate() -> String {
        let number = issued.add(1, ordering: .relaxed).newValue &* scramble.multiplier &+ scramble.offset
        return String(unsafeUninitializedCapacity: 32) { buffer in
            let digits: StaticString = "0123456789abcdef"
            for (offset, value) in [(0, processPrefix), (16, number)] {
                for index in 0..<16 {
                    buffer[offset + index] = digits.utf8Start[Int((value >> UInt64(60 - 4 * index)) & 0xf)]
                }
            }
            return 32
        }
    }

    private static let processPrefix = UInt64.random(in: .min ... .max)
    private static let scramble = (multiplier: UInt64.random(in: .min ... .max) | 1, offset: UInt64.random(in: .min ... .max))
    private static let issued = Atomic<UInt64>(0)
}

extension HTTPField.Name {
    /// A field name written in the source, which is valid by inspection.
    static func known(_ name: String) -> HTTPField.Name {
        guard let field = HTTPField.Name(name) else { preconditionFailure("\(name) is not a valid HTTP field name") }
        return field
    }
}
