/// A phone number as people write it: digits with spaces, dashes, `+` and parentheses.
public enum PhoneNumber {
    /// What a request is told when a phone number is refused.
    public static let expected = "a phone number of 5–20 digits"

    /// The number's digits, when it is written with nothing but digits, spaces, `-`, `+` and
    /// parentheses and has 5 to 20 digits; nil otherwise.
    public static func digits(_ text: String) -> String? {
        guard text.allSatisfy({ $0.isASCII && ($0.isNumber || " -+()".contains($0)) }) else { return nil }
        let digits = text.filter { $0.isASCII && $0.isNumber }
        return (5...20).contains(digits.count) ? digits : nil
    }
}
