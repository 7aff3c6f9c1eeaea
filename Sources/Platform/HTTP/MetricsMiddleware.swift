import Domain
import Hummingbird
import Synchronization

/// Counts and times every request by its route template (`/api/v1/sites/{siteCode}/staff/{id}`,
/// never the concrete path, so ids do not explode the label set) and status.
struct MetricsMiddleware: RouterMiddleware {
    let metrics: PlatformMetrics

    func handle(_ request: Request, context: PlatformRequestContext, next: (Request, PlatformRequestContext) async throws -> Response) async throws -> Response {
        let started = ContinuousClock.now
        let response = try await next(request, context)
        let route = context.endpointPath.map(Self.template) ?? "unmatched"
        metrics.recordRequest(method: request.method.rawValue, route: route, status: Int(response.status.code), duration: ContinuousClock.now - started)
        return response
    }

    /// Hummingbird writes parameters as `:name`; Prometheus users expect `{name}`. Routes are
    /// few and fixed, so each is rewritten once.
    static func template(_ path: String) -> String {
        if let known = templates.withLock({ $0[path] }) { return known }
        let template = rewrite(path)
        templates.withLock { $0[path] = template }
        return template
    }

    private static let templates = Mutex<[String: String]>([:])

    private static func rewrite(_ path: String) -> String {
        path.split(separator: "/", omittingEmptySubsequences: false).map { $0.hasPrefix(":") ? "{\($0.dropFirst())}" : String($0) }.joined(separator: "/")
    }
}
