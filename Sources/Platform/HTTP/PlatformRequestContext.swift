import Domain
import Foundation
import Hummingbird
import Logging
import NIOCore

/// Per-request state every route sees: the request id, the signed-in principal, and the
/// JSON coders with the platform's conventions.
public struct PlatformRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Accepted from `X-Request-Id` or generated; echoed on the response and in every log line.
    public var requestID: String = ""
    /// Set by `AuthenticationMiddleware` on `/api/v1` routes.
    public var principal: Principal?
    /// The bearer token the principal signed in with (for signing out).
    var bearerToken: String?

    /// The client's address, for per-address sign-in limits.
    public let remoteAddress: SocketAddress?
    /// Tells when the client goes away (nil when the server was built without the watcher).
    let disconnect: ClientDisconnectWatcher?

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.remoteAddress = source.channel.remoteAddress
        self.disconnect = ClientDisconnectWatcher.of(source.channel)
    }

    /// Request bodies are small JSON documents; anything larger is refused with 413.
    public var maxUploadSize: Int { 256 * 1024 }

    public var requestDecoder: StrictJSONDecoder { StrictJSONDecoder() }
    public var responseEncoder: PlatformJSONEncoder { PlatformJSONEncoder() }

    /// The principal, or 401 when the route was reached without one.
    public func requirePrincipal() throws -> Principal {
        guard let principal else {
            throw Problem(status: .unauthorized, code: "auth.required", detail: "send Authorization: Bearer <token>")
        }
        return principal
    }
}
