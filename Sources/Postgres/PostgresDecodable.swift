import Foundation

/// A Swift value that can be read from a column in PostgreSQL's text format.
public protocol PostgresDecodable: Sendable {
    init(postgresText text: String) throws
}

extension String: PostgresDecodable {
    public init(postgresText text: String) { self = text }
}

extension Int: PostgresDecodable {
    public init(postgresText text: String) throws {
        guard let value = Int(text) else { throw PostgresDecodingFailure.make(Int.self, text) }
        self = value
    }
}

extension Int32: PostgresDecodable {
    public init(postgresText text: String) throws {
        guard let value = Int32(text) else { throw PostgresDecodingFailure.make(Int32.self, text) }
        self = value
    }
}

extension Int64: PostgresDecodable {
    public init(postgresText text: String) throws {
        guard let value = Int64(text) else { throw PostgresDecodingFailure.make(Int64.self, text) }
        self = value
    }
}

extension Double: PostgresDecodable {
    public init(postgresText text: String) throws {
        switch text {
        case "NaN": self = .nan
        case "Infinity": self = .infinity
        case "-Infinity": self = -.infinity
        default:
            guard let value = Double(text) else { throw PostgresDecodingFailure.make(Double.self, text) }
            self = value
        }
    }
}

extension Bool: PostgresDecodable {
    public init(postgresText text: String) throws {
        switch text {
        case "t", "true": self = true
        case "f", "false": self = false
        default: throw PostgresDecodingFailure.make(Bool.self, text)
        }
    }
}

extension UUID: PostgresDecodable {
    public init(postgresText text: String) throws {
        guard let value = UUID(text: text) else { throw PostgresDecodingFailure.make(UUID.self, text) }
        self = value
    }
}

extension Decimal: PostgresDecodable {
    public init(postgresText text: String) throws {
        guard let value = Decimal(string: text, locale: Locale(identifier: "en_US_POSIX")) else {
            throw PostgresDecodingFailure.make(Decimal.self, text)
        }
        self = value
    }
}

extension Data: PostgresDecodable {
    /// Reads `bytea` in hex output form (`\\x…`), the server default.
    public init(postgresText text: String) throws {
        let bytes = Array(text.utf8)
        guard bytes.count >= 2, bytes[0] == UInt8(ascii: "\\"), bytes[1] == UInt8(ascii: "x"), bytes.count % 2 == 0 else {
            throw PostgresDecodingFailure.make(Data.self, text)
        }
        var data = Data(capacity: (bytes.count - 2) / 2)
        var index = 2
        while index < bytes.count {
            guard let high = UUID.nibble(bytes[index]), let low = UUID.nibble(bytes[index + 1]) else { throw PostgresDecodingFailure.make(Data.self, text) }
            data.append(high << 4 | low)
            index += 2
        }
        self = data
    }
}

extension Date: PostgresDecodable {
    public init(postgresText text: String) throws {
        guard let value = PostgresTimestamp.parse(text) else { throw PostgresDecodingFailure.make(Date.self, text) }
        self = value
    }
}

extension Array: PostgresDecodable where Element: PostgresDecodable {
    /// Decodes a one-dimensional array; a NULL element is a decoding error.
    public init(postgresText text: String) throws {
        self = try PostgresArrayLiteral.parse(text).map { element in
            guard let element else { throw PostgresDecodingFailure.make(Element.self, "NULL") }
            return try Element(postgresText: element)
        }
    }
}

extension PostgresJSON: PostgresDecodable {
    public init(postgresText text: String) throws {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        do {
            value = try decoder.decode(Value.self, from: Data(text.utf8))
        } catch {
            throw PostgresError(kind: .decoding, message: "invalid JSON for \(Value.self): \(error)")
        }
    }
}

enum PostgresDecodingFailure {
    static func make(_ type: Any.Type, _ text: String) -> PostgresError {
        PostgresError(kind: .decoding, message: "cannot decode \(type) from '\(text.prefix(60))'")
    }
}
