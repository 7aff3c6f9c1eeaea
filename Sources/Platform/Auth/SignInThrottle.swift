import Domain
import Foundation
import Synchronization

/// Limits failed sign-ins per username and per client address within a window, so a
/// password cannot be guessed by brute force. A pure value: the caller passes the time.
///
/// After `userLimit` failures for one username (or `addressLimit` from one address) in
/// `window`, further attempts are refused until the oldest failure leaves the window. A
/// success clears the user's failures. Counts live in the server's memory: several server
/// instances each keep their own, which multiplies the limit by the instance count.
public struct SignInThrottle: Sendable {
    public var userLimit = 5
    public var addressLimit = 30
    public var window: TimeInterval = 15 * 60
    private var failuresByUser: [String: [Date]] = [:]
    private var failuresByAddress: [String: [Date]] = [:]

    public init() {}

    /// Seconds to wait before trying again, or nil when an attempt may be made now.
    public mutating func retryAfter(user: String, address: String, at now: Date) -> TimeInterval? {
        prune(now)
        var waits: [TimeInterval] = []
        if let failures = failuresByUser[user], failures.count >= userLimit, let oldest = failures.first {
            waits.append(oldest.addingTimeInterval(window).timeIntervalSince(now))
        }
        if let failures = failuresByAddress[address], failures.count >= addressLimit, let oldest = failures.first {
            waits.append(oldest.addingTimeInterval(window).timeIntervalSince(now))
        }
        return waits.max().map { max(1, $0.rounded(.up)) }
    }

    public mutating func recordFailure(user: String, address: String, at now: Date) {
        failuresByUser[user, default: []].append(now)
        failuresByAddress[address, default: []].append(now)
    }

    public mutating func recordSuccess(user: String) {
        failuresByUser[user] = nil
    }

    private mutating func prune(_ now: Date) {
        let cutoff = now.addingTimeInterval(-window)
        failuresByUser = failuresByUser.compactMapValues { dates in
            let kept = dates.filter { $0 > cutoff }
            return kept.isEmpty ? nil : kept
        }
        failuresByAddress = failuresByAddress.compactMapValues { dates in
            let kept = dates.filter { $0 > cutoff }
            return kept.isEmpty ? nil : kept
        }
    }
}

/// The server's shared throttle.
final class SharedSignInThrottle: Sendable {
    private let state = Mutex(SignInThrottle())

    func retryAfter(user: String, address: String) -> TimeInterval? {
        state.withLock { $0.retryAfter(user: user, address: address, at: Date()) }
    }

    func recordFailure(user: String, address: String) {
        state.withLock { $0.recordFailure(user: user, address: address, at: Date()) }
    }

    func recordSuccess(user: String) {
        state.withLock { $0.recordSuccess(user: user) }
    }
}
