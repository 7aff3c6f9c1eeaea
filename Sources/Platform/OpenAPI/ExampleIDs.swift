import Domain

/// The ids the document's examples use.
///
/// Fixed, so that examples are valid JSON of the right shape and read the same on every
/// server. `scripts/fuzz-api` makes the demo group's records of each kind through the API
/// (from these very examples) and replaces each id with the real one before fuzzing, so
/// that examples reach the handlers' logic instead of a 404.
enum ExampleIDs {
    static let department = "0E5A0001-0000-4000-8000-000000000001"
    static let staff = "0E5A0001-0000-4000-8000-000000000002"
    static let post = "0E5A0001-0000-4000-8000-000000000003"
    static let item = "0E5A0001-0000-4000-8000-000000000004"
    static let window = "0E5A0001-0000-4000-8000-000000000005"
    static let template = "0E5A0001-0000-4000-8000-000000000006"
    static let ticket = "0E5A0001-0000-4000-8000-000000000007"
    static let appointment = "0E5A0001-0000-4000-8000-000000000008"
    static let certificate = "0E5A0001-0000-4000-8000-000000000009"
    static let cycle = "0E5A0001-0000-4000-8000-00000000000A"
    static let user = "0E5A0001-0000-4000-8000-00000000000B"
    static let nonconformity = "0E5A0001-0000-4000-8000-00000000000C"
    static let place = "0E5A0001-0000-4000-8000-00000000000D"
    static let repairItem = "0E5A0001-0000-4000-8000-00000000000E"

    /// The example of a path or query parameter, by its name (ids, and the month of reports).
    static func parameter(_ name: String) -> String? {
        switch name {
        case "siteCode": "H01"
        case "calendarCode": "office"
        case "ticketId": ticket
        case "staffId", "staff", "owner", "handler": staff
        case "departmentId", "department": department
        case "postId", "post": post
        case "itemId", "item": item
        case "windowId", "window": window
        case "appointmentId": appointment
        case "certificateId": certificate
        case "cycleId": cycle
        case "templateId": template
        case "userId": user
        case "nonconformityId": nonconformity
        case "placeId": place
        case "repairItemId": repairItem
        case "period", "month", "through": "2026-11"
        case "quarter": "2026-Q3"
        default: nil
        }
    }
}
