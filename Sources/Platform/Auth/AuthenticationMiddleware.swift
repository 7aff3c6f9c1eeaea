import Domain
import Foundation
import Hummingbird
import Synchronization

/// Resolves `Authorization: Bearer <token>` to a `Principal` for every `/api/v1` route.
///
/// Principals are cached for a few seconds by token hash, so a busy client costs one
/// database look-up per interval instead of one per request. A token revoked elsewhere (the
/// CLI) or a suspended site therefore stops working within `lifetime` (10 s); sign-out and
/// role changes made through this server clear the cache at once.
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
        context.principal = try await cache.principal(for: secret) { try await authenticator.authenticate(secret) }
        if let principal = context.principal { context.logger[metadataKey: "user"] = .string(principal.username) }
        return try await next(request, context)
    }
}

/// A short-lived map from token hash to principal.
final class PrincipalCache: Sendable {
    let lifetime: Duration
    private let entries = Mutex<[Data: (principal: Principal, expires: ContinuousClock.Instant)]>([:])

    init(lifetime: Duration = .seconds(10)) {
        self.lifetime = lifetime
    }

    /// Forgets every cached principal, so a change of roles applies to the next request.
    func forgetAll() {
        entries.withLock { $0.removeAll() }
    }

    /// Forgets a token at once (sign-out), instead of waiting for the entry to expire.
    func forget(_ secret: String) {
        _ = entries.withLock { $0.removeValue(forKey: APIToken.hash(secret)) }
    }

    func principal(for secret: String, load: () async throws -> Principal) async throws -> Principal {
        let key = APIToken.hash(secret)
        let now = ContinuousClock.now
        if let hit = entries.withLock({ $0[key] }), hit.expires > now { return hit.principal }
        let principal = try await load()
        entries.withLock { entries in
            if entries.count > 10_000 { entries.removeAll(keepingCapacity: true) }
            entries[key] = (principal, now.advanced(by: lifetime))
        }
        return principal
    }
}
