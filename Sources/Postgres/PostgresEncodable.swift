import Foundation

/// A Swift value that can be sent as a statement parameter in PostgreSQL's text format.
///
/// Parameters travel as text and the server casts them to the column's type; that keeps
/// one code path for every type and lets `$1::uuid[]` and friends work unchanged.
public protocol PostgresEncodable: Sendable {
    /// The text PostgreSQL parses for this value.
    var postgresText: String { get }
    /// True only for a `nil` optional: written as an unquoted NULL inside arrays.
    var isPostgresNull: Bool { get }
}

extension PostgresEncodable {
    public var isPostgresNull: Bool { false }
}

extension String: PostgresEncodable {
    public var postgresText: String { self }
}

extension Substring: PostgresEncodable {
    public var postgresText: String { String(self) }
}

extension Int: PostgresEncodable {
    public var postgresText: String { String(self) }
}

extension Int32: PostgresEncodable {
    public var postgresText: String { String(self) }
}

extension Int64: PostgresEncodable {
    public var postgresText: String { String(self) }
}

extension Int16: PostgresEncodable {
    public var postgresText: String { String(self) }
}

extension Double: PostgresEncodable {
    public var postgresText: String {
        if isNaN { return "NaN" }
        if isInfinite { return self > 0 ? "Infinity" : "-Infinity" }
        return "\(self)"
    }
}

extension Bool: PostgresEncodable {
    public var postgresText: String { self ? "t" : "f" }
}

extension UUID: PostgresEncodable {
    public var postgresText: String { lowercasedText }
}

extension Decimal: PostgresEncodable {
    public var postgresText: String { description }
}

extension Data: PostgresEncodable {
    /// `bytea` in hex form (`\\x0a1b…`).
    public var postgresText: String {
        let digits = Array("0123456789abcdef".utf8)
        var text = [UInt8](repeating: 0, count: count * 2)
        for (index, byte) in enumerated() {
            text[index * 2] = digits[Int(byte >> 4)]
            text[index * 2 + 1] = digits[Int(byte & 0x0f)]
        }
        return "\\x" + String(decoding: text, as: UTF8.self)
    }
}

extension Date: PostgresEncodable {
    /// RFC 3339 in UTC with microseconds, which `timestamptz` accepts losslessly.
    public var postgresText: String { PostgresTimestamp.format(self) }
}

extension Array: PostgresEncodable where Element: PostgresEncodable {
    /// An array literal (`{"a","b"}`), every element quoted so that commas, braces and
    /// quotes inside values survive.
    public var postgresText: String {
        var text = "{"
        for (index, element) in enumerated() {
            if index > 0 { text += "," }
            text += element.isPostgresNull ? "NULL" : PostgresArrayLiteral.quote(element.postgresText)
        }
        return text + "}"
    }
}

extension Optional: PostgresEncodable where Wrapped: PostgresEncodable {
    /// Used inside arrays, where `nil` becomes an element that is NULL; a `nil` statement
    /// parameter is sent as SQL NULL without going through here.
    public var postgresText: String { self?.postgresText ?? "NULL" }
    public var isPostgresNull: Bool { self == nil }
}

/// A value sent as `json`/`jsonb`, encoded with `JSONEncoder`.
public struct PostgresJSON<Value: Codable & Sendable>: PostgresEncodable, Sendable {
    public var value: Value
    public init(_ value: Value) { self.value = value }

    public var postgresText: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        guard let data = try? encoder.encode(value) else { return "null" }
        return String(decoding: data, as: UTF8.self)
    }
}

enum PostgresArrayLiteral {
    static func quote(_ text: String) -> String {
        var quoted = "\""
        for character in text {
            if character == "\"" || character == "\\" { quoted.append("\\") }
            quoted.append(character)
        }
        return quoted + "\""
    }

    /// Parses a one-dimensional array in PostgreSQL's text output (`{a,"b c",NULL}`).
    static func parse(_ text: String) throws -> [String?] {
        let bytes = Array(text.utf8)
        guard bytes.first == UInt8(ascii: "{"), bytes.last == UInt8(ascii: "}") else {
            throw PostgresError(kind: .decoding, message: "not an array literal: \(text.prefix(40))")
        }
        var elements: [String?] = []
        var index = 1
        let end = bytes.count - 1
        if index == end { return [] }
        while index <= end {
            var element: [UInt8] = []
            var wasQuoted = false
            if bytes[index] == UInt8(ascii: "\"") {
                wasQuoted = true
                index += 1
                while index < end, bytes[index] != UInt8(ascii: "\"") {
                    if bytes[index] == UInt8(ascii: "\\") { index += 1 }
                    element.append(bytes[index])
                    index += 1
                }
                index += 1  // closing quote
            } else {
                while index < end, bytes[index] != UInt8(ascii: ",") {
                    element.append(bytes[index])
                    index += 1
                }
            }
            let value = String(decoding: element, as: UTF8.self)
            elements.append(!wasQuoted && value == "NULL" ? nil : value)
            index += 1  // comma or closing brace
        }
        return elements
    }
}
