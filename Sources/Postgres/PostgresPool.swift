import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle

/// A bounded pool of `PostgresConnection`s, each on an event loop of its own.
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
    private let group: MultiThreadedEventLoopGroup
    private let logger: Logger
    private var freeLoops: [any EventLoop]
    private var idle: [PostgresConnection] = []
    private var opened = 0
    private var inUse = 0
    private var waiters: [(id: Int, continuation: CheckedContinuation<PostgresConnection, any Error>)] = []
    private var nextWaiterID = 0
    private var closing = false
    /// `close()` returned with connections still lent: the event loops are shut down when the
    /// last of them comes back.
    private var loopsOutlivingClose = false

    public init(_ configuration: PostgresConfiguration, options: Options = Options(), logger: Logger = Logger(label: "postgres.pool")) {
        self.configuration = configuration
        self.options = options
        self.logger = logger
        self.group = MultiThreadedEventLoopGroup(numberOfThreads: options.maxConnections)
        self.freeLoops = group.makeIterator().map { $0 }
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
        do {
            let value = try await withTaskCancellationHandler {
                try await body(connection)
            } onCancel: {
                connection.cancelRunningQuery()
            }
            await settle(connection)
            await release(connection)
            return value
        } catch {
            await settle(connection)
            await release(connection)
            throw error
        }
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
        if let loop = freeLoops.popLast() {
            opened += 1
            inUse += 1
            do {
                return try await PostgresConnection.connect(configuration, on: loop, logger: logger)
            } catch {
                opened -= 1
                inUse -= 1
                freeLoops.append(loop)
                throw error
            }
        }
        let id = nextWaiterID
        nextWaiterID += 1
        let timeout = options.acquireTimeout
        return try await withCheckedThrowingContinuation { continuation in
            waiters.append((id, continuation))
            Task { [weak self] in
                try? await Task.sleep(for: timeout)
                await self?.expireWaiter(id)
            }
        }
    }

    public func release(_ connection: PostgresConnection) {
        if !waiters.isEmpty {
            waiters.removeFirst().continuation.resume(returning: connection)
            return
        }
        inUse -= 1
        if closing {
            opened -= 1
            let last = inUse == 0 && loopsOutlivingClose
            if last { loopsOutlivingClose = false }
            let group = group
            Task {
                await connection.close()
                if last { try? await group.shutdownGracefully() }
            }
        } else {
            idle.append(connection)
        }
    }

    private func expireWaiter(_ id: Int) {
        guard let index = waiters.firstIndex(where: { $0.id == id }) else { return }
        let waiter = waiters.remove(at: index)
        waiter.continuation.resume(
            throwing: PostgresError(kind: .poolTimeout, message: "no database connection free within \(options.acquireTimeout)"))
    }

    /// Stops lending connections, fails every waiter with `.poolClosed`, closes the idle
    /// connections, and waits up to `shutdownTimeout` for lent ones to return. It never hangs:
    /// past the timeout it returns, and the connections still lent stay usable by their
    /// borrowers and are closed (with their event loops) as they come back. Safe to call more
    /// than once.
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
            loopsOutlivingClose = true
        } else {
            try? await group.shutdownGracefully()
        }
    }

    public func run() async throws {
        try? await gracefulShutdown()
        await close()
    }
}
