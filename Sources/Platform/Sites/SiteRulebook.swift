import Domain
import Foundation
import Postgres
import Synchronization

/// What a site's rules read on every change: its policies (`site_policies`) and working
/// calendars, in its timezone. Loaded once and kept for `lifetime`; a calendar replaced
/// through the API is forgotten at once on this server, other servers see it within
/// `lifetime`.
final class SiteRulebook: Sendable {
    typealias Rules = SiteRules

    let database: PlatformDatabase
    let lifetime: Duration
    private let cache = Mutex<[UUID: (rules: Rules, expires: ContinuousClock.Instant)]>([:])

    init(database: PlatformDatabase, lifetime: Duration = .seconds(10)) {
        self.database = database
        self.lifetime = lifetime
    }

    func rules(for site: Site) async throws -> Rules {
        let now = ContinuousClock.now
        if let hit = cache.withLock({ $0[site.id] }), hit.expires > now { return hit.rules }
        let scope = AccessScope(sites: .only([site.id]), role: "system")
        let results = try await database.pipeline(scope, CalendarStore.statements(site: site.id, code: nil) + [
            PostgresStatement("SELECT key, value::text AS value FROM site_policies WHERE site_id = $1", [site.id]),
        ])
        let calendars = try CalendarStore.decode(Array(results[0..<3]))
        var policies: [String: String] = [:]
        for row in results[3] { policies[try row.decode("key")] = try row.decode("value") }
        let rules = Rules(
            timeZone: TimeZone(identifier: site.timezone) ?? TimeZone(identifier: "Asia/Shanghai") ?? .gmt, policies: policies,
            calendars: Dictionary(calendars.map { ($0.code, CalendarStore.rules($0)) }, uniquingKeysWith: { first, _ in first }),
            defaultCalendar: calendars.first(where: \.isDefault)?.code)
        cache.withLock { $0[site.id] = (rules, now.advanced(by: lifetime)) }
        return rules
    }

    func forget(_ site: UUID) {
        _ = cache.withLock { $0.removeValue(forKey: site) }
    }
}
