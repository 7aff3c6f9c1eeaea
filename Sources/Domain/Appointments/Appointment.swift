import Foundation

/// A service item (事项) applicants book.
public struct ServiceItem: Sendable, Codable, Equatable {
    public var id: UUID
    public var code: String
    public var name: String
    public var departmentId: UUID
    public var durationMinutes: Int
    public var capacityPerSlot: Int
    public var documents: [String]
    public var homeVisitAllowed: Bool
    /// The licensed post the work needs; staff sent on it must hold the post's certificates.
    public var postId: UUID?
    public var active: Bool
    public var version: Int
    public var createdAt: Date
    public var updatedAt: Date

    public init(id: UUID, code: String, name: String, departmentId: UUID, durationMinutes: Int, capacityPerSlot: Int, documents: [String],
                homeVisitAllowed: Bool, postId: UUID? = nil, active: Bool, version: Int, createdAt: Date, updatedAt: Date) {
        self.id = id
        self.code = code
        self.name = name
        self.departmentId = departmentId
        self.durationMinutes = durationMinutes
        self.capacityPerSlot = capacityPerSlot
        self.documents = documents
        self.homeVisitAllowed = homeVisitAllowed
        self.postId = postId
        self.active = active
        self.version = version
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

public struct NewServiceItem: RequestBody, Equatable {
    public var code: String
    public var name: String
    public var departmentId: UUID
    public var durationMinutes: Int
    public var capacityPerSlot: Int?
    public var documents: [String]?
    public var homeVisitAllowed: Bool?
    public var postId: UUID?
    public enum CodingKeys: String, CodingKey, CaseIterable {
        case code, name, departmentId, durationMinutes, capacityPerSlot, documents, homeVisitAllowed, postId
    }

    public init(code: String, name: String, departmentId: UUID, durationMinutes: Int, capacityPerSlot: Int? = nil, documents: [String]? = nil,
                homeVisitAllowed: Bool? = nil, postId: UUID? = nil) {
        self.code = code
        self.name = name
        self.departmentId = departmentId
        self.durationMinutes = durationMinutes
        self.capacityPerSlot = capacityPerSlot
        self.documents = documents
        self.homeVisitAllowed = homeVisitAllowed
        self.postId = postId
    }
}

/// A change to a service item; absent fields stay as they are.
public struct ServiceItemChanges: RequestBody, Equatable {
    public var name: String?
    public var durationMinutes: Int?
    public var capacityPerSlot: Int?
    public var documents: [String]?
    public var homeVisitAllowed: Bool?
    public var active: Bool?
    public var postId: UUID?
    public enum CodingKeys: String, CodingKey, CaseIterable { case name, durationMinutes, capacityPerSlot, documents, homeVisitAllowed, active, postId }
}

/// A window (窗口) or field team, open by one of the site's working calendars.
public struct ServiceWindow: Sendable, Codable, Equatable {
    public var id: UUID
    public var code: String
    public var name: String
    public var kind: String
    public var departmentId: UUID
    public var calendar: String
    public var itemIds: [UUID]
    public var active: Bool
    public var version: Int
    public var createdAt: Date
    public var updatedAt: Date

    public init(id: UUID, code: String, name: String, kind: String, departmentId: UUID, calendar: String, itemIds: [UUID], active: Bool, version: Int,
                createdAt: Date, updatedAt: Date) {
        self.id = id
        self.code = code
        self.name = name
        self.kind = kind
        self.departmentId = departmentId
        self.calendar = calendar
        self.itemIds = itemIds
        self.active = active
        self.version = version
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

public struct NewServiceWindow: RequestBody, Equatable {
    public var code: String
    public var name: String
    public var kind: String?
    public var departmentId: UUID
    /// A calendar code of the site; the default calendar when absent.
    public var calendar: String?
    public var itemIds: [UUID]
    public enum CodingKeys: String, CodingKey, CaseIterable { case code, name, kind, departmentId, calendar, itemIds }
}

public struct ServiceWindowChanges: RequestBody, Equatable {
    public var name: String?
    public var calendar: String?
    public var itemIds: [UUID]?
    public var active: Bool?
    public enum CodingKeys: String, CodingKey, CaseIterable { case name, calendar, itemIds, active }
}

public struct Applicant: Sendable, Codable, Equatable {
    public var name: String
    public var phone: String
    /// Resident identity number; responses show it masked (110***********1234).
    public var idNumber: String?

    public init(name: String, phone: String, idNumber: String? = nil) {
        self.name = name
        self.phone = phone
        self.idNumber = idNumber
    }
}

extension Applicant: RequestBody {
    public enum CodingKeys: String, CodingKey, CaseIterable { case name, phone, idNumber }

    public init(from decoder: any Decoder) throws {
        try Self.refuseUnknownFields(decoder)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(name: try container.decode(String.self, forKey: .name), phone: try container.decode(String.self, forKey: .phone),
                  idNumber: try container.decodeIfPresent(String.self, forKey: .idNumber))
    }
}

public struct HomeVisit: Sendable, Codable, Equatable {
    public var reason: HomeVisitReason
    public var address: String

    public init(reason: HomeVisitReason, address: String) {
        self.reason = reason
        self.address = address
    }
}

extension HomeVisit: RequestBody {
    public enum CodingKeys: String, CodingKey, CaseIterable { case reason, address }

    public init(from decoder: any Decoder) throws {
        try Self.refuseUnknownFields(decoder)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(reason: try container.decode(HomeVisitReason.self, forKey: .reason), address: try container.decode(String.self, forKey: .address))
    }
}

/// A booking (预约登记).
public struct Appointment: Sendable, Codable, Equatable {
    public var id: UUID
    public var itemId: UUID
    public var windowId: UUID
    public var start: Date
    public var end: Date
    /// Start and end as wall-clock time in the site's timezone (`2026-11-26T09:00`).
    public var localStart: String
    public var localEnd: String
    public var timezone: String
    public var seat: Int
    public var channel: AppointmentChannel
    public var status: AppointmentStatus
    public var applicant: Applicant
    public var homeVisit: HomeVisit?
    public var assignedStaffId: UUID?
    public var note: String?
    public var requestedAt: Date
    public var confirmDueAt: Date
    public var confirmedAt: Date?
    /// What to bring (一次性告知), from the service item, once confirmed.
    public var documents: [String]?
    public var refusedAt: Date?
    public var refusalReason: String?
    public var checkedInAt: Date?
    public var completedAt: Date?
    public var result: String?
    public var satisfaction: SatisfactionRating?
    public var cancelledAt: Date?
    public var cancelReason: String?
    public var lateCancellation: Bool
    public var noShowAt: Date?
    public var overdue: Bool
    public var rescheduleCount: Int
    public var complaintTicketId: UUID?
    /// When staff recorded that they could not reach a home visit's applicant (联系不上申请人), and what they tried.
    public var contactFailedAt: Date?
    public var contactFailedNote: String?
    /// A home visit past the grace period with no failed contact on record: not a no-show yet,
    /// staff must check in, record the failed contact or cancel (`NoShowRule`).
    public var needsAction: Bool
    /// Moves by the center with less notice than the rule (2 h / 8 h): breaches, each recorded with its reason.
    public var lateReschedules: Int
    public var allowedActions: [AppointmentAction]
    public var version: Int
    public var createdAt: Date
    public var updatedAt: Date

    public init(id: UUID, itemId: UUID, windowId: UUID, start: Date, end: Date, localStart: String, localEnd: String, timezone: String, seat: Int,
                channel: AppointmentChannel, status: AppointmentStatus, applicant: Applicant, homeVisit: HomeVisit? = nil,
                assignedStaffId: UUID? = nil, note: String? = nil, requestedAt: Date, confirmDueAt: Date, confirmedAt: Date? = nil,
                documents: [String]? = nil, refusedAt: Date? = nil, refusalReason: String? = nil, checkedInAt: Date? = nil, completedAt: Date? = nil,
                result: String? = nil, satisfaction: SatisfactionRating? = nil, cancelledAt: Date? = nil, cancelReason: String? = nil,
                lateCancellation: Bool, noShowAt: Date? = nil, overdue: Bool, rescheduleCount: Int, complaintTicketId: UUID? = nil,
                contactFailedAt: Date? = nil, contactFailedNote: String? = nil, needsAction: Bool = false, lateReschedules: Int = 0,
                allowedActions: [AppointmentAction], version: Int, createdAt: Date, updatedAt: Date) {
        self.id = id
        self.itemId = itemId
        self.windowId = windowId
        self.start = start
        self.end = end
        self.localStart = localStart
        self.localEnd = localEnd
        self.timezone = timezone
        self.seat = seat
        self.channel = channel
        self.status = status
        self.applicant = applicant
        self.homeVisit = homeVisit
        self.assignedStaffId = assignedStaffId
        self.note = note
        self.requestedAt = requestedAt
        self.confirmDueAt = confirmDueAt
        self.confirmedAt = confirmedAt
        self.documents = documents
        self.refusedAt = refusedAt
        self.refusalReason = refusalReason
        self.checkedInAt = checkedInAt
        self.completedAt = completedAt
        self.result = result
        self.satisfaction = satisfaction
        self.cancelledAt = cancelledAt
        self.cancelReason = cancelReason
        self.lateCancellation = lateCancellation
        self.noShowAt = noShowAt
        self.overdue = overdue
        self.rescheduleCount = rescheduleCount
        self.complaintTicketId = complaintTicketId
        self.contactFailedAt = contactFailedAt
        self.contactFailedNote = contactFailedNote
        self.needsAction = needsAction
        self.lateReschedules = lateReschedules
        self.allowedActions = allowedActions
        self.version = version
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

public struct NewAppointment: RequestBody, Equatable {
    public var itemId: UUID
    /// The window; the first window serving the item with a free place when absent.
    public var windowId: UUID?
    public var start: Date
    public var channel: AppointmentChannel
    public var applicant: Applicant
    public var homeVisit: HomeVisit?
    public var note: String?
    public enum CodingKeys: String, CodingKey, CaseIterable { case itemId, windowId, start, channel, applicant, homeVisit, note }
}

/// The body of every booking action; each action reads the fields it needs and refuses the rest.
public struct AppointmentActionBody: RequestBody, Equatable {
    public var note: String?
    public var reason: String?
    public var assignedStaffId: UUID?
    public var result: String?
    public var satisfaction: SatisfactionRating?
    public var ownerId: UUID?
    public var start: Date?
    public var windowId: UUID?
    public enum CodingKeys: String, CodingKey, CaseIterable { case note, reason, assignedStaffId, result, satisfaction, ownerId, start, windowId }

    public init() {}

    public static func fields(for action: AppointmentAction) -> Set<CodingKeys> {
        switch action {
        case .confirm: [.note, .assignedStaffId]
        case .refuse: [.reason]
        case .checkIn, .contactFailed: [.note]
        case .complete: [.result, .satisfaction, .ownerId, .note]
        case .cancel, .cancelByCenter: [.reason]
        case .reschedule, .rescheduleByCenter: [.start, .windowId, .reason]
        }
    }

    public var present: [(CodingKeys, Bool)] {
        [(.note, note != nil), (.reason, reason != nil), (.assignedStaffId, assignedStaffId != nil), (.result, result != nil),
         (.satisfaction, satisfaction != nil), (.ownerId, ownerId != nil), (.start, start != nil), (.windowId, windowId != nil)]
    }
}

/// A free slot of a window.
public struct AvailableSlot: Sendable, Codable, Equatable {
    public var windowId: UUID
    public var windowCode: String
    public var start: Date
    public var end: Date
    public var localStart: String
    public var remaining: Int

    public init(windowId: UUID, windowCode: String, start: Date, end: Date, localStart: String, remaining: Int) {
        self.windowId = windowId
        self.windowCode = windowCode
        self.start = start
        self.end = end
        self.localStart = localStart
        self.remaining = remaining
    }
}

public struct Availability: Sendable, Codable, Equatable {
    public var itemId: UUID
    public var timezone: String
    public var items: [AvailableSlot]
}

/// `GET …/appointments/stats?month=YYYY-MM`.
public struct AppointmentStatistics: Sendable, Codable, Equatable {
    public struct WindowFigures: Sendable, Codable, Equatable {
        public var requests: Int
        public var lateCancellationsByCenter: Int
        public var noShows: Int
        public var completed: Int

        public init(requests: Int, lateCancellationsByCenter: Int, noShows: Int, completed: Int) {
            self.requests = requests
            self.lateCancellationsByCenter = lateCancellationsByCenter
            self.noShows = noShows
            self.completed = completed
        }
    }

    public var month: String
    public var timezone: String
    /// Bookings requested in the month.
    public var requests: Int
    /// Answered (confirmed or refused) within the deadline / answered or due.
    public var answeredInTime: TicketStatistics.Rate
    public var refusals: Int
    public var refusalReasons: [String: Int]
    /// Of bookings whose slot started in the month.
    public var lateCancellationsByCenter: Int
    public var noShows: Int
    /// Completed / bookings that were due to take place (not refused, not cancelled by the applicant).
    public var completion: TicketStatistics.Rate
    public var satisfaction: TicketStatistics.Rate
    /// Per window code, for the window's assessment.
    public var byWindow: [String: WindowFigures]

    public init(month: String, timezone: String, requests: Int, answeredInTime: TicketStatistics.Rate, refusals: Int, refusalReasons: [String: Int],
                lateCancellationsByCenter: Int, noShows: Int, completion: TicketStatistics.Rate, satisfaction: TicketStatistics.Rate,
                byWindow: [String: WindowFigures]) {
        self.month = month
        self.timezone = timezone
        self.requests = requests
        self.answeredInTime = answeredInTime
        self.refusals = refusals
        self.refusalReasons = refusalReasons
        self.lateCancellationsByCenter = lateCancellationsByCenter
        self.noShows = noShows
        self.completion = completion
        self.satisfaction = satisfaction
        self.byWindow = byWindow
    }
}
