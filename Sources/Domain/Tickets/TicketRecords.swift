import Foundation

// Records kept about tickets beyond their lifecycle: where a matter was referred (首问责任制),
// the suggestion registers (建议情况), and the quarterly filing of complaint and follow-up
// records (存档保管2年).

/// A matter the first receiver could not settle themselves, referred to the right window,
/// department or outside body (rulebook 002 首问 第四条: 告知或引领 …; 告知该事项的具体负责部门和
/// 联系方式; 留下联系方式…及时向服务对象反馈). The owner reports back to the reporter with the
/// next `feedback` (or `answer`), by `feedbackDueAt`.
public struct TicketReferral: Sendable, Codable, Equatable {
    /// The window, department or outside body the reporter was told of or led to.
    public var to: String
    /// That body's phone number or address, as given to the reporter.
    public var contact: String?
    public var at: Date
    /// The signed-in user who made the referral.
    public var by: UUID?
    /// The owner reports back to the reporter by then (`tickets.first_feedback_hours` after the referral).
    public var feedbackDueAt: Date
    /// When the owner reported back: the first `feedback` or `answer` after the referral.
    public var followedUpAt: Date?

    public init(to: String, contact: String? = nil, at: Date, by: UUID? = nil, feedbackDueAt: Date, followedUpAt: Date? = nil) {
        self.to = to
        self.contact = contact
        self.at = at
        self.by = by
        self.feedbackDueAt = feedbackDueAt
        self.followedUpAt = followedUpAt
    }
}

extension Ticket {
    /// Whether the records kept beside the lifecycle columns (the referral, the customer's
    /// opinion of a repair, the site check) are the same on both: when they are not, the store
    /// writes them with their own statement.
    public func keepsTheSameRecords(as other: Ticket) -> Bool {
        referral == other.referral && customerOpinion == other.customerOpinion && siteCleared == other.siteCleared
    }
}

/// Who reads the suggestion registers and the quarterly archive: reception, who compile them
/// (每日下班前统一整理上报部门主管), the managers they are reported to, and headquarters. Not
/// department staff, who work on what is dispatched to them.
public enum TicketRecords {
    public static func mayRead(_ role: Role) -> Bool {
        role.may(.intake) || role.isHeadquarters
    }

    /// 403 `auth.forbidden` unless `role` reads the registers.
    public static func authoriseReading(_ role: Role, what: String) throws {
        guard mayRead(role) else {
            throw DomainError(.forbidden, code: "auth.forbidden", message: "\(what) is for reception, managers and headquarters; the \(role.rawValue) role does not read it")
        }
    }

    /// An instant as the site reads it on paper: `2026-11-24 10:05`.
    public static func localTime(_ instant: Date, in timeZone: TimeZone) -> String {
        let local = WorkingCalendar.local(instant, in: timeZone)
        return "\(local.day) \(WorkingCalendar.clock(local.second / 60))"
    }
}

/// One suggestion (建议) as the registers show it.
public struct SuggestionEntry: Sendable, Codable, Equatable {
    public var id: UUID
    public var number: String
    public var receivedAt: Date
    public var reporter: TicketReporter
    /// The description, shortened for a register line (`SuggestionRegister.summary`).
    public var summary: String
    public var departmentId: UUID?
    public var departmentCode: String?
    public var departmentName: String?
    public var status: TicketStatus
    /// Whether it was adopted (采纳); nil while not yet decided and told.
    public var adopted: Bool?
    /// When the reporter was told whether it was adopted (the `answer`).
    public var answeredAt: Date?
    /// What the reporter was told, with the explanation when it was not adopted.
    public var reply: String?

    public init(id: UUID, number: String, receivedAt: Date, reporter: TicketReporter, summary: String, departmentId: UUID? = nil,
                departmentCode: String? = nil, departmentName: String? = nil, status: TicketStatus, adopted: Bool? = nil, answeredAt: Date? = nil,
                reply: String? = nil) {
        self.id = id
        self.number = number
        self.receivedAt = receivedAt
        self.reporter = reporter
        self.summary = summary
        self.departmentId = departmentId
        self.departmentCode = departmentCode
        self.departmentName = departmentName
        self.status = status
        self.adopted = adopted
        self.answeredAt = answeredAt
        self.reply = reply
    }
}

/// The suggestions of one department (or of none yet) in the daily roll-up.
public struct SuggestionGroup: Sendable, Codable, Equatable {
    public var departmentId: UUID?
    /// The department's code, or `undispatched`.
    public var departmentCode: String
    public var departmentName: String?
    public var count: Int
    public var items: [SuggestionEntry]

    public init(departmentId: UUID? = nil, departmentCode: String, departmentName: String? = nil, count: Int, items: [SuggestionEntry]) {
        self.departmentId = departmentId
        self.departmentCode = departmentCode
        self.departmentName = departmentName
        self.count = count
        self.items = items
    }
}

/// `GET …/tickets/suggestions/daily`: the day's suggestions for the department heads.
public struct SuggestionDay: Sendable, Codable, Equatable {
    public var date: CalendarDate
    public var timezone: String
    public var total: Int
    public var groups: [SuggestionGroup]

    public init(date: CalendarDate, timezone: String, total: Int, groups: [SuggestionGroup]) {
        self.date = date
        self.timezone = timezone
        self.total = total
        self.groups = groups
    }
}

public struct SuggestionTotals: Sendable, Codable, Equatable {
    public var received: Int
    public var adopted: Int
    public var notAdopted: Int
    /// Not yet decided and told.
    public var pending: Int
    /// The reporter was told whether it was adopted.
    public var told: Int

    public init(received: Int, adopted: Int, notAdopted: Int, pending: Int, told: Int) {
        self.received = received
        self.adopted = adopted
        self.notAdopted = notAdopted
        self.pending = pending
        self.told = told
    }
}

/// `GET …/tickets/suggestions/monthly`: the monthly suggestion table (《建议情况月度表》).
public struct SuggestionMonth: Sendable, Codable, Equatable {
    public var month: String
    public var timezone: String
    public var totals: SuggestionTotals
    public var items: [SuggestionEntry]

    public init(month: String, timezone: String, totals: SuggestionTotals, items: [SuggestionEntry]) {
        self.month = month
        self.timezone = timezone
        self.totals = totals
        self.items = items
    }
}

/// The suggestion registers (rulebook 004 第六节 (四) 遇到好的建议每日下班前统一整理上报部门主管;
/// (十二) 按月填定《建议情况月度表》; 000 定期整理后报客户服务部或主管). Cancelled suggestions
/// (recorded by mistake) are left out of both.
public enum SuggestionRegister {
    /// The heading of suggestions not yet dispatched to a department.
    public static let undispatched = "undispatched"
    /// A register line shows at most this many characters of the description.
    public static let summaryLength = 100

    /// The description on one line (runs of whitespace become one space), cut to
    /// `summaryLength` characters with an ellipsis.
    public static func summary(_ description: String) -> String {
        let words = description.split(whereSeparator: { $0.isWhitespace || $0.isNewline })
        let line = words.joined(separator: " ")
        return line.count <= summaryLength ? line : String(line.prefix(summaryLength)) + "…"
    }

    /// The day's roll-up: one group per department the suggestions went to, by department
    /// code, then the undispatched ones under their own heading; each group in order of receipt.
    public static func day(_ date: CalendarDate, timezone: String, entries: [SuggestionEntry]) -> SuggestionDay {
        let byDepartment = Dictionary(grouping: entries) { $0.departmentId }
        var groups: [SuggestionGroup] = byDepartment.compactMap { element -> SuggestionGroup? in
            guard let id = element.key else { return nil }
            let sorted = element.value.sorted(by: received)
            return SuggestionGroup(departmentId: id, departmentCode: sorted[0].departmentCode ?? id.uuidString, departmentName: sorted[0].departmentName,
                                   count: sorted.count, items: sorted)
        }
        groups.sort { ($0.departmentCode, $0.departmentId?.uuidString ?? "") < ($1.departmentCode, $1.departmentId?.uuidString ?? "") }
        if let waiting = byDepartment[UUID?.none] {
            groups.append(SuggestionGroup(departmentCode: undispatched, count: waiting.count, items: waiting.sorted(by: received)))
        }
        return SuggestionDay(date: date, timezone: timezone, total: entries.count, groups: groups)
    }

    /// The month's table: every suggestion in order of receipt, and the totals.
    public static func month(_ month: String, timezone: String, entries: [SuggestionEntry]) -> SuggestionMonth {
        SuggestionMonth(month: month, timezone: timezone, totals: totals(entries), items: entries.sorted(by: received))
    }

    /// Received, adopted, not adopted, pending (not yet decided), and told (the reporter heard
    /// whether it was adopted). The answer decides and tells in one step, so told is adopted +
    /// not adopted.
    public static func totals(_ entries: [SuggestionEntry]) -> SuggestionTotals {
        SuggestionTotals(received: entries.count, adopted: entries.filter { $0.adopted == true }.count,
                         notAdopted: entries.filter { $0.adopted == false }.count, pending: entries.filter { $0.adopted == nil }.count,
                         told: entries.filter { $0.answeredAt != nil }.count)
    }

    static func received(_ a: SuggestionEntry, _ b: SuggestionEntry) -> Bool {
        (a.receivedAt, a.number) < (b.receivedAt, b.number)
    }
}

/// A calendar quarter, `2026-Q3`, in the site's timezone.
public struct TicketQuarter: Sendable, Hashable, CustomStringConvertible {
    public var year: Int
    public var quarter: Int

    public init?(year: Int, quarter: Int) {
        guard (2000...2999).contains(year), (1...4).contains(quarter) else { return nil }
        self.year = year
        self.quarter = quarter
    }

    /// Parses `YYYY-Qn` (years 2000–2999, n 1–4).
    public init?(_ label: some StringProtocol) {
        let parts = label.split(separator: "-", omittingEmptySubsequences: false)
        guard label.count == 7, parts.count == 2, parts[0].count == 4, let year = Int(parts[0]), parts[1].count == 2, parts[1].first == "Q",
              let quarter = Int(parts[1].dropFirst())
        else { return nil }
        self.init(year: year, quarter: quarter)
    }

    /// The quarter that holds `day`.
    public init(containing day: CalendarDate) {
        self.year = day.year
        self.quarter = (day.month - 1) / 3 + 1
    }

    public var description: String { "\(year)-Q\(quarter)" }
    public var first: CalendarDate { CalendarDate(year: year, month: quarter * 3 - 2, day: 1) }
    public var last: CalendarDate { .lastDay(ofMonth: quarter * 3, year: year) }

    /// The records are filed by the 10th of the first month of the next quarter
    /// (每季度10日之前交管理处的档案保管员存档).
    public var filingDueOn: CalendarDate {
        let next = first.firstOfMonth(adding: 3)
        return CalendarDate(year: next.year, month: next.month, day: TicketArchiveRules.filingDay)
    }
}

/// The quarter's filing of complaint and follow-up records with the archivist.
public struct TicketArchiveFiling: Sendable, Codable, Equatable {
    public var quarter: String
    public var from: CalendarDate
    public var through: CalendarDate
    public var dueOn: CalendarDate
    public var filedAt: Date
    /// The signed-in user who recorded the filing.
    public var filedBy: UUID?
    /// Tickets and follow-up records filed.
    public var tickets: Int
    public var followUps: Int
    /// Filed after `dueOn` (site-local day).
    public var late: Bool

    public init(quarter: String, from: CalendarDate, through: CalendarDate, dueOn: CalendarDate, filedAt: Date, filedBy: UUID? = nil, tickets: Int,
                followUps: Int, late: Bool) {
        self.quarter = quarter
        self.from = from
        self.through = through
        self.dueOn = dueOn
        self.filedAt = filedAt
        self.filedBy = filedBy
        self.tickets = tickets
        self.followUps = followUps
        self.late = late
    }
}

/// One archived ticket with its follow-up records.
public struct TicketArchiveRecord: Sendable, Codable, Equatable {
    public var ticket: Ticket
    public var followUps: [TicketFollowUpRecord]

    public init(ticket: Ticket, followUps: [TicketFollowUpRecord]) {
        self.ticket = ticket
        self.followUps = followUps
    }
}

/// `GET …/tickets/archive?quarter=2026-Q3`: what the quarter's filing holds.
public struct TicketArchive: Sendable, Codable, Equatable {
    public var quarter: String
    public var timezone: String
    public var from: CalendarDate
    public var through: CalendarDate
    public var dueOn: CalendarDate
    /// The filing, once recorded.
    public var filing: TicketArchiveFiling?
    public var tickets: Int
    public var followUps: Int
    public var records: [TicketArchiveRecord]

    public init(quarter: String, timezone: String, from: CalendarDate, through: CalendarDate, dueOn: CalendarDate, filing: TicketArchiveFiling? = nil,
                tickets: Int, followUps: Int, records: [TicketArchiveRecord]) {
        self.quarter = quarter
        self.timezone = timezone
        self.from = from
        self.through = through
        self.dueOn = dueOn
        self.filing = filing
        self.tickets = tickets
        self.followUps = followUps
        self.records = records
    }
}

/// Filing and keeping the records (rulebook 004 第七节 (九) 每季度10日之前交管理处的档案保管员
/// 存档保管2年). The quarter's records are its complaints (every complaint, however it ended)
/// and every other ticket received in it that has a follow-up record (回访记录), each with its
/// follow-up records.
public enum TicketArchiveRules {
    /// The day of the next quarter's first month by which the records are filed.
    public static let filingDay = 10

    /// The quarter a request names (`2026-Q3`): 422 `request.missing_field` or `request.invalid_value` on `field`.
    public static func quarter(_ text: String?, field: String = "quarter") throws -> TicketQuarter {
        guard let text else { throw DomainError.invalid(field: field, code: "request.missing_field", message: "\(field) is required, e.g. 2026-Q3") }
        guard let quarter = TicketQuarter(text) else {
            throw DomainError.invalid(field: field, code: "request.invalid_value", message: "\(field) is YYYY-Qn, e.g. 2026-Q3")
        }
        return quarter
    }

    /// Decides a filing recorded on `today` (the site's day): a quarter is filed once, after it
    /// has ended — 409 `ticket.archive_quarter_open` before, 409 `ticket.archive_already_filed`
    /// a second time. Returns whether the filing is late: after the 10th of the next quarter's
    /// first month (on the 10th is on time).
    public static func file(_ quarter: TicketQuarter, today: CalendarDate, alreadyFiled: Bool) throws -> Bool {
        guard today > quarter.last else {
            throw DomainError(.conflict, code: "ticket.archive_quarter_open",
                              message: "\(quarter) runs until \(quarter.last); its records are filed once it has ended, by \(quarter.filingDueOn)",
                              fieldErrors: [.init(field: "quarter", code: "ticket.archive_quarter_open", message: "the quarter has not ended")])
        }
        guard !alreadyFiled else {
            throw DomainError(.conflict, code: "ticket.archive_already_filed", message: "the records of \(quarter) are already filed",
                              fieldErrors: [.init(field: "quarter", code: "ticket.archive_already_filed", message: "filed already")])
        }
        return today > quarter.filingDueOn
    }
}
