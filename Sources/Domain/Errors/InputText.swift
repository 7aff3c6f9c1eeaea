import Foundation

/// Free text from a request: trimmed, nil when absent or blank, refused (422 naming the
/// field) when longer than allowed.
public enum InputText {
    public static func trimmed(_ value: String?, field: String, max: Int) throws -> String? {
        guard let value = value?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else { return nil }
        guard value.count <= max else { throw DomainError.invalid(field: field, code: "request.too_long", message: "at most \(max) characters") }
        return value
    }
}
