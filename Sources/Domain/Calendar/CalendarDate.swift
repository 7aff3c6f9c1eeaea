import Foundation

/// A day on the calendar with no time and no zone: PostgreSQL's `date`.
///
/// Working calendars, holidays and licence expiry are days in a site's own timezone, not
/// instants, so they get a type of their own instead of a `Date` at some midnight.
public struct CalendarDate: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public var year: Int
    public var month: Int
    public var day: Int

    public init(year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses `YYYY-MM-DD`, rejecting impossible days such as 2026-02-30.
    public init?(_ text: some StringProtocol) {
        guard let value = Self.parsed(String(text)) else { return nil }
        self = value
    }

    /// The same for a `String`: every column and field arrives as one, and the generic form,
    /// called from another module, walks the bytes through protocol witnesses.
    public init?(_ text: String) {
        guard let value = Self.parsed(text) else { return nil }
        self = value
    }

    private static func parsed(_ text: String) -> CalendarDate? {
        guard let (year, month, day) = digits(text.utf8) ?? fields(text),
            (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year)
        else { return nil }
        return CalendarDate(year: year, month: month, day: day)
    }

    /// Year, month and day of `YYYY-MM-DD` split at its dashes, unchecked.
    private static func fields(_ text: String) -> (Int, Int, Int)? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2])
        else { return nil }
        return (year, month, day)
    }

    /// The common case read straight from the bytes, without splitting: exactly ten bytes,
    /// `DDDD-DD-DD` with ASCII digits, unchecked. Anything else goes the general way (`fields`).
    private static func digits(_ bytes: String.UTF8View) -> (Int, Int, Int)? {
        guard bytes.count == 10 else { return nil }
        var values = (0, 0, 0)
        for (offset, byte) in bytes.enumerated() {
            if offset == 4 || offset == 7 {
                guard byte == UInt8(ascii: "-") else { return nil }
                continue
            }
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            let digit = Int(byte - UInt8(ascii: "0"))
            switch offset {
            case 0..<4: values.0 = values.0 * 10 + digit
            case 5..<7: values.1 = values.1 * 10 + digit
            default: values.2 = values.2 * 10 + digit
            }
        }
        return values
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let value = CalendarDate(text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "expected a date as YYYY-MM-DD")
        }
        self = value
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    public var description: String {
        guard hasFourDigitYear else {
            let y = String(year).leftPadded(to: 4)
            return "\(y)-\(String(month).leftPadded(to: 2))-\(String(day).leftPadded(to: 2))"
        }
        return String(unsafeUninitializedCapacity: 10) { buffer in
            write(into: UnsafeMutableRawBufferPointer(buffer))
            return 10
        }
    }

    /// `YYYY-MM-DD` into the first ten bytes of `buffer`, for a year of at most four digits
    /// (the caller checks): what `description` writes, without building four strings.
    public func write(into buffer: UnsafeMutableRawBufferPointer) {
        Self.write(year, digits: 4, into: buffer, at: 0)
        buffer[4] = UInt8(ascii: "-")
        Self.write(month, digits: 2, into: buffer, at: 5)
        buffer[7] = UInt8(ascii: "-")
        Self.write(day, digits: 2, into: buffer, at: 8)
    }

    /// `value`'s last `digits` decimal digits, zero-padded, at `offset`.
    public static func write(_ value: Int, digits: Int, into buffer: UnsafeMutableRawBufferPointer, at offset: Int) {
        var rest = value
        for position in stride(from: offset + digits - 1, through: offset, by: -1) {
            buffer[position] = UInt8(truncatingIfNeeded: 48 + rest % 10)
            rest /= 10
        }
    }

    /// Whether `description` is the ten bytes `write(into:)` gives.
    public var hasFourDigitYear: Bool { (0...9999).contains(year) && (0...99).contains(month) && (0...99).contains(day) }

    public static func < (lhs: CalendarDate, rhs: CalendarDate) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    /// Days since 1970-01-01 (negative before), by the proleptic Gregorian calendar.
    public var daysSinceEpoch: Int {
        CalendarDate.daysFromCivil(year: year, month: month, day: day)
    }

    /// The day `days` after this one (before, when negative).
    public func adding(days: Int) -> CalendarDate {
        CalendarDate(daysSinceEpoch: daysSinceEpoch + days)
    }

    public init(daysSinceEpoch days: Int) {
        let (y, m, d) = CalendarDate.civilFromDays(days)
        self.init(year: y, month: m, day: d)
    }

    /// ISO weekday: 1 = Monday … 7 = Sunday.
    public var isoWeekday: Int {
        let wd = (daysSinceEpoch % 7 + 7 + 3) % 7  // 1970-01-01 was a Thursday (index 3 from Monday)
        return wd + 1
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    // Howard Hinnant's days_from_civil / civil_from_days.
    public static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    static func civilFromDays(_ days: Int) -> (Int, Int, Int) {
        let z = days + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
        return (y, m, d)
    }
}

extension CalendarDate {
    /// The first day of the month a `YYYY-MM` label names (years 2000–2999), or nil.
    public static func month(_ label: some StringProtocol) -> CalendarDate? {
        let parts = label.split(separator: "-", omittingEmptySubsequences: false)
        guard label.count == 7, parts.count == 2, parts[0].count == 4, let year = Int(parts[0]), let month = Int(parts[1]),
              (2000...2999).contains(year), (1...12).contains(month) else { return nil }
        return CalendarDate(year: year, month: month, day: 1)
    }

    /// The first day of the month `count` months after this day's month (before it, when negative).
    public func firstOfMonth(adding count: Int) -> CalendarDate {
        let index = year * 12 + month - 1 + count
        return CalendarDate(year: index / 12, month: index % 12 + 1, day: 1)
    }

    /// The month as `YYYY-MM`.
    public var monthLabel: String { String(description.prefix(7)) }

    /// The last day of the month `month` (1–12) of `year`.
    public static func lastDay(ofMonth month: Int, year: Int) -> CalendarDate {
        CalendarDate(year: year, month: month, day: 1).firstOfMonth(adding: 1).adding(days: -1)
    }
}

extension CalendarDate {
    /// The calendar day at `instant` in `timezone`.
    public static func day(of instant: Date, in timezone: String) -> CalendarDate {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: timezone) ?? TimeZone(identifier: "Asia/Shanghai") ?? .gmt
        let parts = calendar.dateComponents([.year, .month, .day], from: instant)
        return CalendarDate(year: parts.year ?? 1970, month: parts.month ?? 1, day: parts.day ?? 1)
    }
}

extension String {
    /// This text padded on the left with `pad` to at least `width` characters.
    public func leftPadded(to width: Int, with pad: Character = "0") -> String {
        count >= width ? self : String(repeating: pad, count: width - count) + self
    }
}
