import Hummingbird
import Logging

/// Renders every error that escapes a route as problem+json, and logs the unexpected ones.
struct ProblemMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            let problem = Problem.from(error)
            if problem.statusCode == 503 {
                context.logger.warning("request refused: \(problem.detail)", metadata: ["code": "\(problem.code)"])
            } else if problem.statusCode >= 500 {
                context.logger.error("request failed", metadata: ["error": "\(String(reflecting: error))", "code": "\(problem.code)"])
            }
            return try problem.response(from: request, context: context)
        }
    }
}
