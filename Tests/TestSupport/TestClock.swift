import Foundation
import Platform
import Synchronization

/// A clock the test moves by hand, for rules measured in hours and working days.
public final class TestClock: Sendable {
    private let current: Mutex<Date>

    public init(_ start: Date) {
        current = Mutex(start)
    }

    /// A clock at an RFC 3339 instant, e.g. "2026-11-20T16:00:00+08:00".
    public convenience init(_ text: String) {
        self.init(RFC3339.parse(text) ?? Date(timeIntervalSince1970: 0))
    }

    public var now: Date { current.withLock { $0 } }

    public func set(_ text: String) {
        guard let date = RFC3339.parse(text) else { preconditionFailure("not an RFC 3339 instant: \(text)") }
        current.withLock { $0 = date }
    }

    public func advance(minutes: Double) {
        current.withLock { $0 = $0.addingTimeInterval(minutes * 60) }
    }

    public var clock: PlatformClock { PlatformClock { [self] in self.now } }
}
