import Domain
import Testing

@Suite("Resident identity numbers: the check digit and masking")
struct IdentityNumberTests {
    @Test(arguments: ["11010519491231002X", "110101199003074477", "440304198501010013"])
    func aNumberWithTheRightCheckDigitIsValid(number: String) {
        #expect(IdentityNumber.isValid(number))
    }

    @Test func changingAnyOneDigitBreaksTheCheckDigit() {
        #expect(!IdentityNumber.isValid("110101199003074478"), "the check digit itself changed (7 → 8)")
        #expect(!IdentityNumber.isValid("110101199003074487"), "the last digit of the body changed (7 → 8)")
        #expect(!IdentityNumber.isValid("210101199003074477"), "the first digit changed (1 → 2)")
        #expect(!IdentityNumber.isValid("11010519491231002"), "17 characters")
        #expect(!IdentityNumber.isValid("11010519491231002X0"), "19 characters")
        #expect(!IdentityNumber.isValid("1101011990030744X7"), "an X only stands last")
        #expect(!IdentityNumber.isValid("１10101199003074477"), "a full-width digit is not an ASCII digit")
    }

    @Test func aLowerCaseXIsAcceptedAsTheCheckCharacter() {
        #expect(IdentityNumber.isValid("11010519491231002x"))
        #expect(!IdentityNumber.isValid("11010119900307447x"), "but only where the check is 10")
    }

    @Test func maskingShowsTheFirstThreeAndLastFourCharacters() {
        #expect(IdentityNumber.masked("110101199003074477") == "110***********4477")
        #expect(IdentityNumber.masked("11010519491231002X") == "110***********002X")
        #expect(IdentityNumber.masked("12345678") == "123*5678")
        #expect(IdentityNumber.masked("1234567") == "*******", "seven characters or fewer are hidden entirely")
        #expect(IdentityNumber.masked("") == "")
    }
}
