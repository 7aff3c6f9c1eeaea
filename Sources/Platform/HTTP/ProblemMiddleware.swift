import Domain
import Hummingbird
import Logging
import Postgres

/// Renders every error that escapes a route as problem+json, counts database errors by
/// SQLSTATE, and logs the unexpected ones.
struct ProblemMiddleware: RouterMiddleware {
    let metrics: PlatformMetrics?

    func handle(_ request: Request, context: PlatformRequestContext, next: (Request, PlatformRequestContext) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            // The client went away and the request was cancelled (its statement with it): there
            // is nobody to answer; 499 (nginx's "client closed request") keeps it apart in the metrics.
            if Task.isCancelled && (error is CancellationError || (error as? PostgresError)?.code == .queryCanceled) {
                context.logger.info("client went away; request cancelled", metadata: ["route": "\(context.endpointPath ?? request.uri.path)"])
                return try Problem(status: .init(code: 499, reasonPhrase: "Client Closed Request"), code: "request.client_closed",
                                   detail: "the client closed the connection before the answer").response(from: request, context: context)
            }
            if let database = error as? PostgresError { metrics?.recordDatabaseError(database) }
            let problem = Problem.from(error)
            if problem.statusCode == 504 {
                // A statement ran past its timeout and the server cancelled it: name the route, so
                // that the slow query can be found.
                context.logger.warning("request cancelled by the statement timeout", metadata: [
                    "code": "\(problem.code)", "route": "\(context.endpointPath ?? request.uri.path)", "method": "\(request.method)",
                ])
            } else if problem.statusCode == 503 {
                context.logger.warning("request refused: \(problem.detail)", metadata: ["code": "\(problem.code)"])
            } else if problem.statusCode >= 500 {
                context.logger.error("request failed", metadata: ["error": "\(String(reflecting: error))", "code": "\(problem.code)"])
            }
            return try problem.response(from: request, context: context)
        }
    }
}
