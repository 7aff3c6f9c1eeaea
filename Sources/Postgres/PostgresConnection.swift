import CPostgres
import Foundation
import Logging
import NIOCore
import NIOPosix

/// One libpq connection, confined to an executor of its own.
///
/// libpq calls block, so a connection runs on a dedicated NIO event loop that serves nothing
/// else: the actor's executor *is* that loop. This keeps blocking I/O off the HTTP event loops
/// and off Swift's cooperative pool, and measured faster per query than hopping through a
/// thread pool. `PGconn*` never leaves the actor; results are copied into `PostgresRows`.
///
/// A connection that the server dropped (restart, `pg_terminate_backend`) is noticed before
/// the next statement and re-established, as long as no transaction was open on it; inside
/// a transaction the loss is reported as a `.connection` error instead.
///
/// Call `close()` when done: the libpq handle and a private event loop are released there,
/// not in `deinit`, because they belong to the connection's own executor.
public actor PostgresConnection {
    public nonisolated let eventLoop: any EventLoop
    public nonisolated var unownedExecutor: UnownedSerialExecutor { eventLoop.executor.asUnownedSerialExecutor() }

    private let configuration: PostgresConfiguration
    private let ownedGroup: MultiThreadedEventLoopGroup?
    private let notices: NoticeSink
    private let canceller = QueryCanceller()
    private var handle: OpaquePointer?
    private var preparedNames: [String: String] = [:]
    private var transactionDepth = 0
    private var closed = false
    let logger: Logger

    /// The number of prepared statements cached on this connection.
    public var preparedStatementCount: Int { preparedNames.count }

    /// Past this many, further statements run unprepared instead of growing the cache (and
    /// the server's memory) without bound.
    public static let preparedStatementLimit = 1000

    private init(configuration: PostgresConfiguration, eventLoop: any EventLoop, ownedGroup: MultiThreadedEventLoopGroup?, logger: Logger) {
        self.configuration = configuration
        self.eventLoop = eventLoop
        self.ownedGroup = ownedGroup
        self.logger = logger
        self.notices = NoticeSink(logger: logger)
    }

    /// Opens a connection on `eventLoop`, which must not serve other work (a pool gives each
    /// connection its own). Without one, the connection gets a private single-thread loop that
    /// `close()` shuts down.
    public static func connect(
        _ configuration: PostgresConfiguration, on eventLoop: (any EventLoop)? = nil,
        logger: Logger = Logger(label: "postgres")
    ) async throws -> PostgresConnection {
        let group: MultiThreadedEventLoopGroup? = eventLoop == nil ? MultiThreadedEventLoopGroup(numberOfThreads: 1) : nil
        let loop = eventLoop ?? group!.next()  // swiftlint:disable:this force_unwrapping
        let connection = PostgresConnection(configuration: configuration, eventLoop: loop, ownedGroup: group, logger: logger)
        do {
            try await connection.open()
        } catch {
            try? await group?.shutdownGracefully()
            throw error
        }
        return connection
    }

    /// Opens a connection for `body` and closes it afterwards, whether `body` returns or throws.
    /// For one-off work (migrations, CLI commands, tests); servers use a `PostgresPool`.
    @discardableResult
    public static func with<T: Sendable>(
        _ configuration: PostgresConfiguration, logger: Logger = Logger(label: "postgres"), _ body: (PostgresConnection) async throws -> T
    ) async throws -> T {
        let connection = try await connect(configuration, logger: logger)
        let outcome: Result<T, any Error>
        do { outcome = .success(try await body(connection)) } catch { outcome = .failure(error) }
        await connection.close()
        return try outcome.get()
    }

    /// Closes the connection and, if it owns one, its event loop. Safe to call twice.
    public nonisolated func close() async {
        await finish()
        try? await ownedGroup?.shutdownGracefully()
    }

    private func finish() {
        closed = true
        drop()
    }

    /// Forgets the libpq connection (and what was prepared on it); the next statement opens a
    /// new one unless the connection is closed.
    private func drop() {
        canceller.replace(with: nil)
        if let handle { PQfinish(handle) }
        handle = nil
        preparedNames = [:]
    }

    // MARK: Cancelling

    /// Asks the server to cancel whatever this connection is running (`PQcancel`), from any
    /// thread, without waiting for the connection's executor, which is busy with the very
    /// statement to cancel. The statement fails with SQLSTATE 57014; an idle connection ignores
    /// the request. Returns whether the request was delivered.
    @discardableResult
    public nonisolated func cancelRunningQuery() -> Bool {
        canceller.cancel()
    }

    /// After a cancel request: makes sure it cannot hit the next borrower's statement. A cancel
    /// that arrives while the server waits for a command is dropped, and one that arrives while
    /// a statement runs cancels it; so a statement that fails with 57014 absorbed it, and one
    /// that succeeds shows none was pending.
    public func settleAfterCancel() {
        guard canceller.wasCancelled() else { return }
        for _ in 0..<3 {
            do {
                _ = try execute(PostgresStatement("SELECT 1", prepared: false))
                return
            } catch let error as PostgresError where error.code == .queryCanceled {
                continue
            } catch {
                drop()
                return
            }
        }
        drop()
    }

    // MARK: Connecting

    private func open() throws {
        // Both arrays are NULL-terminated, as PQconnectdbParams requires. The connection
        // string comes first so that the settings after it take precedence.
        let keywords: [String?] = ["dbname", "application_name", "connect_timeout", nil]
        let values: [String?] = [configuration.connectionString, configuration.applicationName, String(configuration.connectTimeout), nil]
        let connection = withCStrings(keywords) { keywordPointers in
            withCStrings(values) { valuePointers in
                PQconnectdbParams(keywordPointers, valuePointers, 1)
            }
        }
        guard let connection else {
            throw PostgresError(kind: .connection, message: "libpq could not allocate a connection")
        }
        guard PQstatus(connection) == CONNECTION_OK else {
            let message = Self.trimmed(PQerrorMessage(connection))
            PQfinish(connection)
            throw PostgresError(kind: .connection, message: message.isEmpty ? "connection failed" : message)
        }
        handle = connection
        canceller.replace(with: PQgetCancel(connection))
        PQsetNoticeProcessor(connection, noticeProcessor, Unmanaged.passUnretained(notices).toOpaque())
        try configureSession(connection)
    }

    private func configureSession(_ connection: OpaquePointer) throws {
        // Timestamps are parsed by PostgresTimestamp, which expects ISO output.
        _ = try consume(PQexec(connection, "SET DateStyle = ISO; SET IntervalStyle = iso_8601; SET extra_float_digits = 3"), on: connection)
    }

    /// Makes sure the connection is alive before a statement is sent; re-establishes it when
    /// the server went away between transactions.
    private func usableConnection() throws -> OpaquePointer {
        guard !closed else { throw PostgresError(kind: .connection, message: "connection is closed") }
        guard let connection = handle else {
            try open()
            return try usableConnection()
        }
        if Self.isAlive(connection) { return connection }
        if transactionDepth > 0 {
            throw PostgresError(kind: .connection, message: "connection lost inside a transaction: \(Self.trimmed(PQerrorMessage(connection)))")
        }
        logger.warning("postgres connection lost, reconnecting", metadata: ["reason": "\(Self.trimmed(PQerrorMessage(connection)))"])
        drop()
        try open()
        guard let fresh = handle else { throw PostgresError(kind: .connection, message: "reconnect failed") }
        return fresh
    }

    /// Whether an idle connection is still open. A server that went away (restart,
    /// `pg_terminate_backend`) leaves a termination message and then end-of-file on the socket;
    /// libpq only notices when it reads, so read (without blocking) while the socket is
    /// readable. An idle healthy connection has nothing to read and costs one `poll`.
    private static func isAlive(_ connection: OpaquePointer) -> Bool {
        guard PQstatus(connection) == CONNECTION_OK else { return false }
        var descriptor = pollfd(fd: PQsocket(connection), events: Int16(POLLIN), revents: 0)
        var reads = 0
        while poll(&descriptor, 1, 0) > 0, reads < 4 {
            guard PQconsumeInput(connection) == 1, PQstatus(connection) == CONNECTION_OK else { return false }
            reads += 1
        }
        return PQstatus(connection) == CONNECTION_OK
    }

    /// Whether the connection is known to be unusable without a reconnect.
    public var isBroken: Bool {
        guard let handle else { return true }
        return PQstatus(handle) != CONNECTION_OK
    }

    /// The server's backend process id (`pg_backend_pid()`), or nil when disconnected.
    public var backendPID: Int32? {
        guard let handle else { return nil }
        return PQbackendPID(handle)
    }

    // MARK: Statements

    /// Runs one statement and returns its rows.
    @discardableResult
    public func query(_ sql: String, _ parameters: [(any PostgresEncodable)?] = [], prepared: Bool = true) throws -> PostgresRows {
        try execute(PostgresStatement(sql, parameters, prepared: prepared))
    }

    /// Runs one statement; prepared statements are prepared once per connection and reused.
    @discardableResult
    public func execute(_ statement: PostgresStatement) throws -> PostgresRows {
        let connection = try usableConnection()
        let result: OpaquePointer?
        if statement.prepared, preparedNames[statement.sql] != nil || preparedNames.count < Self.preparedStatementLimit {
            let name = try preparedName(for: statement, on: connection)
            result = withCStrings(statement.parameters) { parameters in
                PQexecPrepared(connection, name, Int32(statement.parameters.count), parameters, nil, nil, 0)
            }
        } else {
            result = withCStrings(statement.parameters) { parameters in
                PQexecParams(connection, statement.sql, Int32(statement.parameters.count), nil, parameters, nil, nil, 0)
            }
        }
        return try consume(result, on: connection)
    }

    /// Runs a script of several statements with the simple query protocol (migrations,
    /// set-up). Returns the last statement's rows; the first failure stops the script.
    @discardableResult
    public func script(_ sql: String) throws -> PostgresRows {
        let connection = try usableConnection()
        guard PQsendQuery(connection, sql) == 1 else { throw connectionError(connection) }
        var last = PostgresRows.empty
        var failure: PostgresError?
        while let result = PQgetResult(connection) {
            do {
                let rows = try consume(result, on: connection)
                if failure == nil { last = rows }
            } catch let error as PostgresError {
                if failure == nil { failure = error }
            }
        }
        if let failure { throw failure }
        return last
    }

    private func preparedName(for statement: PostgresStatement, on connection: OpaquePointer) throws -> String {
        if let name = preparedNames[statement.sql] { return name }
        let name = "s\(preparedNames.count + 1)"
        let result = PQprepare(connection, name, statement.sql, Int32(statement.parameters.count), nil)
        _ = try consume(result, on: connection)
        preparedNames[statement.sql] = name
        return name
    }

    // MARK: Transactions

    /// Runs `body` inside `BEGIN … COMMIT` on this connection, rolling back when it throws.
    /// Each statement in `body` is its own round trip; prefer `pipeline` when the statements
    /// do not depend on each other's results.
    public func withTransaction<T: Sendable>(
        _ settings: [PostgresStatement] = [],
        _ body: @Sendable (isolated PostgresConnection) async throws -> T
    ) async throws -> T {
        transactionDepth += 1
        defer { transactionDepth -= 1 }
        do {
            // BEGIN and the settings go in one round trip.
            _ = try pipeline([.begin] + settings)
            let value = try await body(self)
            try execute(.commit)
            return value
        } catch {
            rollbackQuietly()
            throw error
        }
    }

    private func rollbackQuietly() {
        guard let handle, PQstatus(handle) == CONNECTION_OK else { return }
        if PQtransactionStatus(handle) != PQTRANS_IDLE, let result = PQexec(handle, "ROLLBACK") {
            PQclear(result)
        }
    }

    // MARK: Pipeline

    /// Sends every statement in one round trip using libpq's pipeline mode and returns one
    /// result per statement.
    ///
    /// Typical use is a whole request: `BEGIN`, `SET LOCAL …`, the statements, `COMMIT`. When a
    /// statement fails, the rest are skipped by the server, an open transaction is rolled back,
    /// and the error names the failing statement (`statementIndex`); the connection stays usable.
    ///
    /// Not for large batches: the connection is in blocking mode, so a batch whose results
    /// outgrow the socket buffers before they are read could stall. A request's handful of
    /// statements is far below that.
    public func pipeline(_ statements: [PostgresStatement]) throws -> [PostgresRows] {
        let connection = try usableConnection()
        guard PQenterPipelineMode(connection) == 1 else { throw connectionError(connection) }
        enum Expected {
            case prepare(sql: String, name: String, statement: Int)
            case statement(Int)
        }
        var expected: [Expected] = []
        var pendingNames: [String: String] = [:]
        var sendFailure: PostgresError?
        for (index, statement) in statements.enumerated() {
            let sent: Int32
            let known = preparedNames[statement.sql] ?? pendingNames[statement.sql]
            if statement.prepared, known != nil || preparedNames.count + pendingNames.count < Self.preparedStatementLimit {
                let name: String
                if let known {
                    name = known
                } else {
                    name = "s\(preparedNames.count + pendingNames.count + 1)"
                    guard PQsendPrepare(connection, name, statement.sql, Int32(statement.parameters.count), nil) == 1 else {
                        sendFailure = connectionError(connection)
                        break
                    }
                    pendingNames[statement.sql] = name
                    expected.append(.prepare(sql: statement.sql, name: name, statement: index))
                }
                sent = withCStrings(statement.parameters) { parameters in
                    PQsendQueryPrepared(connection, name, Int32(statement.parameters.count), parameters, nil, nil, 0)
                }
            } else {
                sent = withCStrings(statement.parameters) { parameters in
                    PQsendQueryParams(connection, statement.sql, Int32(statement.parameters.count), nil, parameters, nil, nil, 0)
                }
            }
            guard sent == 1 else {
                sendFailure = connectionError(connection)
                break
            }
            expected.append(.statement(index))
        }
        if let sendFailure {
            // The pipeline cannot be trusted any more; drop the connection so it is rebuilt.
            drop()
            throw sendFailure
        }
        guard PQpipelineSync(connection) == 1 else { throw abandon(connection) }

        var results = Array(repeating: PostgresRows.empty, count: statements.count)
        var firstError: PostgresError?
        for expectation in expected {
            guard let result = PQgetResult(connection) else { throw abandon(connection) }
            let status = PQresultStatus(result)
            switch expectation {
            case .prepare(let sql, let name, let statement):
                if status == PGRES_COMMAND_OK {
                    preparedNames[sql] = name
                    PQclear(result)
                } else if status == PGRES_PIPELINE_ABORTED {
                    PQclear(result)
                } else {
                    do { _ = try consume(result, on: connection) } catch var error as PostgresError {
                        error.statementIndex = statement
                        if firstError == nil { firstError = error }
                    }
                }
            case .statement(let index):
                if status == PGRES_PIPELINE_ABORTED {
                    PQclear(result)
                } else {
                    do { results[index] = try consume(result, on: connection) } catch var error as PostgresError {
                        error.statementIndex = index
                        if firstError == nil { firstError = error }
                    }
                }
            }
            // Each query's results end with a NULL.
            while let extra = PQgetResult(connection) { PQclear(extra) }
        }
        guard let sync = PQgetResult(connection) else { throw abandon(connection) }
        let syncStatus = PQresultStatus(sync)
        guard syncStatus == PGRES_PIPELINE_SYNC else {
            // The server ended the session mid-pipeline (a restart, a terminated backend): the
            // sync's place holds the error. That is a lost connection, which callers answer
            // with 503 and retry. Whatever it was, the connection's state is unknown: it is
            // dropped, and the next call on this connection opens a new one.
            let message = Self.trimmed(PQresultErrorMessage(sync))
            PQclear(sync)
            let lost = syncStatus == PGRES_FATAL_ERROR || PQstatus(connection) != CONNECTION_OK
            drop()
            if let firstError, firstError.isUnavailable { throw firstError }
            if lost {
                throw PostgresError(kind: .connection, message: message.isEmpty ? "the server ended the session" : message)
            }
            throw PostgresError(kind: .client, message: "expected pipeline sync, got \(String(cString: PQresStatus(syncStatus)))")
        }
        PQclear(sync)
        PQexitPipelineMode(connection)
        if transactionDepth == 0, PQtransactionStatus(connection) != PQTRANS_IDLE {
            rollbackQuietly()
        }
        if let firstError { throw firstError }
        return results
    }

    // MARK: COPY

    /// Loads rows with `COPY … FROM STDIN` (text format) and returns how many were copied.
    /// `sql` is the whole COPY command; each row's values are encoded with `PostgresCopy`.
    @discardableResult
    public func copyIn(_ sql: String, rows: [[String?]]) throws -> Int {
        let connection = try usableConnection()
        guard let start = PQexec(connection, sql) else { throw connectionError(connection) }
        guard PQresultStatus(start) == PGRES_COPY_IN else {
            _ = try consume(start, on: connection)
            throw PostgresError(kind: .client, message: "statement did not start COPY FROM STDIN")
        }
        PQclear(start)
        var buffer = ""
        buffer.reserveCapacity(1 << 16)
        func flush() throws {
            guard !buffer.isEmpty else { return }
            let sent = buffer.withCString { PQputCopyData(connection, $0, Int32(strlen($0))) }
            guard sent == 1 else { throw connectionError(connection) }
            buffer.removeAll(keepingCapacity: true)
        }
        for row in rows {
            PostgresCopy.appendRow(row, to: &buffer)
            if buffer.utf8.count >= 1 << 16 { try flush() }
        }
        try flush()
        guard PQputCopyEnd(connection, nil) == 1 else { throw connectionError(connection) }
        var copied = 0
        var failure: PostgresError?
        while let result = PQgetResult(connection) {
            do { copied = try consume(result, on: connection).affectedRows } catch let error as PostgresError { failure = failure ?? error }
        }
        if let failure { throw failure }
        return copied
    }

    // MARK: Results

    private func consume(_ result: OpaquePointer?, on connection: OpaquePointer) throws -> PostgresRows {
        guard let result else { throw connectionError(connection) }
        defer { PQclear(result) }
        switch PQresultStatus(result) {
        case PGRES_TUPLES_OK, PGRES_SINGLE_TUPLE:
            let rowCount = Int(PQntuples(result))
            let columnCount = Int(PQnfields(result))
            var columns: [String] = []
            columns.reserveCapacity(columnCount)
            for column in 0..<columnCount { columns.append(String(cString: PQfname(result, Int32(column)))) }
            var values: [String?] = []
            values.reserveCapacity(rowCount * columnCount)
            for row in 0..<rowCount {
                for column in 0..<columnCount {
                    if PQgetisnull(result, Int32(row), Int32(column)) == 1 {
                        values.append(nil)
                    } else {
                        let length = Int(PQgetlength(result, Int32(row), Int32(column)))
                        let pointer = UnsafeRawPointer(PQgetvalue(result, Int32(row), Int32(column)))
                        values.append(String(decoding: UnsafeRawBufferPointer(start: pointer, count: length), as: UTF8.self))
                    }
                }
            }
            return PostgresRows(columns: columns, values: values, affectedRows: rowCount)
        case PGRES_COMMAND_OK, PGRES_EMPTY_QUERY:
            let tuples = String(cString: PQcmdTuples(result))
            return PostgresRows(columns: [], values: [], affectedRows: Int(tuples) ?? 0)
        case PGRES_FATAL_ERROR, PGRES_NONFATAL_ERROR:
            throw serverError(result, connection: connection)
        case PGRES_PIPELINE_ABORTED:
            throw PostgresError(kind: .server, code: .inFailedTransaction, message: "statement skipped: an earlier statement in the pipeline failed")
        case let status:
            throw PostgresError(kind: .client, message: "unexpected result status \(String(cString: PQresStatus(status)))")
        }
    }

    private func serverError(_ result: OpaquePointer, connection: OpaquePointer) -> PostgresError {
        func field(_ code: Int32) -> String? {
            guard let value = PQresultErrorField(result, code) else { return nil }
            return String(cString: value)
        }
        guard let state = field(CPG_DIAG_SQLSTATE) else {
            // libpq-side failure (lost connection, out of memory): no SQLSTATE.
            return PostgresError(kind: .connection, message: Self.trimmed(PQresultErrorMessage(result)))
        }
        let code = PostgresError.Code(state)
        let kind: PostgresError.Kind = PQstatus(connection) == CONNECTION_OK ? .server : .connection
        return PostgresError(
            kind: kind, code: code, message: field(CPG_DIAG_MESSAGE_PRIMARY) ?? "", detail: field(CPG_DIAG_MESSAGE_DETAIL),
            hint: field(CPG_DIAG_MESSAGE_HINT), constraint: field(CPG_DIAG_CONSTRAINT_NAME), table: field(CPG_DIAG_TABLE_NAME),
            column: field(CPG_DIAG_COLUMN_NAME), position: field(CPG_DIAG_STATEMENT_POSITION).flatMap { Int($0) })
    }

    /// A pipeline that cannot be finished leaves libpq in pipeline mode with results unread:
    /// nothing more can be sent on it, so the connection is dropped (the next call reconnects)
    /// and the error returned.
    private func abandon(_ connection: OpaquePointer) -> PostgresError {
        let error = connectionError(connection)
        drop()
        return error
    }

    private func connectionError(_ connection: OpaquePointer) -> PostgresError {
        let message = Self.trimmed(PQerrorMessage(connection))
        return PostgresError(kind: .connection, message: message.isEmpty ? "connection lost" : message)
    }

    private static func trimmed(_ message: UnsafePointer<CChar>?) -> String {
        guard let message else { return "" }
        return String(cString: message).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// The connection's `PGcancel` object, usable from any thread: `PQcancel` is the one libpq
/// call made to be sent from outside the thread that runs the connection.
///
/// `@unchecked Sendable`: every access to the pointer is under the lock.
final class QueryCanceller: @unchecked Sendable {
    private let lock = NSLock()
    private var object: OpaquePointer?
    private var requested = false

    /// Installs the cancel object of a new libpq connection (nil: none), freeing the old one.
    func replace(with new: OpaquePointer?) {
        lock.lock()
        defer { lock.unlock() }
        if let object { PQfreeCancel(object) }
        object = new
        requested = false
    }

    /// Sends the cancel request; returns once the server has received it.
    func cancel() -> Bool {
        lock.lock()
        defer { lock.unlock() }
        guard let object else { return false }
        requested = true
        var buffer = [CChar](repeating: 0, count: 256)
        return PQcancel(object, &buffer, Int32(buffer.count)) == 1
    }

    /// Whether a cancel was requested since the last call (which clears it). Waits for a
    /// request being sent to finish.
    func wasCancelled() -> Bool {
        lock.lock()
        defer { lock.unlock() }
        let was = requested
        requested = false
        return was
    }

    deinit {
        if let object { PQfreeCancel(object) }
    }
}

/// Receives libpq's notices (`RAISE NOTICE`, warnings) and hands them to the logger instead
/// of stderr.
///
/// `@unchecked Sendable`: it holds only an immutable `Logger`, which is itself `Sendable`;
/// the annotation is needed because libpq receives it as a raw pointer.
final class NoticeSink: @unchecked Sendable {
    let logger: Logger
    init(logger: Logger) { self.logger = logger }
}

private func noticeProcessor(_ argument: UnsafeMutableRawPointer?, _ message: UnsafePointer<CChar>?) {
    guard let argument, let message else { return }
    let sink = Unmanaged<NoticeSink>.fromOpaque(argument).takeUnretainedValue()
    let text = String(cString: message).trimmingCharacters(in: .whitespacesAndNewlines)
    sink.logger.notice("postgres: \(text)")
}

/// Calls `body` with a C array of C strings (NULL for nil) that lives for the call.
func withCStrings<R>(_ strings: [String?], _ body: ([UnsafePointer<CChar>?]) -> R) -> R {
    let pointers: [UnsafeMutablePointer<CChar>?] = strings.map { string in string.flatMap { strdup($0) } }
    defer { for pointer in pointers { free(pointer) } }
    return body(pointers.map { $0.map { UnsafePointer($0) } })
}

/// Text-format COPY encoding: tab-separated, `\N` for NULL, backslash escapes.
public enum PostgresCopy {
    public static func appendRow(_ values: [String?], to buffer: inout String) {
        for (index, value) in values.enumerated() {
            if index > 0 { buffer.append("\t") }
            guard let value else {
                buffer.append("\\N")
                continue
            }
            for character in value {
                switch character {
                case "\\": buffer.append("\\\\")
                case "\t": buffer.append("\\t")
                case "\n": buffer.append("\\n")
                case "\r": buffer.append("\\r")
                default: buffer.append(character)
                }
            }
        }
        buffer.append("\n")
    }
}
