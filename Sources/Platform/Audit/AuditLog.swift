import Domain
import Foundation
import Postgres

/// One line of the append-only audit trail: who did what to which record of which site.
public struct AuditEntry: Sendable, Codable, Equatable {
    public var id: UUID
    public var at: Date
    public var actorId: UUID?
    public var actorRole: String
    public var action: String
    public var targetType: String
    public var targetId: String
    public var detail: [String: String]
    public var requestId: String?
}

/// Writing and reading the audit trail. Writes are statements to add to the transaction that
/// makes the change, so a change and its audit line commit or roll back together.
public enum AuditLog {
    public static func record(
        site: UUID, scope: AccessScope, action: String, targetType: String, targetID: String,
        detail: [String: String] = [:], requestID: String?
    ) -> PostgresStatement {
        PostgresStatement(
            "INSERT INTO audit_log (site_id, actor_id, actor_role, action, target_type, target_id, detail, request_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            [site, scope.actorID, scope.role, action, targetType, targetID, PostgresJSON(detail), requestID])
    }

    static let columns = "id, at, actor_id, actor_role, action, target_type, target_id, detail, request_id"

    static func decode(_ row: PostgresRow) throws -> AuditEntry {
        AuditEntry(
            id: try row.decode("id"), at: try row.decode("at"), actorId: try row.decodeIfPresent("actor_id"), actorRole: try row.decode("actor_role"),
            action: try row.decode("action"), targetType: try row.decode("target_type"), targetId: try row.decode("target_id"),
            detail: try row.decode("detail", as: PostgresJSON<[String: String]>.self).value, requestId: try row.decodeIfPresent("request_id"))
    }
}
