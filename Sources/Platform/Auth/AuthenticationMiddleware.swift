import Domain
import Foundation
import Hummingbird
import Synchronization

/// Resolves `Authorization: Bearer <token>` to a `Principal` for every `/api/v1` route.
///
/// Principals are cached by token hash (`PrincipalCache`), so a busy client costs one
/// database look-up per interval instead of one per request.
struct AuthenticationMiddleware: RouterMiddleware {
    let authenticator: Authenticator
    let cache: PrincipalCache

    func handle(_ request: Request, context: PlatformRequestContext, next: (Request, PlatformRequestContext) async throws -> Response) async throws -> Response {
        guard let header = request.headers[.authorization] else {
            throw Problem(status: .unauthorized, code: "auth.required", detail: "send Authorization: Bearer <token>")
        }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer", !parts[1].isEmpty, parts[1].utf8.count <= 200 else {
            throw Problem(status: .unauthorized, code: "auth.malformed", detail: "the Authorization header must be 'Bearer <token>'")
        }
        let secret = String(parts[1])
        var context = context
        context.bearerToken = secret
        context.principal = try await cache.principal(for: secret) { try await authenticator.authenticateToken(secret) }
        if let principal = context.principal { context.logger[metadataKey: "user"] = .string(principal.username) }
        return try await next(request, context)
    }
}
