import Foundation

/// A working calendar on the wire.
public struct CalendarResource: Sendable, Codable, Equatable {
    public struct Hours: Sendable, Codable, Equatable {
        public var weekday: Int
        public var opens: String
        public var closes: String

        public init(weekday: Int, opens: String, closes: String) {
            self.weekday = weekday
            self.opens = opens
            self.closes = closes
        }
    }

    public struct Exception: Sendable, Codable, Equatable {
        public var date: CalendarDate
        public var working: Bool
        public var opens: String?
        public var closes: String?
        public var note: String?

        public init(date: CalendarDate, working: Bool, opens: String? = nil, closes: String? = nil, note: String? = nil) {
            self.date = date
            self.working = working
            self.opens = opens
            self.closes = closes
            self.note = note
        }
    }

    public var code: String
    public var name: String
    public var isDefault: Bool
    public var version: Int
    public var weeklyHours: [Hours]
    public var exceptions: [Exception]

    public init(code: String, name: String, isDefault: Bool, version: Int, weeklyHours: [Hours], exceptions: [Exception]) {
        self.code = code
        self.name = name
        self.isDefault = isDefault
        self.version = version
        self.weeklyHours = weeklyHours
        self.exceptions = exceptions
    }
}

/// A replacement of a calendar's weekly hours and exceptions (`PUT`).
public struct CalendarReplacement: RequestBody, Equatable {
    public var name: String?
    public var weeklyHours: [CalendarResource.Hours]
    public var exceptions: [CalendarResource.Exception]
    public enum CodingKeys: String, CodingKey, CaseIterable { case name, weeklyHours, exceptions }

    /// Checks every interval and exception; every problem reported with its position.
    public func validated() throws -> (name: String?, calendar: WorkingCalendar) {
        var errors: [DomainError.FieldError] = []
        var weekly: [Int: [WorkingCalendar.Interval]] = [:]
        for (index, hours) in weeklyHours.enumerated() {
            let field = "weeklyHours[\(index)]"
            guard (1...7).contains(hours.weekday) else {
                errors.append(.init(field: "\(field).weekday", code: "calendar.invalid_weekday", message: "weekday is 1 (Monday) to 7 (Sunday)"))
                continue
            }
            guard let opens = WorkingCalendar.minutes(hours.opens), let closes = WorkingCalendar.minutes(hours.closes), opens < closes else {
                errors.append(.init(field: field, code: "calendar.invalid_hours", message: "hours are HH:MM with opens before closes (closes may be 24:00)"))
                continue
            }
            let interval = WorkingCalendar.Interval(opens: opens, closes: closes)
            if weekly[hours.weekday, default: []].contains(where: { $0.opens < interval.closes && interval.opens < $0.closes }) {
                errors.append(.init(field: field, code: "calendar.overlapping_hours", message: "overlaps another interval on weekday \(hours.weekday)"))
            }
            weekly[hours.weekday, default: []].append(interval)
        }
        var seen: Set<CalendarDate> = []
        var exceptions: [WorkingCalendar.Exception] = []
        if self.exceptions.count > 1000 {
            errors.append(.init(field: "exceptions", code: "calendar.too_many_exceptions", message: "at most 1000 exceptions"))
        }
        for (index, exception) in self.exceptions.enumerated() {
            let field = "exceptions[\(index)]"
            if !seen.insert(exception.date).inserted {
                errors.append(.init(field: "\(field).date", code: "calendar.duplicate_date", message: "\(exception.date) is listed twice"))
            }
            var hours: WorkingCalendar.Interval?
            switch (exception.opens, exception.closes) {
            case (nil, nil): break
            case (let opens?, let closes?):
                if !exception.working {
                    errors.append(.init(field: field, code: "calendar.hours_on_closed_day", message: "a closed day has no hours"))
                } else if let o = WorkingCalendar.minutes(opens), let c = WorkingCalendar.minutes(closes), o < c {
                    hours = .init(opens: o, closes: c)
                } else {
                    errors.append(.init(field: field, code: "calendar.invalid_hours", message: "hours are HH:MM with opens before closes"))
                }
            default:
                errors.append(.init(field: field, code: "calendar.invalid_hours", message: "give both opens and closes, or neither"))
            }
            if let note = exception.note, note.count > 100 {
                errors.append(.init(field: "\(field).note", code: "calendar.note_too_long", message: "a note is at most 100 characters"))
            }
            exceptions.append(.init(date: exception.date, working: exception.working, hours: hours, note: exception.note))
        }
        let name = name?.trimmingCharacters(in: .whitespacesAndNewlines)
        if let name, name.isEmpty || name.count > 100 {
            errors.append(.init(field: "name", code: "calendar.invalid_name", message: "a calendar name is 1–100 characters"))
        }
        guard errors.isEmpty else {
            throw DomainError(.invalid, code: "request.invalid", message: errors.count == 1 ? errors[0].message : "the calendar has \(errors.count) problems", fieldErrors: errors)
        }
        return (name, WorkingCalendar(weekly: weekly, exceptions: exceptions))
    }
}

/// One day of `GET …/calendar/working-days`.
public struct WorkingDay: Sendable, Codable, Equatable {
    public var date: CalendarDate
    public var weekday: Int
    public var working: Bool
    public var reason: WorkingCalendar.Reason
    public var hours: [CalendarResource.Hours]
    public var note: String?

    public init(date: CalendarDate, weekday: Int, working: Bool, reason: WorkingCalendar.Reason, hours: [CalendarResource.Hours],
                note: String? = nil) {
        self.date = date
        self.weekday = weekday
        self.working = working
        self.reason = reason
        self.hours = hours
        self.note = note
    }
}
