import Foundation

/// The counters kept per site and month, by name. Every figure of the portfolio and the
/// trends is a sum of these (over months, over sites) or a ratio of two sums, so a year, a
/// site kind or a region is computed the same way as one site's month.
enum MonthFigures {
    static func counters(tickets: TicketStatistics, appointments: AppointmentStatistics, scoredResults: Int, scoreCentiSum: Int) -> [String: Int] {
        var counters: [String: Int] = [
            "tickets.received": tickets.received,
            "tickets.complaints": tickets.byCategory["complaint"] ?? 0,
            "feedback.due": tickets.onTimeFeedback.denominator,
            "feedback.on_time": tickets.onTimeFeedback.numerator,
            "resolution.due": tickets.onTimeResolution.denominator,
            "resolution.on_time": tickets.onTimeResolution.numerator,
            "follow_up.required": tickets.followUp.reduce(0) { $0 + $1.required },
            "follow_up.done": tickets.followUp.reduce(0) { $0 + $1.followedUp },
            "satisfaction.rated": tickets.satisfaction.denominator,
            "satisfaction.satisfied": tickets.satisfaction.numerator,
            "nonconformities.repeat": tickets.repeats,
            "nonconformities.reopened": tickets.reopened,
            "appointments.requests": appointments.requests,
            "appointments.answer_due": appointments.answeredInTime.denominator,
            "appointments.answered_in_time": appointments.answeredInTime.numerator,
            "appointments.late_cancellations": appointments.lateCancellationsByCenter,
            "appointments.no_shows": appointments.noShows,
            "appointments.due": appointments.completion.denominator,
            "appointments.completed": appointments.completion.numerator,
            "assessment.results": scoredResults,
            "assessment.total_centi": scoreCentiSum,
        ]
        for (category, n) in tickets.byCategory { counters["tickets.category.\(category)"] = n }
        for (cause, n) in tickets.byCauseClass { counters["complaints.cause.\(cause)"] = n }
        return counters.filter { $0.value != 0 }
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
    /// Follow-ups made per follow-up required by the quotas.
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
        ticketsReceived = n("tickets.received")
        onTimeFeedbackRate = ratio("feedback.on_time", "feedback.due")
        onTimeResolutionRate = ratio("resolution.on_time", "resolution.due")
        complaints = n("tickets.complaints")
        complaintRate = ratio("tickets.complaints", "tickets.received")
        var causes: [String: Cause] = [:]
        for (key, count) in c where key.hasPrefix("complaints.cause.") {
            causes[String(key.dropFirst("complaints.cause.".count))] = Cause(count: Double(count), rate: ratio(key, "tickets.received"))
        }
        complaintsByCause = causes
        followUpCoverage = ratio("follow_up.done", "follow_up.required")
        satisfactionRate = ratio("satisfaction.satisfied", "satisfaction.rated")
        repeatNonconformities = n("nonconformities.repeat")
        appointmentRequests = n("appointments.requests")
        confirmationInTimeRate = ratio("appointments.answered_in_time", "appointments.answer_due")
        lateCancellationsByCenter = n("appointments.late_cancellations")
        noShowRate = ratio("appointments.no_shows", "appointments.due")
        averageAssessmentScore = n("assessment.results") == 0 ? nil : (n("assessment.total_centi") / n("assessment.results")).rounded() / 100
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
