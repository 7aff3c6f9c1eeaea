import Domain
import Foundation
import HTTPTypes
import Hummingbird
import Postgres

/// One route as the API contract describes it.
public struct Endpoint: Sendable {
    public struct Query: Sendable {
        public var name: String
        /// JSON schema type: string, integer, boolean.
        public var type: String
        public var description: String
        public var values: [String]?
        /// JSON schema format of a string (`uuid`, `date`, `date-time`).
        public var format: String?

        public init(_ name: String, _ type: String = "string", _ description: String, values: [String]? = nil, format: String? = nil) {
            self.name = name
            self.type = type
            self.description = description
            self.values = values
            self.format = format
        }
    }

    public var method: HTTPRequest.Method
    /// The path template, `{name}` for parameters.
    public var path: String
    public var summary: String
    public var tag: String
    /// Schema names (see `OpenAPIDocument.schemas`) of the request body and success response.
    public var request: String?
    public var response: String?
    public var success: Int
    public var query: [Query]
    /// Accepts `Idempotency-Key` (creating POSTs).
    public var idempotent: Bool
    /// Accepts `If-Match` and returns `ETag` (changes of versioned records).
    public var conditional: Bool
    public var authenticated: Bool
    /// A valid request body (JSON text), documented as the body's example. Ids in it are the
    /// demo group's (`ExampleIDs`), so clients and the contract fuzzer can send it as it is.
    public var example: String?

    public init(
        _ method: HTTPRequest.Method, _ path: String, summary: String, tag: String, request: String? = nil, response: String? = nil,
        success: Int = 200, query: [Query] = [], idempotent: Bool = false, conditional: Bool = false, authenticated: Bool = true, example: String? = nil
    ) {
        self.method = method
        self.path = path
        self.summary = summary
        self.tag = tag
        self.request = request
        self.response = response
        self.success = success
        self.query = query
        self.idempotent = idempotent
        self.conditional = conditional
        self.authenticated = authenticated
        self.example = example
    }

    public var pathParameters: [String] {
        path.split(separator: "/").filter { $0.hasPrefix("{") && $0.hasSuffix("}") }.map { String($0.dropFirst().dropLast()) }
    }
}

/// Registers routes with Hummingbird and records them for `/openapi.json`, so the contract is
/// written next to the handler it describes. Every API route goes through here.
struct APIRoutes {
    private let open: Router<PlatformRequestContext>
    private let authenticated: RouterGroup<PlatformRequestContext>
    private(set) var endpoints: [Endpoint] = []

    init(router: Router<PlatformRequestContext>, authentication: AuthenticationMiddleware) {
        self.open = router
        self.authenticated = router.group().add(middleware: authentication)
    }

    mutating func add(_ endpoint: Endpoint, _ handler: @escaping @Sendable (Request, PlatformRequestContext) async throws -> Response) {
        endpoints.append(endpoint)
        let path = RouterPath(endpoint.path)
        if endpoint.authenticated {
            authenticated.on(path, method: endpoint.method, use: handler)
        } else {
            open.on(path, method: endpoint.method, use: handler)
        }
    }
}

extension PlatformRequestContext {
    /// A path parameter, which the router guarantees is present for the route.
    func parameter(_ name: String) throws -> String {
        guard let value = parameters.get(name) else {
            throw Problem(status: .notFound, code: "http.404", detail: "Not Found")
        }
        return value
    }

    /// A path parameter that must be a UUID; anything else is 404 (no such record).
    func uuidParameter(_ name: String, resource: String) throws -> UUID {
        guard let id = UUID(text: try parameter(name)) else {
            throw Problem(status: .notFound, code: "\(resource).not_found", detail: "no \(resource) with id \(try parameter(name))")
        }
        return id
    }
}
