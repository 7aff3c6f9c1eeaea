import Domain
import Foundation
import Logging
import Postgres
import ServiceLifecycle
import Synchronization

/// Principals by token hash, so that a busy client costs one database look-up per interval
/// instead of one per request.
///
/// How long an entry lives depends on whether this process hears of changes:
/// - While `PrincipalChangeListener` is listening, every server hears at once when a token
///   is revoked, a role changes or a site is suspended (`PrincipalChanges`), and the cache
///   forgets everything it holds. Entries then live up to `notifiedLifetime` (5 min), for
///   changes made by hand in SQL, which send nothing.
/// - Otherwise (no listener, or its connection is down) entries live up to `lifetime` (10 s):
///   a change made elsewhere applies within that.
/// Each entry lives between half and all of its lifetime, chosen at random, so that entries
/// cached together do not all expire together.
/// An entry never outlives its token's expiry. Sign-out and role changes made through this
/// server clear the cache at once either way.
final class PrincipalCache: Sendable {
    let lifetime: Duration
    let notifiedLifetime: Duration

    private struct Entry {
        var principal: Principal
        var expires: ContinuousClock.Instant
    }

    private struct State {
        var entries: [Data: Entry] = [:]
        /// Bumped whenever entries are forgotten: a look-up that started before then does
        /// not store what it read, which may predate the change.
        var generation: UInt64 = 0
        var notified = false
    }

    private let state = Mutex(State())

    init(lifetime: Duration = .seconds(10), notifiedLifetime: Duration = .seconds(300)) {
        self.lifetime = lifetime
        self.notifiedLifetime = notifiedLifetime
    }

    /// Whether changes are being heard (entries live `notifiedLifetime`).
    var isNotified: Bool { state.withLock { $0.notified } }

    /// Forgets every cached principal, so a change of roles applies to the next request.
    func forgetAll() {
        state.withLock { state in
            state.entries.removeAll()
            state.generation &+= 1
        }
    }

    /// Forgets a token at once (sign-out), instead of waiting for the entry to expire.
    func forget(_ secret: String) {
        let key = APIToken.hash(secret)
        state.withLock { state in
            state.entries.removeValue(forKey: key)
            state.generation &+= 1
        }
    }

    /// Starts or stops trusting notifications. Either way everything cached is forgotten:
    /// a change may have gone unheard before the listener started or after it stopped.
    func setNotified(_ notified: Bool) {
        state.withLock { state in
            state.entries.removeAll()
            state.generation &+= 1
            state.notified = notified
        }
    }

    /// The cached principal for `secret`, or what `load` returns (then cached, unless the
    /// cache was cleared while it ran).
    func principal(for secret: String, load: () async throws -> (principal: Principal, expiresAt: Date)) async throws -> Principal {
        let key = APIToken.hash(secret)
        let now = ContinuousClock.now
        let (hit, generation): (Entry?, UInt64) = state.withLock { ($0.entries[key], $0.generation) }
        if let hit, hit.expires > now { return hit.principal }
        let loaded = try await load()
        let untilTokenExpires = Duration.milliseconds(Int64((loaded.expiresAt.timeIntervalSinceNow * 1000).rounded(.down)))
        state.withLock { state in
            guard state.generation == generation else { return }
            if state.entries.count > 10_000 { state.entries.removeAll(keepingCapacity: true) }
            // Between half and all of the lifetime, so that principals cached together (after
            // a start or a change) are not all looked up again in the same second.
            let lifetime = min((state.notified ? notifiedLifetime : lifetime) * Double.random(in: 0.5...1), untilTokenExpires)
            guard lifetime > .zero else { return }
            state.entries[key] = Entry(principal: loaded.principal, expires: now.advanced(by: lifetime))
        }
        return loaded.principal
    }
}

/// What a statement sends in the same transaction when it changes what tokens stand for:
/// revoking tokens, granting, changing or revoking site roles, suspending or reactivating a
/// site. PostgreSQL delivers it to every listening server when the transaction commits, and
/// each forgets the principals it caches (`PrincipalChangeListener`). The stores send it, so
/// the API and the admin CLI both do. A change made by hand in SQL sends nothing: servers
/// see it when their entries expire (`PrincipalCache.notifiedLifetime`).
enum PrincipalChanges {
    static let channel = "app_principals"

    /// `what`: the table changed, for the logs.
    static func notify(_ what: String) -> PostgresStatement {
        PostgresStatement("SELECT pg_notify('\(channel)', $1)", [what])
    }
}

/// Listens on its own connection for `PrincipalChanges` notifications and
/// clears `PrincipalCache` on each. When the connection fails, the cache falls back to its
/// short lifetime and the listener reconnects, waiting 0.1 s, then twice as long each time
/// up to 10 s; it stops at graceful shutdown.
struct PrincipalChangeListener: Service {
    let configuration: PostgresConfiguration
    let cache: PrincipalCache
    let logger: Logger

    func run() async throws {
        try? await cancelWhenGracefulShutdown { await listen() }
        cache.setNotified(false)
    }

    /// Listens until cancelled.
    func listen() async {
        var delay = Duration.milliseconds(100)
        while !Task.isCancelled {
            var listened = false
            do {
                let connection = try await PostgresConnection.connect(configuration, logger: logger)
                do {
                    try await connection.execute(PostgresStatement("LISTEN \(PrincipalChanges.channel)", prepared: false))
                    cache.setNotified(true)
                    listened = true
                    logger.debug("listening for principal changes")
                    while true {
                        _ = try await connection.notifications()
                        cache.forgetAll()
                    }
                } catch {
                    await connection.close()
                    throw error
                }
            } catch {
                cache.setNotified(false)
                if Task.isCancelled { return }
                logger.warning("not hearing principal changes; cached sign-ins live \(cache.lifetime) until reconnected", metadata: ["error": "\(error)"])
            }
            if listened { delay = .milliseconds(100) }
            try? await Task.sleep(for: delay)
            delay = min(delay * 2, .seconds(10))
        }
    }
}
