import Domain
import Foundation
import Testing

@Suite("A non-conformity is closed only with its corrective action, and kept as it was")
struct NonconformityRulesTests {
    let open = TicketNonconformity(id: UUID(), ticketId: UUID(), kind: "repeat", detectedAt: instant("2026-11-20T09:00:00+08:00"),
                                   reason: "the same matter twice", matchedTicketIds: [UUID()], version: 1)
    let owner = UUID()
    var body: CorrectiveAction {
        CorrectiveAction(cause: "  水管老化 ", action: " 整段更换并每月巡查 ", ownerId: owner, dueDate: CalendarDate(year: 2026, month: 12, day: 31))
    }

    @Test func theCorrectiveActionIsRecordedTrimmedWithItsOwnerDueDateAndTime() throws {
        let recorded = try open.recordingCorrectiveAction(body, at: instant("2026-11-21T10:00:00+08:00"))
        #expect(recorded.cause == "水管老化" && recorded.action == "整段更换并每月巡查")
        #expect(recorded.actionOwnerId == owner && recorded.dueDate == CalendarDate(year: 2026, month: 12, day: 31))
        #expect(recorded.actionRecordedAt == instant("2026-11-21T10:00:00+08:00") && recorded.closedAt == nil)
    }

    @Test func aCauseAndAnActionAreBothRequired() throws {
        var blank = body
        blank.cause = "   "
        let error = try #require(throws: DomainError.self) { try open.recordingCorrectiveAction(blank, at: instant("2026-11-21T10:00:00+08:00")) }
        #expect(error.code == "request.missing_field" && error.problems == ["cause request.missing_field"])
        blank = body
        blank.action = ""
        let other = try #require(throws: DomainError.self) { try open.recordingCorrectiveAction(blank, at: instant("2026-11-21T10:00:00+08:00")) }
        #expect(other.problems == ["action request.missing_field"])
    }

    @Test func closingNeedsTheCorrectiveActionOnRecord() throws {
        let error = try #require(throws: DomainError.self) { try open.closing(by: UUID(), at: instant("2026-11-22T10:00:00+08:00")) }
        #expect(error.kind == .invalid && error.code == "ticket.corrective_action_required")
        let manager = UUID()
        let closed = try open.recordingCorrectiveAction(body, at: instant("2026-11-21T10:00:00+08:00")).closing(by: manager, at: instant("2026-11-22T10:00:00+08:00"))
        #expect(closed.closedAt == instant("2026-11-22T10:00:00+08:00") && closed.closedBy == manager)
    }

    @Test func nothingIsChangedOnAClosedNonconformity() throws {
        let closed = try open.recordingCorrectiveAction(body, at: instant("2026-11-21T10:00:00+08:00")).closing(by: UUID(), at: instant("2026-11-22T10:00:00+08:00"))
        let again = try #require(throws: DomainError.self) { try closed.closing(by: UUID(), at: instant("2026-11-23T10:00:00+08:00")) }
        #expect(again.kind == .conflict && again.code == "ticket.nonconformity_closed")
        let rewrite = try #require(throws: DomainError.self) { try closed.recordingCorrectiveAction(body, at: instant("2026-11-23T10:00:00+08:00")) }
        #expect(rewrite.kind == .conflict && rewrite.code == "ticket.nonconformity_closed")
    }
}
