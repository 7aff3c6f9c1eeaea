import Domain
import Foundation

/// The instant an RFC 3339 timestamp with its offset names (`2026-11-26T10:00:00+08:00`).
/// Every test builds its times this way: none reads the clock.
func instant(_ text: String) -> Date {
    guard let date = ISO8601DateFormatter().date(from: text) else { fatalError("not an RFC 3339 timestamp: \(text)") }
    return date
}

/// The time zone of the sites in these tests.
let shanghai = TimeZone(identifier: "Asia/Shanghai")!

extension DomainError {
    /// Each field error as `field code`, in order: what a client reads from `errors[]`.
    var problems: [String] { fieldErrors.map { "\($0.field) \($0.code)" } }
}
