import CPostgres
import Foundation
import Logging
import NIOCore
import NIOPosix

/// One libpq connection, driven without blocking from whichever thread calls it.
///
/// libpq runs in non-blocking mode: a statement is sent from the caller's thread (a request's
/// event loop), and the caller suspends in `SocketWaiter` until the socket has the answer,
/// then continues on the same event loop. No thread is blocked and a request does not hop
/// to another thread to reach its connection. Connecting (`PQconnectdbParams`, which blocks
/// while it resolves and authenticates) and sending a cancel request run on NIO's thread pool.
/// `PGconn*` never leaves the actor; results are copied into `PostgresRows`.
///
/// A connection that the server dropped (restart, `pg_terminate_backend`) is noticed before
/// the next statement and re-established, as long as no transaction was open on it; inside
/// a transaction the loss is reported as a `.connection` error instead.
///
/// Call `close()` when done: the libpq handle is released there, not in `deinit`.
public actor PostgresConnection {
    private let configuration: PostgresConfiguration
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

    private init(configuration: PostgresConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
        self.notices = NoticeSink(logger: logger)
    }

    /// Opens a connection.
    public static func connect(_ configuration: PostgresConfiguration, logger: Logger = Logger(label: "postgres")) async throws -> PostgresConnection {
        let connection = PostgresConnection(configuration: configuration, logger: logger)
        try await connection.open()
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

    /// Closes the connection. Safe to call twice.
    public func close() {
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
    /// thread, without waiting for the connection, which is busy with the very statement to
    /// cancel. The request is sent from NIO's thread pool (it opens a connection of its own);
    /// the statement then fails with SQLSTATE 57014. An idle connection ignores the request.
    public nonisolated func cancelRunningQuery() {
        canceller.cancel()
    }

    /// After a cancel request: makes sure it cannot hit the next borrower's statement. A cancel
    /// that arrives while the server waits for a command is dropped, and one that arrives while
    /// a statement runs cancels it; so once the request has been delivered, a statement that
    /// fails with 57014 absorbed it, and one that succeeds shows none was pending.
    public func settleAfterCancel() async {
        guard await canceller.wasCancelled() else { return }
        for _ in 0..<3 {
            do {
                _ = try await execute(PostgresStatement("SELECT 1", prepared: false))
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

    /// A libpq handle (a connection or a result) crossing between the thread pool and this
    /// actor; only one side uses it at a time.
    private struct LibpqHandle: @unchecked Sendable {
        let handle: OpaquePointer
    }

    private func open() async throws {
        let configuration = configuration
        let opened = try await NIOThreadPool.singleton.runIfActive { () throws -> LibpqHandle in
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
            guard PQstatus(connection) == CONNECTION_OK, PQsetnonblocking(connection, 1) == 0 else {
                let message = Self.trimmed(PQerrorMessage(connection))
                PQfinish(connection)
                throw PostgresError(kind: .connection, message: message.isEmpty ? "connection failed" : message)
            }
            return LibpqHandle(handle: connection)
        }
        guard !closed else {
            PQfinish(opened.handle)
            throw PostgresError(kind: .connection, message: "connection is closed")
        }
        let connection = opened.handle
        handle = connection
        canceller.replace(with: PQgetCancel(connection))
        PQsetNoticeProcessor(connection, noticeProcessor, Unmanaged.passUnretained(notices).toOpaque())
        // Timestamps are parsed by PostgresTimestamp, which expects ISO output.
        _ = try await simpleQuery("SET DateStyle = ISO; SET IntervalStyle = iso_8601; SET extra_float_digits = 3", on: connection)
    }

    /// Makes sure the connection is alive before a statement is sent; re-establishes it when
    /// the server went away between transactions.
    private func usableConnection() async throws -> OpaquePointer {
        guard !closed else { throw PostgresError(kind: .connection, message: "connection is closed") }
        guard let connection = handle else {
            try await open()
            return try await usableConnection()
        }
        if Self.isAlive(connection) { return connection }
        if transactionDepth > 0 {
            throw PostgresError(kind: .connection, message: "connection lost inside a transaction: \(Self.trimmed(PQerrorMessage(connection)))")
        }
        logger.warning("postgres connection lost, reconnecting", metadata: ["reason": "\(Self.trimmed(PQerrorMessage(connection)))"])
        drop()
        try await open()
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

    // MARK: Waiting on the socket

    /// Sends what libpq has buffered. A full socket buffer suspends the caller until the
    /// socket drains, consuming input meanwhile as libpq asks.
    private func flush(_ connection: OpaquePointer) async throws {
        while true {
            let outcome = PQflush(connection)
            if outcome == 0 { return }
            guard outcome == 1 else { throw connectionError(connection) }
            await SocketWaiter.shared.wait(for: PQsocket(connection), .readableOrWritable)
            guard PQconsumeInput(connection) == 1 else { throw connectionError(connection) }
        }
    }

    /// The next result (nil: the current query's results are done), suspending the caller
    /// until the server has sent it. A connection that fails while waiting gives libpq's
    /// error result.
    private func nextResult(_ connection: OpaquePointer) async -> OpaquePointer? {
        if PQsslInUse(connection) == 1, PQisBusy(connection) == 1 {
            // Over TLS, decrypted input can wait inside OpenSSL while the socket is quiet, which
            // a socket wait cannot see; libpq's own wait checks for it. So a TLS connection
            // waits in libpq, on the thread pool (never on an event loop).
            let handle = LibpqHandle(handle: connection)
            let result = try? await NIOThreadPool.singleton.runIfActive { PQgetResult(handle.handle).map(LibpqHandle.init(handle:)) }
            return result?.handle
        }
        while PQisBusy(connection) == 1 {
            await SocketWaiter.shared.wait(for: PQsocket(connection), .readable)
            guard PQconsumeInput(connection) == 1 else { break }
        }
        return PQgetResult(connection)
    }

    /// Sends `sql` with the simple query protocol and reads every result: the last one's rows,
    /// or the first failure.
    private func simpleQuery(_ sql: String, on connection: OpaquePointer) async throws -> PostgresRows {
        try await results(sent: PQsendQuery(connection, sql), on: connection)
    }

    /// After a `PQsend…` call that returned `sent`: sends what it queued.
    private func send(_ sent: Int32, on connection: OpaquePointer) async throws {
        guard sent == 1 else { throw connectionError(connection) }
        try await flush(connection)
    }

    /// After a `PQsend…` call that returned `sent`: sends it and reads its results as
    /// `collect` does.
    private func results(sent: Int32, on connection: OpaquePointer) async throws -> PostgresRows {
        try await send(sent, on: connection)
        return try await collect(connection)
    }

    /// Calls `put` (`PQputCopyData`, `PQputCopyEnd`) until libpq takes it: 0 means its output
    /// buffer is full, so the socket is drained first.
    private func whenBufferAllows(_ put: () -> Int32, on connection: OpaquePointer) async throws {
        while true {
            let outcome = put()
            if outcome == 1 { return }
            guard outcome == 0 else { throw connectionError(connection) }
            try await flush(connection)
        }
    }

    /// Reads a query's results up to the NULL that ends them: the last one's rows, or the
    /// first failure.
    private func collect(_ connection: OpaquePointer) async throws -> PostgresRows {
        var last = PostgresRows.empty
        var failure: (any Error)?
        var sawResult = false
        while let result = await nextResult(connection) {
            sawResult = true
            switch PQresultStatus(result) {
            case PGRES_COPY_IN, PGRES_COPY_OUT, PGRES_COPY_BOTH:
                // COPY goes through `copyIn`; here libpq would hand back the same result for
                // ever. The connection is mid-COPY: drop it, the next call opens a new one.
                PQclear(result)
                drop()
                throw PostgresError(kind: .client, message: "COPY … STDIN/STDOUT runs through copyIn, not as a statement")
            default:
                break
            }
            do {
                let rows = try consume(result, on: connection)
                if failure == nil { last = rows }
            } catch {
                if failure == nil { failure = error }
            }
        }
        if let failure { throw failure }
        guard sawResult else { throw connectionError(connection) }
        return last
    }

    // MARK: Statements

    /// Runs one statement and returns its rows.
    @discardableResult
    public func query(_ sql: String, _ parameters: [(any PostgresEncodable)?] = [], prepared: Bool = true) async throws -> PostgresRows {
        try await execute(PostgresStatement(sql, parameters, prepared: prepared))
    }

    /// Runs one statement; prepared statements are prepared once per connection and reused.
    @discardableResult
    public func execute(_ statement: PostgresStatement) async throws -> PostgresRows {
        let connection = try await usableConnection()
        let sent: Int32
        if statement.prepared, preparedNames[statement.sql] != nil || preparedNames.count < Self.preparedStatementLimit {
            let name = try await preparedName(for: statement, on: connection)
            sent = withCStrings(statement.parameters) { parameters in
                PQsendQueryPrepared(connection, name, Int32(statement.parameters.count), parameters, nil, nil, 0)
            }
        } else {
            sent = withCStrings(statement.parameters) { parameters in
                PQsendQueryParams(connection, statement.sql, Int32(statement.parameters.count), nil, parameters, nil, nil, 0)
            }
        }
        return try await results(sent: sent, on: connection)
    }

    /// Runs a script of several statements with the simple query protocol (migrations,
    /// set-up). Returns the last statement's rows; the first failure stops the script.
    @discardableResult
    public func script(_ sql: String) async throws -> PostgresRows {
        try await simpleQuery(sql, on: try await usableConnection())
    }

    private func preparedName(for statement: PostgresStatement, on connection: OpaquePointer) async throws -> String {
        if let name = preparedNames[statement.sql] { return name }
        let name = "s\(preparedNames.count + 1)"
        _ = try await results(sent: PQsendPrepare(connection, name, statement.sql, Int32(statement.parameters.count), nil), on: connection)
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
            _ = try await pipeline([.begin] + settings)
            let value = try await body(self)
            try await execute(.commit)
            return value
        } catch {
            await rollbackQuietly()
            throw error
        }
    }

    private func rollbackQuietly() async {
        guard let handle, PQstatus(handle) == CONNECTION_OK, PQtransactionStatus(handle) != PQTRANS_IDLE else { return }
        _ = try? await simpleQuery("ROLLBACK", on: handle)
    }

    // MARK: Pipeline

    /// Sends every statement in one round trip using libpq's pipeline mode and returns one
    /// result per statement.
    ///
    /// Typical use is a whole request: `BEGIN`, the settings, the statements, `COMMIT`. When a
    /// statement fails, the rest are skipped by the server, an open transaction is rolled back,
    /// and the error names the failing statement (`statementIndex`); the connection stays usable.
    public func pipeline(_ statements: [PostgresStatement]) async throws -> [PostgresRows] {
        let connection = try await usableConnection()
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
        do { try await flush(connection) } catch { throw abandon(connection) }

        var results = Array(repeating: PostgresRows.empty, count: statements.count)
        var firstError: PostgresError?
        for expectation in expected {
            guard let result = await nextResult(connection) else { throw abandon(connection) }
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
            while let extra = await nextResult(connection) { PQclear(extra) }
        }
        guard let sync = await nextResult(connection) else { throw abandon(connection) }
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
            await rollbackQuietly()
        }
        if let firstError { throw firstError }
        return results
    }

    // MARK: Notifications

    /// A notification sent with `NOTIFY` or `pg_notify` on a channel this connection listens to.
    public struct Notification: Sendable, Equatable {
        public var channel: String
        public var payload: String

        public init(channel: String, payload: String) {
            self.channel = channel
            self.payload = payload
        }
    }

    /// Waits until at least one notification has arrived on a channel this connection
    /// `LISTEN`s to, and returns all that have.
    ///
    /// Throws when the task is cancelled, or when the connection is lost: a lost connection
    /// loses its `LISTEN`s and whatever was sent meanwhile, so it is not re-established here;
    /// the caller opens a new connection and must assume anything may have changed. Use a
    /// connection of its own for listening: it runs no statements while it waits.
    public func notifications() async throws -> [Notification] {
        guard !closed, let connection = handle else { throw PostgresError(kind: .connection, message: "connection is closed") }
        while true {
            guard PQconsumeInput(connection) == 1 else { throw abandon(connection) }
            var received: [Notification] = []
            while let notification = PQnotifies(connection) {
                received.append(Notification(channel: String(cString: notification.pointee.relname), payload: String(cString: notification.pointee.extra)))
                PQfreemem(notification)
            }
            if !received.isEmpty { return received }
            guard PQstatus(connection) == CONNECTION_OK else { throw abandon(connection) }
            try Task.checkCancellation()
            if PQsslInUse(connection) == 1 {
                // Over TLS, OpenSSL can hold decrypted input while the socket is quiet, which
                // a socket wait would not see; look again every half second.
                try await Task.sleep(for: .milliseconds(500))
            } else {
                await SocketWaiter.shared.waitUnlessCancelled(for: PQsocket(connection))
            }
        }
    }

    // MARK: COPY

    /// Loads rows with `COPY … FROM STDIN` (text format) and returns how many were copied.
    /// `sql` is the whole COPY command; each row's values are encoded with `PostgresCopy`.
    @discardableResult
    public func copyIn(_ sql: String, rows: [[String?]]) async throws -> Int {
        let connection = try await usableConnection()
        try await send(PQsendQuery(connection, sql), on: connection)
        guard let start = await nextResult(connection) else { throw connectionError(connection) }
        guard PQresultStatus(start) == PGRES_COPY_IN else {
            // Read the command's remaining results first, whatever the first one says, so that
            // libpq is ready for the next command.
            let outcome = Result { try consume(start, on: connection) }
            while let extra = await nextResult(connection) { PQclear(extra) }
            _ = try outcome.get()
            throw PostgresError(kind: .client, message: "statement did not start COPY FROM STDIN")
        }
        PQclear(start)
        var buffer = ""
        buffer.reserveCapacity(1 << 16)
        for row in rows {
            PostgresCopy.appendRow(row, to: &buffer)
            if buffer.utf8.count >= 1 << 16 {
                try await putCopyData(buffer, on: connection)
                buffer.removeAll(keepingCapacity: true)
            }
        }
        if !buffer.isEmpty { try await putCopyData(buffer, on: connection) }
        try await whenBufferAllows({ PQputCopyEnd(connection, nil) }, on: connection)
        try await flush(connection)
        return try await collect(connection).affectedRows
    }

    private func putCopyData(_ chunk: String, on connection: OpaquePointer) async throws {
        try await whenBufferAllows({ chunk.withCString { PQputCopyData(connection, $0, Int32(strlen($0))) } }, on: connection)
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
/// call made to be sent from outside the thread that runs the connection. It opens a
/// connection of its own to the server, so it is sent from NIO's thread pool, never from the
/// event loop that asked for it, and never under the lock.
///
/// `@unchecked Sendable`: every access to the state is under the lock.
final class QueryCanceller: @unchecked Sendable {
    /// One backend's cancel object, freed when the last user lets go: a cancel being sent
    /// keeps the object of the backend it was asked for, even if the connection moved on.
    final class Target: @unchecked Sendable {
        let object: OpaquePointer
        init(_ object: OpaquePointer) { self.object = object }
        deinit { PQfreeCancel(object) }
    }

    private let lock = NSLock()
    private var target: Target?
    private var requested = false
    /// Cancel requests submitted and not yet sent, and who waits for them.
    private var sending = 0
    private var waitingForSends: [CheckedContinuation<Void, Never>] = []

    /// Installs the cancel object of a new libpq connection (nil: none). A cancel still being
    /// sent goes to the backend it was asked for, not to the new one.
    func replace(with new: OpaquePointer?) {
        lock.withLock {
            target = new.map(Target.init)
            requested = false
        }
    }

    /// Sends a cancel request for the current backend from the thread pool; returns at once.
    func cancel() {
        let aimed: Target? = lock.withLock {
            guard let target else { return nil }
            requested = true
            sending += 1
            return target
        }
        guard let aimed else { return }
        NIOThreadPool.singleton.submit { _ in
            var buffer = [CChar](repeating: 0, count: 256)
            _ = PQcancel(aimed.object, &buffer, Int32(buffer.count))
            let waiting: [CheckedContinuation<Void, Never>] = self.lock.withLock {
                self.sending -= 1
                guard self.sending == 0 else { return [] }
                defer { self.waitingForSends.removeAll() }
                return self.waitingForSends
            }
            for continuation in waiting { continuation.resume() }
        }
    }

    /// Whether a cancel was requested for the current backend since the last call (which
    /// clears it), once every request submitted so far has reached the server.
    func wasCancelled() async -> Bool {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let sent: Bool = lock.withLock {
                if sending == 0 { return true }
                waitingForSends.append(continuation)
                return false
            }
            if sent { continuation.resume() }
        }
        return lock.withLock {
            defer { requested = false }
            return requested
        }
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
