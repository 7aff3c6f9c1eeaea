import Domain
import Foundation
import Hummingbird
import Postgres
import Synchronization

/// A site reached through `/api/v1/sites/{siteCode}`, with the role the user holds there.
///
/// A code the user does not reach is answered exactly like a code that does not exist
/// (404 `site.not_found`), so the API never confirms another site's existence.
public struct SiteAccess: Sendable {
    public var site: Site
    public var role: Role
    public var principal: Principal

    /// The narrowest scope for the request: this one site.
    public var scope: AccessScope {
        AccessScope(sites: .only([site.id]), actorID: principal.userID, role: role.rawValue)
    }

    /// Throws 403 `auth.forbidden` unless the role allows `permission`.
    public func require(_ permission: Permission) throws {
        guard role.may(permission) else {
            throw Problem(status: .forbidden, code: "auth.forbidden", detail: "the \(role.rawValue) role may not do this at site \(site.code)")
        }
    }
}

/// Finds the site behind a code for a principal. Sites are few and codes immutable, so they
/// are cached briefly; status changes are seen within `lifetime`.
final class SiteDirectory: Sendable {
    let store: SiteStore
    let lifetime: Duration
    private let cache = Mutex<[String: (site: Site, expires: ContinuousClock.Instant)]>([:])

    init(store: SiteStore, lifetime: Duration = .seconds(10)) {
        self.store = store
        self.lifetime = lifetime
    }

    func access(code: String, for principal: Principal) async throws -> SiteAccess {
        let code = code.uppercased()
        let role: Role
        if let globalRole = principal.globalRole {
            role = globalRole
        } else if let grant = principal.grants.first(where: { $0.siteCode == code }) {
            role = grant.role
        } else {
            throw SiteStore.notFound(code)
        }
        return SiteAccess(site: try await site(code: code), role: role, principal: principal)
    }

    private func site(code: String) async throws -> Site {
        let now = ContinuousClock.now
        if let hit = cache.withLock({ $0[code] }), hit.expires > now { return hit.site }
        guard let site = try await store.find(code: code, scope: .operations) else { throw SiteStore.notFound(code) }
        cache.withLock { $0[code] = (site, now.advanced(by: lifetime)) }
        return site
    }

    func forget(code: String) {
        _ = cache.withLock { $0.removeValue(forKey: code.uppercased()) }
    }
}
