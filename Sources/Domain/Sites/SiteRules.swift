import Foundation

/// What a site's rules read on every change: its policies (`site_policies`) and working
/// calendars, in its timezone.
public struct SiteRules: Sendable {
    public var timeZone: TimeZone
    public var policies: [String: String]
    public var calendars: [String: WorkingCalendar]
    public var defaultCalendar: String?

    public init(timeZone: TimeZone, policies: [String: String], calendars: [String: WorkingCalendar], defaultCalendar: String? = nil) {
        self.timeZone = timeZone
        self.policies = policies
        self.calendars = calendars
        self.defaultCalendar = defaultCalendar
    }

    /// The calendar `code`, else the site's default one, else round the clock.
    public func calendar(_ code: String? = nil) -> WorkingCalendar {
        code.flatMap { calendars[$0] } ?? defaultCalendar.flatMap { calendars[$0] }
            ?? WorkingCalendar(weekly: Dictionary(uniqueKeysWithValues: (1...7).map { ($0, [.init(opens: 0, closes: 1440)]) }))
    }

    public var tickets: TicketPolicy { TicketPolicy(policies: policies) }

    /// The site's appointment notice, no-show and confirmation rules.
    public var appointments: AppointmentPolicy { AppointmentPolicy(policies: policies) }

    /// How the site sizes its assessment bottom group.
    public var ranking: RankingPolicy { RankingPolicy(policies: policies) }
}
