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
///   forgets that token's entry, or everything for a role or a site. Entries then live up
///   to `notifiedLifetime` (5 min), for
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
        forget(hash: APIToken.hash(secret))
    }

    /// Forgets the token whose SHA-256 is `key`.
    func forget(hash key: Data) {
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
    func principal(for secret: String, load: () async throws -> (principal: Principal, expiresAt: Date?)) async throws -> Principal {
        let key = APIToken.hash(secret)
        let now = ContinuousClock.now
        let (hit, generation): (Entry?, UInt64) = state.withLock { ($0.entries[key], $0.generation) }
        if let hit, hit.expires > now { return hit.principal }
        let loaded = try await load()
        let untilTokenExpires = loaded.expiresAt.map { Duration.milliseconds(Int64(($0.timeIntervalSinceNow * 1000).rounded(.down))) } ?? notifiedLifetime
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
public enum PrincipalChanges {
    static let channel = "app_principals"

    /// Every cached principal may be wrong (a role or a site changed); `what` names the table.
    public static func notify(_ what: String) -> PostgresStatement {
        PostgresStatement("SELECT pg_notify('\(channel)', $1)", [what])
    }

    /// The tokens of `api_tokens` rows matching `condition` changed: only their entries are
    /// forgotten (sign-out does not clear everyone's cache).
    static func tokens(where condition: String, _ parameters: [(any PostgresEncodable)?]) -> PostgresStatement {
        PostgresStatement("SELECT pg_notify('\(channel)', '\(tokenPrefix)' || token_sha256::text) FROM api_tokens WHERE \(condition)", parameters)
    }

    static let tokenPrefix = "token:"

    /// What a notification's payload asks the cache to forget: one token when it names one
    /// (its SHA-256 as `bytea` text, `\x…`), everything otherwise.
    static func apply(_ payload: String, to cache: PrincipalCache) {
        if payload.hasPrefix(tokenPrefix), let hash = try? Data(postgresText: String(payload.dropFirst(tokenPrefix.count))), hash.count == 32 {
            cache.forget(hash: hash)
        } else {
            cache.forgetAll()
        }
    }
}

/// Listens on its own connection for `PrincipalChanges` notifications and applies them to
/// `PrincipalCache`.
///
/// The cache trusts it (and keeps entries for minutes) only while notifications are seen to
/// arrive: after `LISTEN`, and then every `heartbeatInterval`, the listener notifies a channel
/// of its own and waits up to `heartbeatTimeout` for that to come back. Behind a pooler that
/// does not keep the session, `LISTEN` succeeds but nothing arrives; a connection whose peer
/// vanished without closing it stays open for hours. Either way the heartbeat is missed, the
/// cache falls back to its short lifetime, and the listener reconnects: after 0.1 s, then
/// twice as long each time up to 10 s, starting again from 0.1 s once a connection has heard
/// for a whole interval. It stops at graceful shutdown.
struct PrincipalChangeListener: Service {
    let configuration: PostgresConfiguration
    let cache: PrincipalCache
    let logger: Logger
    var heartbeatInterval: Duration = .seconds(30)
    var heartbeatTimeout: Duration = .seconds(5)

    struct HeartbeatMissed: Error, CustomStringConvertible {
        var description: String { "no notification came back: this connection does not hear them" }
    }

    func run() async throws {
        try? await cancelWhenGracefulShutdown { await listen() }
        cache.setNotified(false)
    }

    /// Listens until cancelled.
    func listen() async {
        var delay = Duration.milliseconds(100)
        let heartbeat = "app_heartbeat_" + UUID().lowercasedText.replacingOccurrences(of: "-", with: "")
        while !Task.isCancelled {
            var heardAnInterval = false
            do {
                let connection = try await PostgresConnection.connect(configuration, logger: logger)
                do {
                    try await connection.execute(PostgresStatement("LISTEN \(PrincipalChanges.channel)", prepared: false))
                    try await connection.execute(PostgresStatement("LISTEN \(heartbeat)", prepared: false))
                    try await beat(heartbeat, on: connection)
                    cache.setNotified(true)
                    logger.debug("listening for principal changes")
                    while true {
                        if let received = try await notifications(on: connection, within: heartbeatInterval) {
                            apply(received, heartbeat: heartbeat)
                        } else {
                            try await beat(heartbeat, on: connection)
                            heardAnInterval = true
                        }
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
            if heardAnInterval { delay = .milliseconds(100) }
            try? await Task.sleep(for: delay)
            delay = min(delay * 2, .seconds(10))
        }
    }

    /// Notifies this listener's own channel and waits for it to come back, applying whatever
    /// else arrives meanwhile.
    private func beat(_ heartbeat: String, on connection: PostgresConnection) async throws {
        try await connection.execute(PostgresStatement("SELECT pg_notify($1, '')", [heartbeat]))
        let deadline = ContinuousClock.now + heartbeatTimeout
        while true {
            guard let received = try await notifications(on: connection, within: deadline - ContinuousClock.now) else { throw HeartbeatMissed() }
            if apply(received, heartbeat: heartbeat) { return }
        }
    }

    /// Applies the changes in `received` to the cache; true when the heartbeat was among them.
    @discardableResult
    private func apply(_ received: [PostgresConnection.Notification], heartbeat: String) -> Bool {
        var beat = false
        for notification in received {
            if notification.channel == heartbeat {
                beat = true
            } else {
                PrincipalChanges.apply(notification.payload, to: cache)
            }
        }
        return beat
    }

    /// The notifications that arrive within `timeout`, or nil when none did.
    private func notifications(on connection: PostgresConnection, within timeout: Duration) async throws -> [PostgresConnection.Notification]? {
        guard timeout > .zero else { return nil }
        return try await withThrowingTaskGroup(of: [PostgresConnection.Notification]?.self) { group in
            group.addTask {
                do {
                    return try await connection.notifications()
                } catch is CancellationError {
                    return nil
                }
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return nil
            }
            // The first to finish decides; the other is cancelled, and anything it still
            // received is kept.
            var received: [PostgresConnection.Notification]?
            while let result = try await group.next() {
                if let result { received = (received ?? []) + result }
                group.cancelAll()
            }
            try Task.checkCancellation()
            return received
        }
    }
}
