/// An error from PostgreSQL, libpq or the pool, with the SQLSTATE when the server sent one.
///
/// Modelled as a struct with nested, open sets of named constants (`Kind`, `Code`) rather than
/// closed enums, so that new SQLSTATEs never break a `switch` in callers; the API maps the codes
/// it knows (`uniqueViolation` → 409, …) and treats everything else as a server error.
public struct PostgresError: Error, Sendable, CustomStringConvertible {
    /// Where the error came from.
    public struct Kind: Hashable, Sendable, CustomStringConvertible {
        public let name: String
        /// The server rejected a statement; `code` holds its SQLSTATE.
        public static let server = Kind(name: "server")
        /// The connection could not be made or was lost; the statement may or may not have run.
        public static let connection = Kind(name: "connection")
        /// No pooled connection became free within the acquire timeout; nothing was sent.
        public static let poolTimeout = Kind(name: "pool_timeout")
        /// The pool is shutting down or shut down; nothing was sent.
        public static let poolClosed = Kind(name: "pool_closed")
        /// A value could not be decoded into the requested Swift type.
        public static let decoding = Kind(name: "decoding")
        /// libpq reported something unexpected (a result state the caller did not ask for).
        public static let client = Kind(name: "client")
        public var description: String { name }
    }

    /// A SQLSTATE. Named constants cover the states the platform acts on.
    public struct Code: Hashable, Sendable, RawRepresentable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public init(_ rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// The SQLSTATE class: its first two characters.
        public var sqlClass: String { String(rawValue.prefix(2)) }

        public static let uniqueViolation = Code("23505")
        public static let foreignKeyViolation = Code("23503")
        public static let exclusionViolation = Code("23P01")
        public static let checkViolation = Code("23514")
        public static let notNullViolation = Code("23502")
        public static let insufficientPrivilege = Code("42501")
        public static let serializationFailure = Code("40001")
        public static let deadlockDetected = Code("40P01")
        public static let lockNotAvailable = Code("55P03")
        public static let queryCanceled = Code("57014")
        public static let adminShutdown = Code("57P01")
        public static let cannotConnectNow = Code("57P03")
        public static let undefinedTable = Code("42P01")
        public static let undefinedObject = Code("42704")
        public static let syntaxError = Code("42601")
        public static let invalidTextRepresentation = Code("22P02")
        public static let invalidParameterValue = Code("22023")
        public static let raiseException = Code("P0001")
        public static let inFailedTransaction = Code("25P02")
    }

    public var kind: Kind
    public var code: Code?
    public var message: String
    public var detail: String?
    public var hint: String?
    public var constraint: String?
    public var table: String?
    public var column: String?
    /// 1-based character offset of the error in the statement text, when the server sent one.
    public var position: Int?
    /// For a pipelined batch: the index of the statement that failed.
    public var statementIndex: Int?

    public init(
        kind: Kind, code: Code? = nil, message: String, detail: String? = nil, hint: String? = nil,
        constraint: String? = nil, table: String? = nil, column: String? = nil, position: Int? = nil,
        statementIndex: Int? = nil
    ) {
        self.kind = kind
        self.code = code
        self.message = message
        self.detail = detail
        self.hint = hint
        self.constraint = constraint
        self.table = table
        self.column = column
        self.position = position
        self.statementIndex = statementIndex
    }

    /// Whether retrying the whole transaction may succeed (serialization failure, deadlock).
    public var isTransient: Bool {
        code == .serializationFailure || code == .deadlockDetected
    }

    /// Whether the database was unreachable or went away: the API answers 503.
    public var isUnavailable: Bool {
        kind == .connection || kind == .poolTimeout || kind == .poolClosed
            || code == .adminShutdown || code == .cannotConnectNow || code?.sqlClass == "08"
    }

    public var description: String {
        var text = "\(kind)"
        if let code { text += " \(code.rawValue)" }
        text += ": \(message)"
        if let detail { text += " (\(detail))" }
        if let statementIndex { text += " [statement \(statementIndex)]" }
        return text
    }
}
