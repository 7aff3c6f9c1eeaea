import Domain
import Foundation

/// The body of `GET …/availability`: the item, the site's timezone and the free slots.
///
/// A month of many windows is thousands of slots, so the JSON is written directly rather
/// than through JSONEncoder: keys in sorted order, instants as `RFC3339.format` writes them.
enum AvailabilityJSON {
    static func encode(itemID: UUID, timezone: String, slots: [AvailableSlot]) -> String {
        var json = "{\"itemId\":\"\(itemID.uuidString)\",\"timezone\":\(quoted(timezone)),\"items\":["
        json.reserveCapacity(slots.count * 200)
        var instants = MinuteFormatter()
        var windows: [UUID: String] = [:]
        for (index, slot) in slots.enumerated() {
            if index > 0 { json += "," }
            let window = windows[slot.windowId] ?? "\"windowCode\":\(quoted(slot.windowCode)),\"windowId\":\"\(slot.windowId.uuidString)\"}"
            windows[slot.windowId] = window
            json += "{\"end\":\""
            json += instants.format(slot.end)
            json += "\",\"localStart\":\""
            json += slot.localStart
            json += "\",\"remaining\":"
            json += String(slot.remaining)
            json += ",\"start\":\""
            json += instants.format(slot.start)
            json += "\","
            json += window
        }
        json += "]}"
        return json
    }

    /// A JSON string literal.
    static func quoted(_ text: String) -> String {
        String(decoding: (try? JSONEncoder().encode(text)) ?? Data("\"\"".utf8), as: UTF8.self)
    }
}
