import Domain
import Foundation
import Hummingbird
import Postgres

/// Hummingbird exports a `RequestBody` struct of its own; in this module the name means the
/// protocol of request body types.
typealias RequestBody = Domain.RequestBody

/// Decodes request bodies as JSON, refusing unknown fields, and turns every decoding failure
/// into a 400/422 problem naming the field.
public struct StrictJSONDecoder: RequestDecoder {
    public init() {}

    public func decode<T: Decodable>(_ type: T.Type, from request: Request, context: some RequestContext) async throws -> T {
        try Self.decode(type, from: try await Self.body(of: request, context: context))
    }

    /// The whole request body; 413 when it is larger than the context allows.
    static func body(of request: Request, context: some RequestContext) async throws -> Data {
        do {
            return Data(buffer: try await request.body.collect(upTo: context.maxUploadSize))
        } catch {
            throw Problem(status: .contentTooLarge, code: "request.too_large", detail: "the request body is larger than \(context.maxUploadSize / 1024) KiB")
        }
    }

    static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: data, options: [])
        } catch {
            throw Problem(status: .badRequest, code: "request.malformed_json", detail: "the body is not valid JSON")
        }
        // PostgreSQL keeps no NUL in text, and jsonb (audit details, timelines) refuses its
        // escape: a NUL anywhere in a body is refused here, once, for every route.
        if let field = Self.fieldWithNul(object) {
            throw Problem(status: .unprocessableContent, code: "request.invalid_character", detail: "text may not contain the NUL character (U+0000)",
                          errors: [.init(field: field, code: "request.invalid_character", message: "contains U+0000")])
        }
        if let body = type as? any RequestBody.Type {
            guard let fields = object as? [String: Any] else {
                throw Problem(status: .unprocessableContent, code: "request.invalid", detail: "the body must be a JSON object",
                              errors: [.init(field: "", code: "request.wrong_type", message: "expected a JSON object")])
            }
            let known = body.knownFields
            let unknown = fields.keys.filter { !known.contains($0) }.sorted()
            if !unknown.isEmpty {
                throw Problem(status: .unprocessableContent, code: "request.unknown_field", detail: "unknown field(s): \(unknown.joined(separator: ", "))",
                              errors: unknown.map { .init(field: $0, code: "request.unknown_field", message: "'\($0)' is not a field of this request") })
            }
        }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            guard let date = RFC3339.parse(text) else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "expected an RFC 3339 timestamp with offset, e.g. 2026-11-26T09:30:00+08:00")
            }
            return date
        }
        do {
            return try decoder.decode(type, from: data)
        } catch let error as DecodingError {
            throw Problem.from(decoding: error)
        }
    }
}

extension StrictJSONDecoder {
    /// The path of the first string (key or value) holding U+0000, if any.
    static func fieldWithNul(_ value: Any, at path: String = "") -> String? {
        switch value {
        case let text as String:
            return text.unicodeScalars.contains("\u{0}") ? path : nil
        case let object as [String: Any]:
            for (key, item) in object {
                let field = path.isEmpty ? key : "\(path).\(key)"
                if key.unicodeScalars.contains("\u{0}") { return field }
                if let found = fieldWithNul(item, at: field) { return found }
            }
            return nil
        case let array as [Any]:
            for (index, item) in array.enumerated() {
                if let found = fieldWithNul(item, at: "\(path)[\(index)]") { return found }
            }
            return nil
        default:
            return nil
        }
    }
}

extension Problem {
    /// A 422 naming the field a `DecodingError` is about.
    static func from(decoding error: DecodingError) -> Problem {
        func path(_ codingPath: [any CodingKey]) -> String {
            codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".").replacingOccurrences(of: ".[", with: "[")
        }
        let field: String, code: String, message: String
        switch error {
        case .typeMismatch(let type, let context):
            (field, code, message) = (path(context.codingPath), "request.wrong_type", "expected \(Self.jsonName(type))")
        case .valueNotFound(_, let context):
            (field, code, message) = (path(context.codingPath), "request.missing_field", "a value is required")
        case .keyNotFound(let key, let context):
            (field, code, message) = (path(context.codingPath + [key]), "request.missing_field", "'\(key.stringValue)' is required")
        case .dataCorrupted(let context):
            (field, code, message) = (path(context.codingPath), "request.invalid_value", context.debugDescription)
        @unknown default:
            (field, code, message) = ("", "request.invalid", "the body could not be read")
        }
        return Problem(status: .unprocessableContent, code: code == "request.missing_field" ? "request.missing_field" : "request.invalid",
                       detail: field.isEmpty ? message : "\(field): \(message)", errors: [.init(field: field, code: code, message: message)])
    }

    static func jsonName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type, is Int32.Type, is Int64.Type: "a whole number"
        case is Double.Type: "a number"
        case is Bool.Type: "true or false"
        default: "a different type"
        }
    }
}

/// Encodes responses as JSON: camelCase keys as declared, timestamps RFC 3339 with offset,
/// ids as upper-case UUID strings (Foundation's form; paths accept either case). Optional
/// fields without a value are left out rather than sent as null.
public struct PlatformJSONEncoder: ResponseEncoder {
    public init() {}

    public func encode(_ value: some Encodable, from request: Request, context: some RequestContext) throws -> Response {
        Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: try Self.buffer(value)))
    }

    /// The JSON of `value` as a response body: the bytes are copied once, into the buffer.
    static func buffer(_ value: some Encodable) throws -> ByteBuffer {
        do {
            return ByteBuffer(bytes: try ResponseJSONEncoder.encode(value))
        } catch is ResponseJSONEncoder.NeedsFoundation {
            return ByteBuffer(data: try foundationEncode(value))
        }
    }

    /// The JSON of `value`, written by `ResponseJSONEncoder`, or by Foundation for what that
    /// hands back; the bytes are the same either way.
    static func encode(_ value: some Encodable) throws -> Data {
        do {
            return Data(try ResponseJSONEncoder.encode(value))
        } catch is ResponseJSONEncoder.NeedsFoundation {
            return try foundationEncode(value)
        }
    }

    /// Foundation's encoding of responses: the definition of the format, which
    /// `ResponseJSONEncoder` reproduces byte for byte (its tests compare the two).
    static func foundationEncode(_ value: some Encodable) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(RFC3339.format(date))
        }
        return try encoder.encode(value)
    }
}

/// RFC 3339 timestamps: UTC with microseconds out (`2026-11-26T01:30:00.000000Z`); any offset in.
public enum RFC3339 {
    public static func format(_ date: Date) -> String {
        PostgresTimestamp.format(date)
    }

    public static func parse(_ text: String) -> Date? {
        // Requires the date, a 'T' or space, the time and an offset or Z.
        guard text.count >= 20, let last = text.last, last == "Z" || text.dropLast(6).count >= 19 else { return nil }
        let normalized = text.replacingOccurrences(of: " ", with: "T")
        if let date = try? Date(normalized, strategy: .iso8601.year().month().day().time(includingFractionalSeconds: true).timeZone(separator: .colon)) {
            return date
        }
        if let date = try? Date(normalized, strategy: .iso8601.year().month().day().time(includingFractionalSeconds: false).timeZone(separator: .colon)) {
            return date
        }
        return nil
    }
}
