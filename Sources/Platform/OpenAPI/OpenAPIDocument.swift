import Domain
import Foundation

/// The OpenAPI 3.1 document served at `/openapi.json`, built from the registered endpoints
/// and the schemas below.
enum OpenAPIDocument {
    static func build(_ endpoints: [Endpoint]) -> [String: Any] {
        var paths: [String: [String: Any]] = [:]
        for endpoint in endpoints {
            var operation: [String: Any] = [
                "summary": endpoint.summary,
                "tags": [endpoint.tag],
                "operationId": operationID(endpoint),
            ]
            var parameters: [[String: Any]] = endpoint.pathParameters.map { name in
                var parameter: [String: Any] = ["name": name, "in": "path", "required": true, "schema": ["type": "string"]]
                if let example = ExampleIDs.parameter(name) { parameter["example"] = example }
                return parameter
            }
            parameters += endpoint.query.map { query in
                var schema: [String: Any] = ["type": query.type]
                // A boolean's values are its type; an enum of the strings "true"/"false" would contradict it.
                if let values = query.values, query.type == "string" { schema["enum"] = values }
                if let format = query.format { schema["format"] = format }
                var parameter: [String: Any] = ["name": query.name, "in": "query", "required": false, "description": query.description, "schema": schema]
                if query.format == "uuid" || query.format == nil, query.values == nil, let example = ExampleIDs.parameter(query.name) { parameter["example"] = example }
                return parameter
            }
            if endpoint.idempotent {
                parameters.append(["name": "Idempotency-Key", "in": "header", "required": false, "schema": ["type": "string", "maxLength": 200],
                                   "description": "Retrying with the same key and body within 24 h returns the first response without a second write."])
            }
            if endpoint.conditional {
                parameters.append(["name": "If-Match", "in": "header", "required": false, "schema": ["type": "string"],
                                   "description": "The ETag last read; a stale one is answered 412."])
            }
            parameters.append(["name": "X-Request-Id", "in": "header", "required": false, "schema": ["type": "string"],
                               "description": "Kept when it is 1–128 of A–Z a–z 0–9 . _ -; otherwise the server makes one. Echoed in the response."])
            operation["parameters"] = parameters
            if let request = endpoint.request {
                var media: [String: Any] = ["schema": ref(request)]
                if let example = endpoint.example, let value = try? JSONSerialization.jsonObject(with: Data(example.utf8)) { media["example"] = value }
                operation["requestBody"] = ["required": true, "content": ["application/json": media]]
            }
            var responses: [String: Any] = [:]
            var success: [String: Any] = ["description": endpoint.success == 201 ? "Created" : "OK"]
            if let response = endpoint.response {
                var content: [String: Any] = ["application/json": ["schema": ref(response)]]
                // Reports that also come as a spreadsheet (`?format=csv` or `Accept: text/csv`).
                if endpoint.query.contains(where: { $0.name == "format" && $0.values?.contains("csv") == true }) {
                    content["text/csv"] = ["schema": ["type": "string"]]
                }
                success["content"] = content
            }
            responses[String(endpoint.success)] = success
            if endpoint.idempotent && endpoint.success == 201 {
                var existing = success
                existing["description"] = "Already exists with the same content"
                responses["200"] = existing
            }
            var errors = ["400", "422", "503", "504"]
            if endpoint.authenticated { errors += ["401", "403", "404"] }
            // A change can meet a record in a state that refuses it (a cycle not yet open, a code taken).
            if endpoint.method == .post || endpoint.method == .patch || endpoint.method == .put { errors.append("409") }
            if endpoint.conditional { errors.append("412") }
            if endpoint.request != nil { errors.append("413") }
            for status in errors { responses[status] = ["$ref": "#/components/responses/Problem"] }
            operation["responses"] = responses
            if endpoint.authenticated { operation["security"] = [["bearer": [String]()]] } else { operation["security"] = [[String: Any]]() }
            paths[endpoint.path, default: [:]][endpoint.method.rawValue.lowercased()] = operation
        }
        return [
            "openapi": "3.1.0",
            "info": [
                "title": "Sites platform API",
                "version": "1",
                "description": "Service management across hospitals, residences and government service centers. Errors are RFC 9457 problem+json with a stable `code`.",
            ],
            "servers": [["url": "/"]],
            "paths": paths,
            "components": [
                "securitySchemes": ["bearer": ["type": "http", "scheme": "bearer", "description": "A token from `platform-admin token issue`."]],
                "responses": ["Problem": ["description": "An error", "content": ["application/problem+json": ["schema": ref("Problem")]]]],
                "schemas": acceptingNull(OpenAPISchemas.all, requests: endpoints.compactMap(\.request)),
            ],
        ]
    }

    static func ref(_ name: String) -> [String: Any] { ["$ref": "#/components/schemas/\(name)"] }

    /// The schemas with every optional property of a request body (and of the objects it
    /// holds) also accepting `null`: the server reads an explicit `null` as "not given", and a
    /// document that said otherwise would refuse what the server accepts.
    static func acceptingNull(_ schemas: [String: Any], requests: [String]) -> [String: Any] {
        var names = Set(requests), pending = requests
        while let name = pending.popLast() {
            let properties = ((schemas[name] as? [String: Any])?["properties"] as? [String: Any]) ?? [:]
            for case let property as [String: Any] in properties.values {
                let items = property["items"] as? [String: Any]
                for case let reference as String in [property["$ref"], items?["$ref"]] {
                    let target = String(reference.split(separator: "/").last ?? "")
                    if names.insert(target).inserted { pending.append(target) }
                }
            }
        }
        var result = schemas
        for name in names {
            guard var schema = result[name] as? [String: Any], var properties = schema["properties"] as? [String: Any] else { continue }
            let required = Set(schema["required"] as? [String] ?? [])
            for (key, value) in properties where !required.contains(key) {
                guard var property = value as? [String: Any] else { continue }
                if property["$ref"] != nil {
                    property = ["anyOf": [property, ["type": "null"]]]
                } else if let type = property["type"] as? String {
                    property["type"] = [type, "null"]
                    if let values = property["enum"] as? [Any] { property["enum"] = values + [NSNull()] }
                }
                properties[key] = property
            }
            schema["properties"] = properties
            result[name] = schema
        }
        return result
    }

    static func operationID(_ endpoint: Endpoint) -> String {
        let words = endpoint.path.split(separator: "/").filter { $0 != "api" && $0 != "v1" }.map { part -> String in
            let word = part.hasPrefix("{") ? "By" + part.dropFirst().dropLast().prefix(1).uppercased() + part.dropFirst(2).dropLast() : String(part)
            return word.split(separator: "-").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
        }
        return endpoint.method.rawValue.lowercased() + words.joined()
    }

    static func json(_ endpoints: [Endpoint]) throws -> Data {
        try JSONSerialization.data(withJSONObject: build(endpoints), options: [.sortedKeys, .withoutEscapingSlashes])
    }
}
