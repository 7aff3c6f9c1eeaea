import Foundation
import Platform
import Postgres

/// A migrated test database with a pool as platform_app, the way the server sees it.
public struct TestPlatform: Sendable {
    public let database: TestDatabase
    public let platform: PlatformDatabase

    public static func make() async throws -> TestPlatform {
        let database = try await TestDatabase.make()
        // Four connections, as a small server would have; waiting for one is bounded generously
        // because the whole suite shares two cores: with five seconds, six concurrent site
        // creations (two of them queued behind four provisioning transactions) once timed out
        // in a full run. The pool's own timeout is tested with its own settings (PoolTests,
        // PoolExhaustionTests).
        let pool = PostgresPool(database.app, options: .init(maxConnections: 4, acquireTimeout: .seconds(30)), logger: quietLogger)
        return TestPlatform(database: database, platform: PlatformDatabase(pool: pool))
    }

    public var sites: SiteStore { SiteStore(database: platform) }
    public var users: UserStore { UserStore(database: platform) }
    public var tokens: TokenStore { TokenStore(database: platform) }
    public var authenticator: Authenticator { Authenticator(database: platform) }

    public func close() async throws {
        await platform.pool.close()
        try await database.drop()
    }
}
