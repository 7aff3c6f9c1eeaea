import Domain
import Hummingbird

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

    /// Hummingbird writes parameters as `:name`; Prometheus users expect `{name}`.
    static func template(_ path: String) -> String {
        path.split(separator: "/", omittingEmptySubsequences: false).map { $0.hasPrefix(":") ? "{\($0.dropFirst())}" : String($0) }.joined(separator: "/")
    }
}
