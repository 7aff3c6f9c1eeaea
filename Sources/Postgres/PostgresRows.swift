/// The rows a statement returned, copied out of libpq so they can cross actors.
public struct PostgresRows: Sendable, Sequence {
    /// Column names in result order.
    public let columns: [String]
    /// Values in row-major order, as PostgreSQL's text format; `nil` is SQL NULL.
    let values: [String?]
    /// The number of rows the statement affected (`INSERT`/`UPDATE`/`DELETE`/`COPY`), or returned.
    public let affectedRows: Int
    /// Positions by name, only for wide results: a row of a few dozen columns is searched in
    /// order, which costs less than hashing every name of every result (most names are short
    /// enough to compare in one step).
    let columnIndex: [String: Int]?

    init(columns: [String], values: [String?], affectedRows: Int) {
        self.columns = columns
        self.values = values
        self.affectedRows = affectedRows
        if columns.count > Self.searchedInOrder {
            var index: [String: Int] = [:]
            for (position, name) in columns.enumerated() where index[name] == nil { index[name] = position }
            self.columnIndex = index
        } else {
            self.columnIndex = nil
        }
    }

    static let searchedInOrder = 32

    /// The first column called `name`.
    func position(of name: String) -> Int? {
        if let columnIndex { return columnIndex[name] }
        return columns.firstIndex(of: name)
    }

    static let empty = PostgresRows(columns: [], values: [], affectedRows: 0)

    public var count: Int { columns.isEmpty ? 0 : values.count / columns.count }
    public var isEmpty: Bool { count == 0 }
    public var first: PostgresRow? { isEmpty ? nil : PostgresRow(rows: self, index: 0) }

    public subscript(index: Int) -> PostgresRow { PostgresRow(rows: self, index: index) }

    public func makeIterator() -> AnyIterator<PostgresRow> {
        var next = 0
        let total = count
        return AnyIterator {
            guard next < total else { return nil }
            defer { next += 1 }
            return PostgresRow(rows: self, index: next)
        }
    }
}

/// One row of a result; decode columns by name or position.
public struct PostgresRow: Sendable {
    let rows: PostgresRows
    let index: Int

    public func raw(_ column: Int) -> String? {
        rows.values[index * rows.columns.count + column]
    }

    public func raw(_ column: String) throws -> String? {
        guard let position = rows.position(of: column) else {
            throw PostgresError(kind: .decoding, message: "no column '\(column)' in result")
        }
        return raw(position)
    }

    /// Decodes a non-NULL column; NULL is a decoding error.
    public func decode<T: PostgresDecodable>(_ column: String, as type: T.Type = T.self) throws -> T {
        guard let text = try raw(column) else {
            throw PostgresError(kind: .decoding, message: "column '\(column)' is NULL, expected \(T.self)", column: column)
        }
        return try T(postgresText: text)
    }

    /// Decodes a column that may be NULL.
    public func decodeIfPresent<T: PostgresDecodable>(_ column: String, as type: T.Type = T.self) throws -> T? {
        guard let text = try raw(column) else { return nil }
        return try T(postgresText: text)
    }

    public func decode<T: PostgresDecodable>(at column: Int, as type: T.Type = T.self) throws -> T {
        guard let text = raw(column) else {
            throw PostgresError(kind: .decoding, message: "column \(column) is NULL, expected \(T.self)")
        }
        return try T(postgresText: text)
    }

    public func decodeIfPresent<T: PostgresDecodable>(at column: Int, as type: T.Type = T.self) throws -> T? {
        guard let text = raw(column) else { return nil }
        return try T(postgresText: text)
    }
}
