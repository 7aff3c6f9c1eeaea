import Domain
import Logging
import ServiceLifecycle

/// The loop of a background job: `work` every `interval` until graceful shutdown, which stops
/// it at once, between runs or while it waits. The first run is one interval after start, so
/// start-up and the first requests do not wait on the pool behind it. A failed run is logged
/// and tried again at the next tick; `work` returns how many records it changed, logged when
/// not zero.
func runPeriodically(every interval: Duration, logger: Logger, job: String, _ work: @Sendable @escaping () async throws -> Int) async {
    try? await cancelWhenGracefulShutdown {
        while !Task.isCancelled {
            try await Task.sleep(for: interval)
            do {
                let changed = try await work()
                if changed > 0 { logger.info("\(job): changed \(changed)") }
            } catch is CancellationError {
                return
            } catch {
                logger.warning("\(job) failed; will retry", metadata: ["error": "\(error)"])
            }
        }
    }
}
