import Domain
import Foundation
import Hummingbird

/// Cursor pagination: `limit` (1–200, default 50) and an opaque `cursor` from the previous
/// page's `nextCursor`. A cursor carries the sort key of the last row and the site it was
/// made for; one made for another site or listing is refused, never reinterpreted.
public struct PageRequest: Sendable {
    public var limit: Int
    /// The sort key after which to continue, or nil for the first page.
    public var after: [String]?

    static let maximum = 200

    /// Reads `limit` and `cursor` from the query, for a listing identified by `listing`
    /// (e.g. "departments:<site id>").
    public init(_ request: Request, listing: String) throws {
        let query = request.uri.queryParameters
        if let text = query["limit"].map(String.init) {
            guard let limit = Int(text), (1...Self.maximum).contains(limit) else {
                throw Problem(status: .unprocessableContent, code: "request.invalid", detail: "limit must be between 1 and \(Self.maximum)",
                              errors: [.init(field: "limit", code: "request.invalid_value", message: "limit must be between 1 and \(Self.maximum)")])
            }
            self.limit = limit
        } else {
            self.limit = 50
        }
        if let cursor = query["cursor"].map(String.init), !cursor.isEmpty {
            guard let decoded = Cursor.decode(cursor), decoded.listing == listing else {
                throw Problem(status: .unprocessableContent, code: "request.invalid_cursor", detail: "the cursor is not valid for this listing",
                              errors: [.init(field: "cursor", code: "request.invalid_cursor", message: "use the nextCursor of this listing's previous page")])
            }
            self.after = decoded.after
        }
    }

    /// Trims the extra row fetched to detect a next page and makes its cursor.
    public func page<Item: Encodable & Sendable>(_ rows: [Item], listing: String, key: (Item) -> [String]) -> Page<Item> {
        guard rows.count > limit, let last = rows.prefix(limit).last else { return Page(items: rows, nextCursor: nil) }
        return Page(items: Array(rows.prefix(limit)), nextCursor: Cursor(listing: listing, after: key(last)).encoded)
    }

    struct Cursor: Codable {
        var listing: String
        var after: [String]

        var encoded: String {
            ((try? JSONEncoder().encode(self)) ?? Data()).base64URLEncoded()
        }

        static func decode(_ text: String) -> Cursor? {
            var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
            base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
            guard text.count <= 1024, let data = Data(base64Encoded: base64) else { return nil }
            return try? JSONDecoder().decode(Cursor.self, from: data)
        }
    }
}

/// One page of a listing.
public struct Page<Item: Encodable & Sendable>: Encodable, Sendable {
    public var items: [Item]
    public var nextCursor: String?

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(items, forKey: .items)
        try container.encode(nextCursor, forKey: .nextCursor)  // null on the last page, not absent
    }

    enum CodingKeys: String, CodingKey { case items, nextCursor }
}
