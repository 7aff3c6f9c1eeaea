import Domain
import Foundation
import Postgres
import Prometheus
import Synchronization

/// The server's Prometheus metrics: requests by route template and status, their latency,
/// the pool's connections, and database errors by SQLSTATE.
///
/// Kept in a registry of its own (not the process-wide MetricsSystem), so that several
/// applications in one test process do not share counters.
public final class PlatformMetrics: Sendable {
    public let registry = PrometheusCollectorRegistry()
    let pool: PostgresPool
    let inUse: Gauge
    let idle: Gauge
    let waiting: Gauge

    static let latencyBuckets: [Duration] = [
        .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
        .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2), .seconds(5),
    ]

    public init(pool: PostgresPool) {
        self.pool = pool
        inUse = registry.makeGauge(descriptor: .init(metricName: "db_pool_in_use", unitName: "connections", helpText: "Pooled connections lent out"))
        idle = registry.makeGauge(descriptor: .init(metricName: "db_pool_idle", unitName: "connections", helpText: "Pooled connections open and free"))
        waiting = registry.makeGauge(descriptor: .init(metricName: "db_pool_waiting", unitName: "requests", helpText: "Requests waiting for a connection"))
    }

    /// Collectors per label set, so the hot path is one dictionary look-up, not a registry
    /// look-up with label arrays.
    private let requestCollectors = Mutex<[String: (counter: Counter, histogram: DurationHistogram)]>([:])

    func recordRequest(method: String, route: String, status: Int, duration: Duration) {
        let key = "\(method) \(route) \(status)"
        let collectors = requestCollectors.withLock { cache in
            if let hit = cache[key] { return hit }
            let made = (
                counter: registry.makeCounter(
                    descriptor: .init(metricName: "http_requests", unitName: "total", helpText: "Requests answered"),
                    labels: [("method", method), ("route", route), ("status", String(status))]),
                histogram: registry.makeDurationHistogram(
                    descriptor: .init(metricName: "http_request_duration", unitName: "seconds", helpText: "Time to answer a request"),
                    labels: [("method", method), ("route", route)], buckets: Self.latencyBuckets))
            cache[key] = made
            return made
        }
        collectors.counter.increment()
        collectors.histogram.record(duration)
    }

    func recordDatabaseError(_ error: PostgresError) {
        registry.makeCounter(
            descriptor: .init(metricName: "db_errors", unitName: "total", helpText: "Database errors by SQLSTATE (or client-side kind)"),
            labels: [("sqlstate", error.code?.rawValue ?? error.kind.name)]
        ).increment()
    }

    /// The exposition text, with the pool gauges read now.
    public func scrape() async -> String {
        let statistics = await pool.statistics
        inUse.set(Double(statistics.inUse))
        idle.set(Double(statistics.idle))
        waiting.set(Double(statistics.waiting))
        return registry.emitToString()
    }
}
