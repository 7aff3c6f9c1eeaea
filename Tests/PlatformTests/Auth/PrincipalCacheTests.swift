import Domain
import Foundation
@testable import Platform
import Postgres
import Synchronization
import TestSupport
import Testing

@Suite("Cached sign-ins follow changes made anywhere, and never outlive their token")
struct PrincipalCacheTests {
    /// Whether `condition` holds within `limit`, checked every 20 ms. The limit is generous: it
    /// only bounds a failure, and the whole suite on two cores once took over 5 s for a heartbeat.
    func eventually(within limit: Duration = .seconds(30), _ condition: () async throws -> Bool) async rethrows -> Bool {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            if try await condition() { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return try await condition()
    }

    /// Whether `lookUp` is refused with `code` within 30 s.
    func eventuallyRefused(_ code: String, _ lookUp: @Sendable () async throws -> Principal) async -> Bool {
        await eventually {
            do {
                _ = try await lookUp()
                return false
            } catch let error as DomainError {
                return error.code == code
            } catch {
                return false
            }
        }
    }

    /// A site, an agent there and a token for them.
    func agent(_ platform: TestPlatform) async throws -> String {
        _ = try await platform.sites.create(NewSite(code: "H01", name: "医院", kind: .hospital), scope: .operations)
        _ = try await platform.users.create(username: "h01.agent", displayName: "接待员", globalRole: nil, grants: [.init(siteCode: "H01", role: .siteAgent)], scope: .operations)
        return try await platform.tokens.issue(username: "h01.agent", lifetime: 3600, label: nil, scope: .operations).token.secret
    }

    /// Runs `sql` as the owner in every site's scope, by hand.
    func asAnotherProcess(_ platform: TestPlatform, _ sql: String) async throws {
        try await platform.database.withConnection(platform.database.owner) {
            try await $0.script("BEGIN; SET LOCAL app.scope = 'all'; \(sql); COMMIT")
        }
    }

    @Test(.timeLimit(.minutes(5))) func aSuspensionOrRevocationMadeByAnotherProcessAppliesToTheNextRequest() async throws {
        let platform = try await TestPlatform.make()
        let secret = try await agent(platform)
        let cache = PrincipalCache()
        let listener = PrincipalChangeListener(configuration: platform.database.app, cache: cache, logger: quietLogger)
        let listening = Task { await listener.listen() }
        #expect(await eventually { cache.isNotified })
        let loads = Mutex(0)
        let authenticator = platform.authenticator
        @Sendable func principal() async throws -> Principal {
            try await cache.principal(for: secret) {
                loads.withLock { $0 += 1 }
                return try await authenticator.authenticateToken(secret)
            }
        }
        #expect(try await principal().grants.map(\.role) == [.siteAgent])
        #expect(try await principal().grants.map(\.role) == [.siteAgent])
        #expect(loads.withLock { $0 } == 1)

        // Another process suspends the site: the next look-up finds no active site.
        _ = try await platform.sites.setStatus(code: "H01", .suspended, scope: .operations)
        #expect(await eventuallyRefused("auth.no_active_site", principal))
        _ = try await platform.sites.setStatus(code: "H01", .active, scope: .operations)
        // Once the reactivation is heard, the principal is looked up again and then kept.
        #expect(try await eventually {
            let before = loads.withLock { $0 }
            return (try? await principal()) != nil && loads.withLock { $0 } == before
        })

        // The listener's session is ended by the server: it reconnects (a new backend) and
        // keeps hearing. Its last statement is its heartbeat.
        @Sendable func listenerPID() async throws -> Int? {
            try await platform.database.withConnection(platform.database.superuser) {
                try await $0.query("SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND query = 'SELECT pg_notify($1, '''')'", prepared: false)
                    .first?.decode("pid", as: Int.self)
            }
        }
        let first = try #require(try await listenerPID())
        try await platform.database.withConnection(platform.database.superuser) {
            try await $0.query("SELECT pg_terminate_backend($1)", [first])
        }
        #expect(try await eventually {
            guard let pid = try await listenerPID() else { return false }
            return pid != first && cache.isNotified
        })
        _ = try await principal()

        // Revoking one token forgets that token only.
        let other = try await platform.tokens.issue(username: "h01.agent", lifetime: 3600, label: nil, scope: .operations).token.secret
        let otherPrincipal: @Sendable () async throws -> Principal = {
            try await cache.principal(for: other) { try await authenticator.authenticateToken(other) }
        }
        _ = try await otherPrincipal()
        let settled = loads.withLock { $0 }
        #expect(try await platform.tokens.revoke(secret: other))
        #expect(await eventuallyRefused("auth.invalid_token", otherPrincipal))
        _ = try await principal()
        #expect(loads.withLock { $0 } == settled)

        #expect(try await platform.tokens.revokeAll(username: "h01.agent", scope: .operations) == 1)
        #expect(await eventuallyRefused("auth.invalid_token", principal))
        listening.cancel()
        await listening.value
        #expect(!cache.isNotified)
        try await platform.close()
    }

    /// Behind a transaction-mode pooler `LISTEN` succeeds and nothing arrives; a connection can
    /// also stop hearing midway. A proxy that drops the server's notifications plays both: the
    /// cache must not trust the listener while its heartbeat is missed, the listener must keep
    /// reconnecting, and trust must come back once notifications do.
    @Test(.timeLimit(.minutes(5))) func aListenerThatHearsNothingIsNotTrustedAndKeepsReconnecting() async throws {
        let platform = try await TestPlatform.make()
        let app = platform.database.app
        let host = try #require(app.connectionString.split(separator: "?").last?.split(separator: "&").first { $0.hasPrefix("host=") }?.dropFirst(5))
        let port = try #require(app.connectionString.split(separator: "&").first { $0.hasPrefix("port=") }.flatMap { Int($0.dropFirst(5)) })
        let proxy = try NotificationDroppingProxy(serverDirectory: String(host), port: port)
        defer { proxy.stop() }
        var configuration = app
        configuration.connectionString = app.connectionString.replacingOccurrences(of: "host=\(host)", with: "host=\(proxy.directory.path)")
        let cache = PrincipalCache()
        var listener = PrincipalChangeListener(configuration: configuration, cache: cache, logger: quietLogger)
        // Short, but long enough for a notification's round trip on a busy machine.
        listener.heartbeatInterval = .seconds(1)
        listener.heartbeatTimeout = .seconds(1)
        // Watched every millisecond from before the listener starts.
        let trusted = Mutex(false)
        let watching = Task {
            while !Task.isCancelled {
                if cache.isNotified { trusted.withLock { $0 = true } }
                try? await Task.sleep(for: .milliseconds(1))
            }
        }
        let listening = Task { [listener] in await listener.listen() }

        // Nothing comes back: never trusted, and it connects again and again (0.1, 0.2, 0.4 s…).
        // Generous limits: the whole suite runs at once on two cores in CI.
        #expect(await eventually { proxy.dropped >= 3 })
        #expect(proxy.accepted >= 3)
        watching.cancel()
        await watching.value
        #expect(!trusted.withLock { $0 })

        // Notifications pass again: the next connection hears its heartbeat.
        proxy.dropsNotifications = false
        #expect(await eventually { cache.isNotified })
        let connections = proxy.accepted

        // They stop midway: the next heartbeat is missed, trust goes and it reconnects.
        proxy.dropsNotifications = true
        // After the next heartbeat (1 s) and its timeout (1 s) on an idle machine.
        #expect(await eventually { !cache.isNotified })
        // The retry delay phase 1 built up (up to 10 s) may come first.
        #expect(await eventually { proxy.accepted > connections })
        listening.cancel()
        await listening.value
        #expect(!cache.isNotified)
        try await platform.close()
    }

    @Test(.timeLimit(.minutes(5))) func revokingTokensChangingRolesAndSuspendingSitesNotifyButUsingATokenDoesNot() async throws {
        let platform = try await TestPlatform.make()
        let secret = try await agent(platform)
        let listener = try await PostgresConnection.connect(platform.database.app)
        try await listener.query("LISTEN app_principals", prepared: false)
        // Signing in with the token (app.authenticate writes last_used_at) and setting a
        // password change nothing a principal is made of.
        try await asAnotherProcess(platform, "UPDATE api_tokens SET last_used_at = now() - interval '2 minutes'")
        _ = try await platform.authenticator.authenticate(secret)
        _ = try await platform.users.setPassword(username: "h01.agent", password: "a long enough password 1", scope: .operations)
        let quiet = Task { try await listener.notifications() }
        try await Task.sleep(for: .milliseconds(500))
        quiet.cancel()
        await #expect(throws: CancellationError.self) { try await quiet.value }

        // A token's revocation names the token (its SHA-256 as bytea text), so only it is forgotten.
        func named(_ hash: Data) -> String { "token:\\x" + hash.map { String(format: "%02x", $0) }.joined() }
        let other = try await platform.tokens.issue(username: "h01.agent", lifetime: 3600, label: nil, scope: .operations)
        #expect(try await platform.tokens.revoke(id: other.id, scope: .operations))
        #expect(try await listener.notifications().map(\.payload) == [named(APIToken.hash(other.token.secret))])
        #expect(try await platform.tokens.revoke(secret: secret))
        #expect(try await listener.notifications().map(\.payload) == [named(APIToken.hash(secret))])
        let third = try await platform.tokens.issue(username: "h01.agent", lifetime: 3600, label: nil, scope: .operations)
        #expect(try await platform.tokens.revokeAll(username: "h01.agent", scope: .operations) == 1)
        #expect(try await listener.notifications().map(\.payload) == [named(APIToken.hash(third.token.secret))])
        _ = try await platform.sites.setStatus(code: "H01", .suspended, scope: .operations)
        #expect(try await listener.notifications().map(\.payload) == ["sites"])
        await listener.close()
        try await platform.close()
    }

    @Test func aTokenNotificationForgetsThatTokenAndAnythingElseForgetsEverything() async throws {
        let cache = PrincipalCache(lifetime: .seconds(60))
        let principal = Principal(userID: UUID(), username: "hq.li", displayName: "李", globalRole: .hqAnalyst, grants: [])
        let loads = Mutex(0)
        func lookUp(_ secret: String) async throws {
            _ = try await cache.principal(for: secret) {
                loads.withLock { $0 += 1 }
                return (principal, Date() + 3600)
            }
        }
        try await lookUp("pt_one")
        try await lookUp("pt_two")
        let hex = "\\x" + APIToken.hash("pt_one").map { String(format: "%02X", $0) }.joined()
        PrincipalChanges.apply("token:" + hex, to: cache)
        try await lookUp("pt_one")
        try await lookUp("pt_two")
        #expect(loads.withLock { $0 } == 3)
        // Not a token's hash: everything goes.
        PrincipalChanges.apply("token:" + hex.dropLast(), to: cache)
        try await lookUp("pt_two")
        PrincipalChanges.apply("sites", to: cache)
        try await lookUp("pt_one")
        #expect(loads.withLock { $0 } == 5)
    }

    @Test func anEntryNeverOutlivesItsTokenNorALookUpThatStraddledAChange() async throws {
        let cache = PrincipalCache(lifetime: .seconds(60))
        let principal = Principal(userID: UUID(), username: "hq.li", displayName: "李", globalRole: .hqAnalyst, grants: [])
        let loads = Mutex(0)
        @Sendable func lookUp(expiring expiresAt: Date, during: @Sendable () -> Void = {}) async throws -> Principal {
            try await cache.principal(for: "pt_secret") {
                loads.withLock { $0 += 1 }
                during()
                return (principal, expiresAt)
            }
        }
        // Cleared while it loaded: returned, not kept.
        _ = try await lookUp(expiring: Date() + 3600) { cache.forgetAll() }
        _ = try await lookUp(expiring: Date() + 3600)
        #expect(loads.withLock { $0 } == 2)
        _ = try await lookUp(expiring: Date() + 3600)
        #expect(loads.withLock { $0 } == 2)
        // A token that expires in 2 s is kept 2 s, not the cache's 30–60 s.
        cache.forget("pt_secret")
        _ = try await lookUp(expiring: Date() + 2)
        _ = try await lookUp(expiring: Date() + 2)
        #expect(loads.withLock { $0 } == 3)
        try await Task.sleep(for: .milliseconds(2100))
        _ = try await lookUp(expiring: Date() + 3600)
        #expect(loads.withLock { $0 } == 4)
    }
}
