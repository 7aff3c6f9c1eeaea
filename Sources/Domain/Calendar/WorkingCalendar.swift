import Foundation

/// A site's working calendar: weekly opening hours plus dated exceptions in both directions —
/// public holidays on weekdays and make-up working days on weekends (调休).
///
/// A pure value: the store loads it, rules ask it questions. Times are minutes after midnight
/// in the site's own timezone; 24:00 is 1440.
public struct WorkingCalendar: Sendable, Equatable {
    /// One opening interval, `opens` inclusive, `closes` exclusive.
    public struct Interval: Sendable, Equatable, Codable, Comparable {
        public var opens: Int
        public var closes: Int

        public init(opens: Int, closes: Int) {
            self.opens = opens
            self.closes = closes
        }

        public static func < (lhs: Interval, rhs: Interval) -> Bool { (lhs.opens, lhs.closes) < (rhs.opens, rhs.closes) }
    }

    /// A dated exception.
    public struct Exception: Sendable, Equatable {
        public var date: CalendarDate
        public var working: Bool
        /// Hours of a make-up day; nil means the calendar's usual working-day hours.
        public var hours: Interval?
        public var note: String?

        public init(date: CalendarDate, working: Bool, hours: Interval? = nil, note: String? = nil) {
            self.date = date
            self.working = working
            self.hours = hours
            self.note = note
        }
    }

    /// Why a day is, or is not, a working day.
    public enum Reason: String, Sendable, Codable {
        case weekly, holiday
        case makeUpDay = "make_up_day"
        case closed
    }

    /// ISO weekday (1 = Monday) → intervals, sorted.
    public var weekly: [Int: [Interval]]
    public var exceptions: [CalendarDate: Exception]

    public init(weekly: [Int: [Interval]], exceptions: [Exception] = []) {
        self.weekly = weekly.mapValues { $0.sorted() }
        self.exceptions = Dictionary(exceptions.map { ($0.date, $0) }, uniquingKeysWith: { $1 })
    }

    /// The hours a make-up day without its own hours gets: those of the first weekday
    /// (Monday first) that has any.
    public var usualHours: [Interval] {
        (1...7).lazy.compactMap { self.weekly[$0].flatMap { $0.isEmpty ? nil : $0 } }.first ?? []
    }

    /// Opening hours on `day`, and why.
    public func hours(on day: CalendarDate) -> (intervals: [Interval], reason: Reason) {
        if let exception = exceptions[day] {
            guard exception.working else { return ([], .holiday) }
            return (exception.hours.map { [$0] } ?? usualHours, .makeUpDay)
        }
        let intervals = weekly[day.isoWeekday] ?? []
        return (intervals, intervals.isEmpty ? .closed : .weekly)
    }

    public func isWorkingDay(_ day: CalendarDate) -> Bool {
        !hours(on: day).intervals.isEmpty
    }

    /// Minutes of opening time in a usual working day ("1 working day" of work).
    public var usualDayMinutes: Int {
        usualHours.reduce(0) { $0 + $1.closes - $1.opens }
    }

    /// The instant at which `minutes` of opening time have passed since `instant`, counting
    /// only the calendar's opening hours in `timeZone` (holidays skipped, make-up days
    /// counted). Work received outside opening hours starts at the next opening. Nil when the
    /// calendar has no opening time within two years.
    ///
    /// This is how "within 1 working day" is measured: `usualDayMinutes` of opening time.
    public func adding(workingMinutes minutes: Int, to instant: Date, in timeZone: TimeZone) -> Date? {
        let (calendar, start, second) = Self.local(instant, in: timeZone)
        // Whole minutes only: a request at 16:00:30 counts from 16:01.
        let startMinute = (second + 59) / 60
        var remaining = max(0, minutes)
        for offset in 0..<(2 * 366) {
            let day = start.adding(days: offset)
            for interval in hours(on: day).intervals {
                let from = offset == 0 ? max(interval.opens, startMinute) : interval.opens
                guard from < interval.closes else { continue }
                let available = interval.closes - from
                if remaining <= available {
                    return Self.instant(day, minute: from + remaining, calendar: calendar)
                }
                remaining -= available
            }
        }
        return nil
    }

    /// The instant at which `minutes` of clock time have passed since `instant`, counting
    /// every minute of a working day (weekly hours or make-up day) and none of a closed day
    /// (weekend, public holiday). This is how "within 24 hours" is measured: a Friday
    /// evening complaint is due on Monday evening, and a make-up Saturday counts.
    public func adding(minutesOnWorkingDays minutes: Int, to instant: Date, in timeZone: TimeZone) -> Date? {
        let (calendar, start, startSecond) = Self.local(instant, in: timeZone)
        var remaining = max(0, minutes) * 60
        for offset in 0..<(2 * 366) {
            let day = start.adding(days: offset)
            guard isWorkingDay(day) else { continue }
            let from = offset == 0 ? startSecond : 0
            if remaining <= 86_400 - from {
                return Self.instant(day, minute: 0, calendar: calendar).map { $0.addingTimeInterval(Double(from + remaining)) }
            }
            remaining -= 86_400 - from
        }
        return nil
    }

    /// The end of the working day that `instant` falls on, or of the next working day when
    /// the day is closed or its hours are over ("same day" work).
    public func endOfWorkingDay(from instant: Date, in timeZone: TimeZone) -> Date? {
        let (calendar, start, second) = Self.local(instant, in: timeZone)
        let minute = second / 60
        for offset in 0..<(2 * 366) {
            let day = start.adding(days: offset)
            guard let close = hours(on: day).intervals.map(\.closes).max() else { continue }
            if offset > 0 || minute < close { return Self.instant(day, minute: close, calendar: calendar) }
        }
        return nil
    }

    /// Whether `start`…`end` lies within one opening interval of a single day.
    public func isOpen(from start: Date, to end: Date, in timeZone: TimeZone) -> Bool {
        let (_, day, second) = Self.local(start, in: timeZone)
        let opens = second / 60
        let closes = opens + Int((end.timeIntervalSince(start) / 60).rounded(.up))
        return hours(on: day).intervals.contains { $0.opens <= opens && closes <= $0.closes }
    }

    /// `instant` as a site sees it: its calendar for `timeZone`, the local day, and the second after midnight.
    public static func local(_ instant: Date, in timeZone: TimeZone) -> (calendar: Calendar, day: CalendarDate, second: Int) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: instant)
        return (calendar, CalendarDate(year: parts.year ?? 1970, month: parts.month ?? 1, day: parts.day ?? 1),
                (parts.hour ?? 0) * 3600 + (parts.minute ?? 0) * 60 + (parts.second ?? 0))
    }

    /// The instants at which the days `first`…`last` begin and end in `timeZone`: the range
    /// `[start, end)` a report or filter over those local days covers.
    public static func span(_ first: CalendarDate, through last: CalendarDate, in timeZone: TimeZone) -> (start: Date, end: Date) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let next = last.adding(days: 1)
        return (instant(first, minute: 0, calendar: calendar) ?? Date(timeIntervalSince1970: Double(first.daysSinceEpoch) * 86_400),
                instant(next, minute: 0, calendar: calendar) ?? Date(timeIntervalSince1970: Double(next.daysSinceEpoch) * 86_400))
    }

    /// The instant of `minute` (0–1440) on `day` in the calendar's timezone.
    static func instant(_ day: CalendarDate, minute: Int, calendar: Calendar) -> Date? {
        let midnight = calendar.date(from: DateComponents(year: day.year, month: day.month, day: day.day))
        return midnight.flatMap { calendar.date(byAdding: .minute, value: minute, to: $0) }
    }

    /// Parses "HH:MM" (00:00–24:00) into minutes.
    public static func minutes(_ text: String) -> Int? {
        let parts = text.split(separator: ":")
        guard parts.count == 2, parts[0].count == 2, parts[1].count == 2, let hours = Int(parts[0]), let minutes = Int(parts[1]),
            (0...24).contains(hours), (0...59).contains(minutes), hours < 24 || minutes == 0
        else { return nil }
        return hours * 60 + minutes
    }

    /// Formats minutes as "HH:MM".
    public static func clock(_ minutes: Int) -> String {
        // Not String(format:): it is slow on Linux, and availability formats thousands of these.
        func twoDigits(_ value: Int) -> String { value < 10 ? "0\(value)" : String(value) }
        return twoDigits(minutes / 60) + ":" + twoDigits(minutes % 60)
    }
}
