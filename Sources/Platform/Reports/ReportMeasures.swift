import Domain
import Foundation

/// The counters kept per site and month (the columns of `site_month_figures`). Every figure
/// of the portfolio and the trends is a sum of these (over months, over sites) or a ratio of
/// two sums, so a year, a site kind or a region is computed the same way as one site's month.
enum MonthFigures {
    static let causes = ["1", "2", "3", "unclassified"]

    static let columns: [String] = ["tickets_received"] + TicketCategory.allCases.map { "category_\($0.rawValue)" } + causes.map { "cause_\($0)" } + [
        "feedback_due", "feedback_on_time", "resolution_due", "resolution_on_time", "follow_up_required", "follow_up_done",
        "satisfaction_rated", "satisfaction_satisfied", "repeat_nonconformities", "reopened",
        "appointment_requests", "answer_due", "answered_in_time", "late_cancellations", "no_shows", "appointments_due", "appointments_completed",
        "scored_results", "score_centi_sum",
    ]

    static func counters(tickets: TicketStatistics, appointments: AppointmentStatistics, scoredResults: Int, scoreCentiSum: Int) -> [String: Int] {
        var counters: [String: Int] = [
            "tickets_received": tickets.received,
            "feedback_due": tickets.onTimeFeedback.denominator,
            "feedback_on_time": tickets.onTimeFeedback.numerator,
            "resolution_due": tickets.onTimeResolution.denominator,
            "resolution_on_time": tickets.onTimeResolution.numerator,
            // Complaints withdrawn without writing still owe their follow-up: they count here too.
            "follow_up_required": tickets.followUp.reduce(0) { $0 + $1.required } + tickets.withdrawnFollowUp.denominator,
            "follow_up_done": tickets.followUp.reduce(0) { $0 + $1.followedUp } + tickets.withdrawnFollowUp.numerator,
            "satisfaction_rated": tickets.satisfaction.denominator,
            "satisfaction_satisfied": tickets.satisfaction.numerator,
            "repeat_nonconformities": tickets.repeats,
            "reopened": tickets.reopened,
            "appointment_requests": appointments.requests,
            "answer_due": appointments.answeredInTime.denominator,
            "answered_in_time": appointments.answeredInTime.numerator,
            "late_cancellations": appointments.lateCancellationsByCenter,
            "no_shows": appointments.noShows,
            "appointments_due": appointments.completion.denominator,
            "appointments_completed": appointments.completion.numerator,
            "scored_results": scoredResults,
            "score_centi_sum": scoreCentiSum,
        ]
        for category in TicketCategory.allCases { counters["category_\(category.rawValue)"] = tickets.byCategory[category.rawValue] ?? 0 }
        for cause in causes { counters["cause_\(cause)"] = tickets.byCauseClass[cause] ?? 0 }
        return counters
    }
}

/// The figures of a site (or a kind, a region, the group) for a period.
public struct ReportMeasures: Sendable, Codable, Equatable {
    public struct Cause: Sendable, Codable, Equatable {
        public var count: Double
        /// Complaints of this cause class per ticket received.
        public var rate: Double?
    }

    public var ticketsReceived: Double?
    public var openTickets: Double?
    public var overdueTickets: Double?
    public var onTimeFeedbackRate: Double?
    public var onTimeResolutionRate: Double?
    public var complaints: Double?
    /// Complaints per ticket received.
    public var complaintRate: Double?
    public var complaintsByCause: [String: Cause]?
    /// Tickets received per category.
    public var ticketsByCategory: [String: Double]?
    /// Follow-ups made per follow-up required by the quotas (and by complaints withdrawn
    /// without writing).
    public var followUpCoverage: Double?
    /// 满意率: satisfied and basically satisfied per rated follow-up.
    public var satisfactionRate: Double?
    public var repeatNonconformities: Double?
    public var openRepeatNonconformities: Double?
    public var appointmentRequests: Double?
    public var confirmationInTimeRate: Double?
    public var lateCancellationsByCenter: Double?
    /// No-shows per booking whose time has come.
    public var noShowRate: Double?
    public var averageAssessmentScore: Double?
    public var licencesExpiring60d: Double?

    /// The measures that have one number, in the order reports list them, with their labels.
    static let columns: [(key: String, english: String, chinese: String, value: @Sendable (ReportMeasures) -> Double?)] = [
        ("ticketsReceived", "Tickets received", "受理量", { $0.ticketsReceived }),
        ("openTickets", "Open tickets", "未结工单", { $0.openTickets }),
        ("overdueTickets", "Overdue tickets", "超时工单", { $0.overdueTickets }),
        ("onTimeFeedbackRate", "On-time feedback", "反馈及时率", { $0.onTimeFeedbackRate }),
        ("onTimeResolutionRate", "On-time resolution", "处理及时率", { $0.onTimeResolutionRate }),
        ("complaints", "Complaints", "投诉量", { $0.complaints }),
        ("complaintRate", "Complaint rate", "投诉率", { $0.complaintRate }),
        ("followUpCoverage", "Follow-up coverage", "回访完成率", { $0.followUpCoverage }),
        ("satisfactionRate", "Satisfaction", "满意率", { $0.satisfactionRate }),
        ("repeatNonconformities", "Repeat non-conformities", "重复投诉不合格", { $0.repeatNonconformities }),
        ("openRepeatNonconformities", "Open repeat non-conformities", "未关闭重复不合格", { $0.openRepeatNonconformities }),
        ("appointmentRequests", "Appointment requests", "预约申请", { $0.appointmentRequests }),
        ("confirmationInTimeRate", "Confirmed in time", "预约确认及时率", { $0.confirmationInTimeRate }),
        ("lateCancellationsByCenter", "Late cancellations by the center", "中心迟取消", { $0.lateCancellationsByCenter }),
        ("noShowRate", "No-show rate", "爽约率", { $0.noShowRate }),
        ("averageAssessmentScore", "Average assessment score", "考核平均分", { $0.averageAssessmentScore }),
        ("licencesExpiring60d", "Licences expiring in 60 days", "60天内到期证书", { $0.licencesExpiring60d }),
    ]

    /// The measures of summed counters. `current` holds the figures as of now (open and
    /// overdue tickets, open repeat non-conformities, expiring licences); absent for trends.
    init(_ c: [String: Int], current: [String: Int]?) {
        func n(_ key: String) -> Double { Double(c[key] ?? 0) }
        func ratio(_ numerator: String, _ denominator: String) -> Double? {
            let d = n(denominator)
            return d == 0 ? nil : Self.rounded(n(numerator) / d)
        }
        ticketsReceived = n("tickets_received")
        onTimeFeedbackRate = ratio("feedback_on_time", "feedback_due")
        onTimeResolutionRate = ratio("resolution_on_time", "resolution_due")
        complaints = n("category_complaint")
        complaintRate = ratio("category_complaint", "tickets_received")
        var causes: [String: Cause] = [:]
        for cause in MonthFigures.causes where n("cause_\(cause)") > 0 {
            causes[cause] = Cause(count: n("cause_\(cause)"), rate: ratio("cause_\(cause)", "tickets_received"))
        }
        complaintsByCause = causes
        ticketsByCategory = Dictionary(uniqueKeysWithValues: TicketCategory.allCases.map { ($0.rawValue, n("category_\($0.rawValue)")) })
        followUpCoverage = ratio("follow_up_done", "follow_up_required")
        satisfactionRate = ratio("satisfaction_satisfied", "satisfaction_rated")
        repeatNonconformities = n("repeat_nonconformities")
        appointmentRequests = n("appointment_requests")
        confirmationInTimeRate = ratio("answered_in_time", "answer_due")
        lateCancellationsByCenter = n("late_cancellations")
        noShowRate = ratio("no_shows", "appointments_due")
        averageAssessmentScore = n("scored_results") == 0 ? nil : (n("score_centi_sum") / n("scored_results")).rounded() / 100
        if let current {
            openTickets = Double(current["open"] ?? 0)
            overdueTickets = Double(current["overdue"] ?? 0)
            openRepeatNonconformities = Double(current["repeat_open"] ?? 0)
            licencesExpiring60d = Double(current["licences"] ?? 0)
        }
    }

    /// The median of each single-number measure over `sites` (those that have it).
    init(medianOf sites: [ReportMeasures]) {
        func median(_ value: (ReportMeasures) -> Double?) -> Double? {
            let values = sites.compactMap(value).sorted()
            guard !values.isEmpty else { return nil }
            let middle = values.count / 2
            return Self.rounded(values.count % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2)
        }
        ticketsReceived = median(\.ticketsReceived)
        openTickets = median(\.openTickets)
        overdueTickets = median(\.overdueTickets)
        onTimeFeedbackRate = median(\.onTimeFeedbackRate)
        onTimeResolutionRate = median(\.onTimeResolutionRate)
        complaints = median(\.complaints)
        complaintRate = median(\.complaintRate)
        followUpCoverage = median(\.followUpCoverage)
        satisfactionRate = median(\.satisfactionRate)
        repeatNonconformities = median(\.repeatNonconformities)
        openRepeatNonconformities = median(\.openRepeatNonconformities)
        appointmentRequests = median(\.appointmentRequests)
        confirmationInTimeRate = median(\.confirmationInTimeRate)
        lateCancellationsByCenter = median(\.lateCancellationsByCenter)
        noShowRate = median(\.noShowRate)
        averageAssessmentScore = median(\.averageAssessmentScore)
        licencesExpiring60d = median(\.licencesExpiring60d)
    }

    static func rounded(_ value: Double) -> Double { (value * 10_000).rounded() / 10_000 }
}

/// Where a measure should be: at or beyond `green` is on target, at or beyond `amber` needs
/// watching, beyond that it is red. `higherIsBetter` says which way "beyond" is.
public struct ReportTarget: Sendable, Codable, Equatable {
    public var green: Double
    public var amber: Double
    public var higherIsBetter: Bool

    /// The group's targets (DOMAIN.md: quotas are met in full; 满意率 and timeliness at 95 %).
    static let group: [String: ReportTarget] = [
        "onTimeFeedbackRate": .init(green: 0.95, amber: 0.85, higherIsBetter: true),
        "onTimeResolutionRate": .init(green: 0.95, amber: 0.85, higherIsBetter: true),
        "followUpCoverage": .init(green: 1.0, amber: 0.9, higherIsBetter: true),
        "satisfactionRate": .init(green: 0.95, amber: 0.9, higherIsBetter: true),
        "confirmationInTimeRate": .init(green: 0.95, amber: 0.85, higherIsBetter: true),
        "noShowRate": .init(green: 0.05, amber: 0.1, higherIsBetter: false),
        "complaintRate": .init(green: 0.05, amber: 0.1, higherIsBetter: false),
        "overdueTickets": .init(green: 0, amber: 5, higherIsBetter: false),
        "openRepeatNonconformities": .init(green: 0, amber: 2, higherIsBetter: false),
        "lateCancellationsByCenter": .init(green: 0, amber: 3, higherIsBetter: false),
        "averageAssessmentScore": .init(green: 85, amber: 75, higherIsBetter: true),
    ]
}
