import Foundation

/// A non-conformity (不合格项) is closed only once its corrective and preventive action is on
/// record, and nothing is changed on it after it is closed: the record is kept as it was.
extension TicketNonconformity {
    /// The non-conformity with its corrective action (cause, action, owner, due date) recorded
    /// at `now`; both texts are trimmed and required.
    public func recordingCorrectiveAction(_ body: CorrectiveAction, at now: Date) throws -> TicketNonconformity {
        guard closedAt == nil else {
            throw DomainError(.conflict, code: "ticket.nonconformity_closed", message: "the non-conformity is closed; its record is kept as it was")
        }
        let cause = try InputText.trimmed(body.cause, field: "cause", max: 2000)
        let action = try InputText.trimmed(body.action, field: "action", max: 2000)
        guard let cause else { throw DomainError.invalid(field: "cause", code: "request.missing_field", message: "the cause found") }
        guard let action else { throw DomainError.invalid(field: "action", code: "request.missing_field", message: "the corrective and preventive action") }
        var recorded = self
        (recorded.cause, recorded.action, recorded.actionOwnerId, recorded.dueDate, recorded.actionRecordedAt) = (cause, action, body.ownerId, body.dueDate, now)
        return recorded
    }

    /// The non-conformity closed by `actor` at `now`.
    public func closing(by actor: UUID?, at now: Date) throws -> TicketNonconformity {
        guard closedAt == nil else { throw DomainError(.conflict, code: "ticket.nonconformity_closed", message: "the non-conformity is already closed") }
        guard actionRecordedAt != nil else {
            throw DomainError(.invalid, code: "ticket.corrective_action_required",
                              message: "record the corrective action (cause, action, owner, due date) before closing the non-conformity")
        }
        var closed = self
        (closed.closedAt, closed.closedBy) = (now, actor)
        return closed
    }
}
