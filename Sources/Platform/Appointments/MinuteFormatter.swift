import Domain
import Foundation

/// RFC 3339 (as `RFC3339.format` writes it) for instants on whole minutes, with each UTC
/// day's text made once: availability writes thousands of them.
struct MinuteFormatter {
    private var days: [Int: String] = [:]

    mutating func format(_ date: Date) -> String {
        let seconds = Int(date.timeIntervalSince1970.rounded(.down))
        guard seconds % 60 == 0, Double(seconds) == date.timeIntervalSince1970 else { return RFC3339.format(date) }
        let day = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let prefix = days[day] ?? String(RFC3339.format(Date(timeIntervalSince1970: Double(day) * 86_400)).prefix(11))
        days[day] = prefix
        let minute = (seconds - day * 86_400) / 60
        return prefix + WorkingCalendar.clock(minute) + ":00.000000Z"
    }
}
