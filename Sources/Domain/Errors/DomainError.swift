/// A rule of the domain that a request broke, with a stable code a client can act on.
///
/// Rules and stores throw these; the HTTP layer renders them as problem+json and the CLI
/// prints the message and exits non-zero. Codes read `area.reason` (`site.code_taken`).
public struct DomainError: Error, Sendable, Equatable, CustomStringConvertible {
    /// How the failure maps onto HTTP, and onto CLI exit codes.
    public enum Kind: String, Sendable {
        case invalid, notFound, conflict, forbidden, unauthorized, unavailable
    }

    /// One problem with one input field.
    public struct FieldError: Sendable, Equatable, Codable {
        public var field: String
        public var code: String
        public var message: String
        public init(field: String, code: String, message: String) {
            self.field = field
            self.code = code
            self.message = message
        }
    }

    public var kind: Kind
    public var code: String
    public var message: String
    public var fieldErrors: [FieldError]

    public init(_ kind: Kind, code: String, message: String, fieldErrors: [FieldError] = []) {
        self.kind = kind
        self.code = code
        self.message = message
        self.fieldErrors = fieldErrors
    }

    /// A single invalid field. Its code is the error's code too, so a client acts on the
    /// top-level `code` (`appointment.no_window`) without reading `errors[]`.
    public static func invalid(field: String, code: String, message: String) -> DomainError {
        DomainError(.invalid, code: code, message: message, fieldErrors: [FieldError(field: field, code: code, message: message)])
    }

    /// Throws one 422 naming every field in `errors`; nothing when there are none. One
    /// problem keeps its own code at the top level; several are `request.invalid`.
    public static func check(_ errors: [FieldError]) throws {
        guard let first = errors.first else { return }
        throw DomainError(.invalid, code: errors.count == 1 ? first.code : "request.invalid", message: errors.map(\.message).joined(separator: "; "), fieldErrors: errors)
    }

    /// Throws 422 `request.unknown_field` naming each present field that `action` does not take.
    public static func refuse<Key: CodingKey & Hashable>(_ present: [(Key, Bool)], outside accepted: Set<Key>, action: String) throws {
        let refused = present.filter { $0.1 && !accepted.contains($0.0) }.map(\.0.stringValue)
        guard refused.isEmpty else {
            throw DomainError(.invalid, code: "request.unknown_field", message: "'\(action)' does not take \(refused.joined(separator: ", "))",
                              fieldErrors: refused.map { .init(field: $0, code: "request.unknown_field", message: "not a field of '\(action)'") })
        }
    }

    public var description: String {
        ([message] + fieldErrors.filter { $0.message != message }.map { "\($0.field): \($0.message)" }).joined(separator: "; ")
    }
}
