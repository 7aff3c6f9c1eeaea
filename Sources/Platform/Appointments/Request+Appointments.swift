import Domain
import Foundation
import Hummingbird

extension Request {
    /// A UUID query parameter a route cannot do without (`?item=` of availability): 422
    /// `request.missing_field` when absent; present, it is read as `query(uuid:)` reads it.
    func requiredQuery(uuid name: String) throws -> UUID {
        guard let id = try query(uuid: name) else {
            throw DomainError.invalid(field: name, code: "request.missing_field", message: "\(name) is required")
        }
        return id
    }

    /// A month query parameter a route cannot do without (`?month=` of statistics): 422
    /// `request.missing_field` when absent; its text is checked by whoever reads the month.
    func requiredQuery(month name: String) throws -> String {
        guard let month = uri.queryParameters.get(name) else {
            throw DomainError.invalid(field: name, code: "request.missing_field", message: "\(name) is required, e.g. 2026-11")
        }
        return month
    }
}
