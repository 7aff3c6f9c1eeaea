import Foundation

/// One SQL statement with its parameters, ready to send.
///
/// Parameters are encoded to text when the statement is made, so a statement is a plain
/// `Sendable` value that can be built anywhere and executed on the connection's executor.
public struct PostgresStatement: Sendable {
    public var sql: String
    public var parameters: [String?]
    /// Whether to prepare it once per connection and reuse the plan (hot statements).
    public var prepared: Bool

    public init(_ sql: String, _ parameters: [(any PostgresEncodable)?] = [], prepared: Bool = true) {
        self.sql = sql
        self.parameters = parameters.map { $0?.postgresText }
        self.prepared = prepared
    }

    /// A statement with no parameters, run without preparing it (scripts, one-off DDL).
    public static func simple(_ sql: String) -> PostgresStatement {
        PostgresStatement(sql, [], prepared: false)
    }

    /// `BEGIN` and `COMMIT`, prepared like hot statements since every request sends them.
    public static let begin = PostgresStatement("BEGIN", [], prepared: true)
    public static let commit = PostgresStatement("COMMIT", [], prepared: true)

    /// `SET LOCAL name = 'value'` with the value quoted as a literal. `SET` takes no
    /// parameters, and DESIGN.md wants `SET LOCAL` (not `set_config`) so it runs on Citus.
    /// Prepared: the same actor sends the same settings request after request, and the
    /// connection's statement cache is bounded, so one-off values cost nothing lasting.
    public static func setLocal(_ name: String, _ value: String) -> PostgresStatement {
        precondition(name.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." }, "bad setting name")
        return PostgresStatement("SET LOCAL \(name) = \(PostgresLiteral.quote(value))", [], prepared: true)
    }
}

/// Quoting for the rare places where a value must be spliced into SQL text.
public enum PostgresLiteral {
    /// A standard-conforming string literal: single quotes doubled, backslashes kept as is.
    /// NUL characters cannot appear in PostgreSQL text and are dropped.
    public static func quote(_ value: String) -> String {
        var text = "'"
        for character in value where character != "\0" {
            if character == "'" { text.append("'") }
            text.append(character)
        }
        return text + "'"
    }

    /// A quoted identifier (`"name"`), double quotes doubled.
    public static func identifier(_ name: String) -> String {
        "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
