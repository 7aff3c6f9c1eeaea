import Foundation

/// A request body type. Its `CodingKeys` list every accepted field, so a field the type does
/// not know is refused instead of silently dropped (a misspelt `phnoe` must not be lost).
public protocol RequestBody: Decodable, Sendable {
    associatedtype CodingKeys: CodingKey & CaseIterable
}

extension RequestBody {
    public static var knownFields: Set<String> { Set(CodingKeys.allCases.map(\.stringValue)) }

    /// For objects nested inside a body (the top level is checked by `StrictJSONDecoder`):
    /// refuses fields the type does not know, naming them by their path.
    static func refuseUnknownFields(_ decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: AnyCodingKey.self)
        for key in container.allKeys where !knownFields.contains(key.stringValue) {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath + [key], debugDescription: "'\(key.stringValue)' is not a field of this request"))
        }
    }
}

struct AnyCodingKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}
