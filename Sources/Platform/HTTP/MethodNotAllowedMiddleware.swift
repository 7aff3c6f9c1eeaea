import Domain
import Hummingbird

/// Added after every route, so it sits only in front of the router's not-found answer: a path
/// that exists with other methods answers 405 with `Allow`, not 404.
struct MethodNotAllowedMiddleware: RouterMiddleware {
    private let templates: [(segments: [Substring], methods: [String])]

    init(_ endpoints: [Endpoint]) {
        var grouped: [String: [String]] = [:]
        for endpoint in endpoints { grouped[endpoint.path, default: []].append(endpoint.method.rawValue) }
        templates = grouped.map { path, methods in (path.split(separator: "/"), methods.sorted()) }
    }

    /// The methods the documented paths matching `path` take.
    func allowed(_ path: String) -> [String] {
        let segments = path.split(separator: "/")
        let matches = templates.filter { template in
            template.segments.count == segments.count
                && zip(template.segments, segments).allSatisfy { pattern, segment in pattern.first == "{" || pattern == segment }
        }
        return Array(Set(matches.flatMap(\.methods))).sorted()
    }

    func handle(_ request: Request, context: PlatformRequestContext, next: (Request, PlatformRequestContext) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            let allowed = allowed(request.uri.path)
            guard !allowed.isEmpty else { throw error }
            var response = try Problem(status: .methodNotAllowed, code: "request.method_not_allowed",
                                       detail: "\(request.method) is not allowed here; use \(allowed.joined(separator: ", "))").response(from: request, context: context)
            response.headers[.allow] = allowed.joined(separator: ", ")
            return response
        }
    }
}
