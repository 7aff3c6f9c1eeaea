import Domain
import Foundation
import Hummingbird
import NIOCore

/// `POST /api/v1/auth/tokens` (sign in with username and password) and
/// `DELETE /api/v1/auth/tokens/current` (sign out).
struct AuthRoutes {
    let services: APIServices
    let throttle: SharedSignInThrottle
    let cache: PrincipalCache

    struct SignIn: RequestBody {
        var username: String
        var password: String
        /// Token lifetime in hours, 1–720 (default 12: a working day).
        var expiresInHours: Int?
        var label: String?
        enum CodingKeys: String, CodingKey, CaseIterable { case username, password, expiresInHours, label }
    }

    struct Issued: Encodable {
        var token: String
        var tokenId: UUID
        var expiresAt: Date
    }

    func register(_ routes: inout APIRoutes) {
        routes.add(Endpoint(
            .post, "/api/v1/auth/tokens", summary: "Sign in: exchange username and password for a bearer token (failures are rate-limited per user and address)",
            tag: "Auth", request: "SignIn", response: "IssuedToken", success: 201, authenticated: false, example: #"{"username":"h01.manager","password":"项目经理的登录密码2026","expiresInHours":8,"label":"laptop"}"#)) { request, context in
            try await signIn(request, context)
        }
        routes.add(Endpoint(.delete, "/api/v1/auth/tokens/current", summary: "Sign out: revoke the token of this request", tag: "Auth", success: 204)) { _, context in
            if let secret = context.bearerToken {
                _ = try await TokenStore(database: services.database).revoke(secret: secret)
                cache.forget(secret)
            }
            return Response(status: .noContent)
        }
    }

    func signIn(_ request: Request, _ context: PlatformRequestContext) async throws -> Response {
        let (body, _) = try await services.body(SignIn.self, request, context)
        let hours = body.expiresInHours ?? 12
        guard (1...720).contains(hours) else {
            throw DomainError.invalid(field: "expiresInHours", code: "token.invalid_lifetime", message: "a token lives 1–720 hours")
        }
        let username = body.username.trimmingCharacters(in: .whitespaces).lowercased()
        let address = context.remoteAddress?.ipAddress ?? "unknown"
        if let wait = throttle.retryAfter(user: username, address: address) {
            throw Problem(status: .tooManyRequests, code: "auth.too_many_attempts", detail: "too many failed sign-ins; try again in \(Int(wait)) seconds", retryAfter: Int(wait))
        }
        let users = UserStore(database: services.database)
        guard let stored = try await users.passwordHash(username: username) else {
            await PasswordHasher.burn(body.password)
            throttle.recordFailure(user: username, address: address)
            throw Self.refused
        }
        guard await PasswordHasher.verify(body.password, against: stored.hash) else {
            throttle.recordFailure(user: username, address: address)
            throw Self.refused
        }
        throttle.recordSuccess(user: username)
        let scope = AccessScope(sites: .only([]), actorID: stored.id, role: "sign_in")
        let issued = try await TokenStore(database: services.database).issue(username: username, lifetime: TimeInterval(hours * 3600), label: body.label, scope: scope)
        // A user without an active site or headquarters role gets no usable token.
        do {
            _ = try await Authenticator(database: services.database).authenticate(issued.token.secret)
        } catch {
            _ = try? await TokenStore(database: services.database).revoke(id: issued.id, scope: scope)
            throw error
        }
        return try Response.json(Issued(token: issued.token.secret, tokenId: issued.id, expiresAt: issued.expiresAt), status: .created)
    }

    /// One answer for every wrong credential, so a caller cannot tell which part was wrong.
    static let refused = Problem(status: .unauthorized, code: "auth.invalid_credentials", detail: "the username or password is wrong")
}
