import Foundation
@testable import Platform
import Testing

@Suite("Formatting instants on whole minutes")
struct MinuteFormatterTests {
    @Test func itWritesWhatRFC3339Writes() {
        var formatter = MinuteFormatter()
        for seconds in stride(from: -86_400 * 3, through: 86_400 * 800, by: 60 * 37) {
            let date = Date(timeIntervalSince1970: Double(seconds))
            #expect(formatter.format(date) == RFC3339.format(date))
        }
        let odd = Date(timeIntervalSince1970: 1_764_000_000.5)
        #expect(formatter.format(odd) == RFC3339.format(odd))
    }
}
