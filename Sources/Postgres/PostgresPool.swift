import Logging
import ServiceLifecycle

/// A bounded pool of `PostgresConnection`s.
///
/// - Acquiring waits at most `acquireTimeout` for a free connection, then fails with
///   `.poolTimeout` (the API answers 503 with `Retry-After`) rather than queueing forever.
/// - Connections are opened lazily up to `maxConnections`. A connection the server dropped
///   re-establishes itself before its next statement, so the pool heals after a database
///   restart without restarting the process.
/// - As a `Service`, it closes when the service group shuts down, after in-flight work returns.
public actor PostgresPool: Service {
    /// Sizing and waiting limits.
    public struct Options: Sendable {
        public var maxConnections: Int
        public var acquireTimeout: Duration
        /// How long `close()` waits for lent connections to come back before it returns; the
        /// ones still out are closed as they return.
        public var shutdownTimeout: Duration

        public init(maxConnections: Int = 8, acquireTimeout: Duration = .seconds(5), shutdownTimeout: Duration = .seconds(10)) {
            precondition(maxConnections > 0, "a pool needs at least one connection")
            self.maxConnections = maxConnections
            self.acquireTimeout = acquireTimeout
            self.shutdownTimeout = shutdownTimeout
        }
    }

    /// A point-in-time count of connections, for `/metrics`.
    public struct Statistics: Sendable, Equatable {
        public var inUse: Int
        public var idle: Int
        public var waiting: Int
        public var open: Int

        public init(inUse: Int, idle: Int, waiting: Int, open: Int) {
            self.inUse = inUse
            self.idle = idle
            self.waiting = waiting
            self.open = open
        }
    }

    public nonisolated let configuration: PostgresConfiguration
    public nonisolated let options: Options
    private let logger: Logger
    private var idle: [PostgresConnection] = []
    private var opened = 0
    private var inUse = 0
    /// Callers waiting for a connection, first come first served; all wait equally long, so
    /// the first one's deadline is the earliest.
    private var waiters: [(deadline: ContinuousClock.Instant, continuation: CheckedContinuation<PostgresConnection, any Error>)] = []
    /// Whether a task is timing out waiters; one serves every waiter, however many.
    private var expiring = false
    private var closing = false

    public init(_ configuration: PostgresConfiguration, options: Options = Options(), logger: Logger = Logger(label: "postgres.pool")) {
        self.configuration = configuration
        self.options = options
        self.logger = logger
    }

    public var statistics: Statistics {
        Statistics(inUse: inUse, idle: idle.count, waiting: waiters.count, open: opened)
    }

    /// Lends a connection to `body` and takes it back afterwards, whatever happens.
    ///
    /// When the calling task is cancelled (its client went away, its deadline passed), the
    /// statement the connection is running is cancelled on the server (`PQcancel`), and the
    /// connection is settled before it goes back to the pool, so that the cancel can never
    /// reach the next borrower's statement.
    public nonisolated func withConnection<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        let connection = try await acquire()
        let outcome: Result<T, any Error>
        do {
            outcome = .success(try await withTaskCancellationHandler {
                try await body(connection)
            } onCancel: {
                connection.cancelRunningQuery()
            })
        } catch {
            outcome = .failure(error)
        }
        await settle(connection)
        await release(connection)
        return try outcome.get()
    }

    private nonisolated func settle(_ connection: PostgresConnection) async {
        guard Task.isCancelled else { return }
        await connection.settleAfterCancel()
    }

    /// Runs the statements in one pipelined round trip on a pooled connection.
    public nonisolated func pipeline(_ statements: [PostgresStatement]) async throws -> [PostgresRows] {
        try await withConnection { try await $0.pipeline(statements) }
    }

    /// Runs one statement on a pooled connection.
    @discardableResult
    public nonisolated func query(_ sql: String, _ parameters: [(any PostgresEncodable)?] = []) async throws -> PostgresRows {
        let statement = PostgresStatement(sql, parameters)
        return try await withConnection { try await $0.execute(statement) }
    }

    public func acquire() async throws -> PostgresConnection {
        guard !closing else { throw PostgresError(kind: .poolClosed, message: "the connection pool is shut down") }
        if let connection = idle.popLast() {
            inUse += 1
            return connection
        }
        if opened < options.maxConnections {
            opened += 1
            inUse += 1
            do {
                return try await PostgresConnection.connect(configuration, logger: logger)
            } catch {
                opened -= 1
                inUse -= 1
                throw error
            }
        }
        let deadline = ContinuousClock.now + options.acquireTimeout
        return try await withCheckedThrowingContinuation { continuation in
            waiters.append((deadline, continuation))
            if !expiring {
                expiring = true
                Task { await self.expireWaiters() }
            }
        }
    }

    /// Fails waiters whose time is up with `.poolTimeout`, sleeping until the first waiter's
    /// deadline while any wait. One sleep covers every waiter that is served in time.
    private func expireWaiters() async {
        while let first = waiters.first {
            try? await Task.sleep(until: first.deadline, clock: .continuous)
            let now = ContinuousClock.now
            while let waiter = waiters.first, waiter.deadline <= now {
                waiters.removeFirst()
                waiter.continuation.resume(
                    throwing: PostgresError(kind: .poolTimeout, message: "no database connection free within \(options.acquireTimeout)"))
            }
        }
        expiring = false
    }

    public func release(_ connection: PostgresConnection) {
        if !waiters.isEmpty {
            waiters.removeFirst().continuation.resume(returning: connection)
            return
        }
        inUse -= 1
        if closing {
            opened -= 1
            Task { await connection.close() }
        } else {
            idle.append(connection)
        }
    }

    /// Stops lending connections, fails every waiter with `.poolClosed`, closes the idle
    /// connections, and waits up to `shutdownTimeout` for lent ones to return. It never hangs:
    /// past the timeout it returns, and the connections still lent stay usable by their
    /// borrowers and are closed as they come back. Safe to call more than once.
    public func close() async {
        guard !closing else { return }
        closing = true
        for waiter in waiters {
            waiter.continuation.resume(throwing: PostgresError(kind: .poolClosed, message: "the connection pool is shutting down"))
        }
        waiters.removeAll()
        let connections = idle
        idle.removeAll()
        opened -= connections.count
        for connection in connections { await connection.close() }
        let deadline = ContinuousClock.now + options.shutdownTimeout
        while inUse > 0, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(10))
        }
        if inUse > 0 {
            logger.warning("connection pool closed with connections still lent; they close as they return", metadata: ["lent": "\(inUse)"])
        }
    }

    public func run() async throws {
        try? await gracefulShutdown()
        await close()
    }
}
