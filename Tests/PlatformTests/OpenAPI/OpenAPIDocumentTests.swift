import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
@testable import Platform
import Postgres
import TestSupport
import Testing

@Suite("/openapi.json describes exactly the routes the server has")
struct OpenAPIDocumentTests {
    @Test func everyDocumentedOperationIsServedAndEveryRouteIsDocumented() async throws {
        try await APIFixture.with { fixture in
            let (_, endpoints) = try PlatformApplication.router(pool: fixture.platform.platform.pool)
            try await PlatformApplication.build(fixture.configuration, logger: quietLogger).test(.live) { client in
                let response = try await client.call(.get, "/openapi.json", token: nil)
                #expect(response.status == .ok)
                #expect(response.json["openapi"] as? String == "3.1.0")
                let paths = try #require(response.json["paths"] as? [String: [String: Any]])
                var documented: Set<String> = []
                for (path, operations) in paths {
                    for method in operations.keys { documented.insert("\(method.uppercased()) \(path)") }
                }
                let registered = Set(endpoints.map { "\($0.method.rawValue) \($0.path)" })
                #expect(documented == registered)

                // Each documented operation reaches a handler: never the router's own 404 or 405.
                for operation in documented.sorted() {
                    let parts = operation.split(separator: " ", maxSplits: 1).map(String.init)
                    let uri = parts[1].replacingOccurrences(of: "{siteCode}", with: "H01")
                        .replacingOccurrences(of: #"\{[A-Za-z]+\}"#, with: UUID().uuidString, options: .regularExpression)
                    let answer = try await client.call(HTTPRequest.Method(parts[0])!, uri, token: fixture.bearer("hq.admin"), json: parts[0] == "GET" ? nil : "{}")
                    #expect(answer.code != "http.404" && answer.status != .methodNotAllowed, "\(operation) → \(answer.status) \(answer.body.prefix(120))")
                }

                // Every schema a route refers to exists.
                let schemas = try #require((response.json["components"] as? [String: Any])?["schemas"] as? [String: Any])
                for endpoint in endpoints {
                    for name in [endpoint.request, endpoint.response].compactMap({ $0 }) {
                        #expect(schemas[name] != nil, "\(endpoint.path) refers to missing schema \(name)")
                    }
                }
            }
        }
    }

    /// Every documented site route, called by a manager of R01 with H01's code (or with ids
    /// of H01's records under R01's code), answers 404 and changes nothing.
    @Test func noSiteRouteReachesAnotherSite() async throws {
        try await APIFixture.with { fixture in
            let h01Department = try await fixture.departmentID(fixture.h01, "engineering")
            let before = try await fixture.count("SELECT count(*) FROM audit_log")
            let (_, endpoints) = try PlatformApplication.router(pool: fixture.platform.platform.pool)
            let siteRoutes = endpoints.filter { $0.path.contains("{siteCode}") }
            #expect(siteRoutes.count >= 15)
            try await PlatformApplication.build(fixture.configuration, logger: quietLogger).test(.live) { client in
                for endpoint in siteRoutes {
                    let ids = endpoint.path.replacingOccurrences(of: #"\{[a-zA-Z]+Id\}"#, with: h01Department.uuidString, options: .regularExpression)
                        .replacingOccurrences(of: "{calendarCode}", with: "office").replacingOccurrences(of: "{quarter}", with: "2026-Q3")
                    let body: String? = endpoint.request == nil ? nil : "{}"
                    let otherCode = try await client.call(endpoint.method, ids.replacingOccurrences(of: "{siteCode}", with: "H01"), token: fixture.bearer("r01.manager"), json: body)
                    #expect(otherCode.status == .notFound && otherCode.code == "site.not_found", "\(endpoint.method) \(endpoint.path): \(otherCode.status)")
                    if endpoint.path.contains("Id}") {
                        let ownCode = try await client.call(endpoint.method, ids.replacingOccurrences(of: "{siteCode}", with: "R01"), token: fixture.bearer("r01.manager"), json: body)
                        #expect(ownCode.status == .notFound || ownCode.status == .unprocessableContent, "\(endpoint.method) \(endpoint.path): \(ownCode.status) \(ownCode.body.prefix(100))")
                        #expect(ownCode.json["id"] == nil && ownCode.headers[.contentType] == "application/problem+json", "\(endpoint.path) returned a record")
                    }
                }
            }
            #expect(try await fixture.count("SELECT count(*) FROM audit_log") == before)
            #expect(try await fixture.count("SELECT max(version) FROM departments WHERE site_id = $1", [fixture.h01.id]) == 1)
        }
    }

    /// Every route that takes a body refuses broken and hostile ones with a 4xx and writes nothing.
    @Test func everyBodyTakingRouteRefusesHostileBodies() async throws {
        try await APIFixture.with { fixture in
            let (_, endpoints) = try PlatformApplication.router(pool: fixture.platform.platform.pool)
            let before = try await fixture.count("SELECT (SELECT count(*) FROM audit_log) + (SELECT count(*) FROM users) + (SELECT count(*) FROM departments) + (SELECT count(*) FROM staff) + (SELECT count(*) FROM tickets)")
            let hostile = ["", "{", "[]", "null", "42", #"{"unexpected":true}"#, "{\"name\":\"\u{0000}\"}", "{\"x\":\"" + String(repeating: "漏", count: 100_000) + "\"}"]
            try await PlatformApplication.build(fixture.configuration, logger: quietLogger).test(.live) { client in
                for endpoint in endpoints where endpoint.request != nil {
                    let uri = endpoint.path.replacingOccurrences(of: "{siteCode}", with: "H01").replacingOccurrences(of: "{calendarCode}", with: "office")
                        .replacingOccurrences(of: #"\{[a-zA-Z]+\}"#, with: UUID().uuidString, options: .regularExpression)
                    for body in hostile {
                        let answer = try await client.call(endpoint.method, uri, token: fixture.bearer("hq.admin"), json: body)
                        #expect((400..<500).contains(Int(answer.status.code)), "\(endpoint.method) \(endpoint.path) with \(body.prefix(20)): \(answer.status)")
                        #expect(answer.headers[.contentType] == "application/problem+json")
                    }
                }
            }
            #expect(try await fixture.count("SELECT (SELECT count(*) FROM audit_log) + (SELECT count(*) FROM users) + (SELECT count(*) FROM departments) + (SELECT count(*) FROM staff) + (SELECT count(*) FROM tickets)") == before)
        }
    }

    @Test func requestSchemasListExactlyTheFieldsTheDecoderAccepts() throws {
        let schemas = OpenAPISchemas.all
        func properties(_ name: String) -> Set<String> {
            Set(((schemas[name] as? [String: Any])?["properties"] as? [String: Any])?.keys.map { $0 } ?? [])
        }
        #expect(properties("NewSite") == NewSite.knownFields)
        #expect(properties("NewDepartment") == NewDepartment.knownFields)
        #expect(properties("DepartmentChanges") == DepartmentChanges.knownFields)
        #expect(properties("NewStaffMember") == NewStaffMember.knownFields)
        #expect(properties("StaffChanges") == StaffChanges.knownFields)
        #expect(properties("NewTicket") == NewTicket.knownFields)
        #expect(properties("TicketReporter") == TicketReporter.knownFields)
        #expect(properties("TicketMaterial") == TicketMaterial.knownFields)
        #expect(properties("TicketAcceptance") == TicketAcceptance.knownFields)
        #expect(properties("TicketActionBody") == TicketActionBody.knownFields)
        #expect(properties("NewPlace") == NewPlace.knownFields)
        #expect(properties("PlaceChanges") == PlaceChanges.knownFields)
        #expect(properties("NewRepairItem") == NewRepairItem.knownFields)
        #expect(properties("RepairItemChanges") == RepairItemChanges.knownFields)
        #expect(properties("CorrectiveAction") == CorrectiveAction.knownFields)
        #expect(properties("NewServiceItem") == NewServiceItem.knownFields)
        #expect(properties("ServiceItemChanges") == ServiceItemChanges.knownFields)
        #expect(properties("NewServiceWindow") == NewServiceWindow.knownFields)
        #expect(properties("ServiceWindowChanges") == ServiceWindowChanges.knownFields)
        #expect(properties("Applicant") == Applicant.knownFields)
        #expect(properties("HomeVisit") == HomeVisit.knownFields)
        #expect(properties("NewAppointment") == NewAppointment.knownFields)
        #expect(properties("AppointmentActionBody") == AppointmentActionBody.knownFields)
        #expect(properties("NewCertificate") == NewCertificate.knownFields)
        #expect(properties("CertificateChanges") == CertificateChanges.knownFields)
        #expect(properties("NewAssessmentTemplate") == NewAssessmentTemplate.knownFields)
        #expect(properties("AssessmentItem") == AssessmentItem.knownFields)
        #expect(properties("NewAssessmentCycle") == NewAssessmentCycle.knownFields)
        #expect(properties("ScoreSheet") == ScoreSheet.knownFields)
        #expect(properties("BottomFollowUpBody") == BottomFollowUpBody.knownFields)
        #expect(properties("GroupAssessmentTemplate") == GroupAssessmentTemplate.knownFields)
        #expect(properties("NewPost") == NewPost.knownFields)
        #expect(properties("PostChanges") == PostChanges.knownFields)
    }

    /// Client generators name an inline object after its parent and property, which can take
    /// the name of a component (Ticket.followUp became TicketFollowUp and hid that component):
    /// so no schema has an inline object inside it.
    @Test func everyNestedObjectIsANamedComponent() {
        func inline(_ schema: Any, _ path: String, top: Bool) -> [String] {
            guard let schema = schema as? [String: Any] else { return [] }
            var found = !top && schema["properties"] != nil ? [path] : []
            for (name, property) in (schema["properties"] as? [String: Any]) ?? [:] { found += inline(property, "\(path).\(name)", top: false) }
            if let items = schema["items"] { found += inline(items, "\(path)[]", top: false) }
            if let values = schema["additionalProperties"] { found += inline(values, "\(path){}", top: false) }
            return found
        }
        let schemas = OpenAPISchemas.all
        #expect(schemas.count > 80)
        let found = schemas.flatMap { inline($0.value, $0.key, top: true) }
        #expect(found.isEmpty, "inline objects: \(found.sorted())")
    }

    /// Every body a route takes is documented with an example that its own schema accepts,
    /// so that clients and the contract fuzzer can send something valid as it stands.
    @Test func everyRequestBodyHasAnExampleItsSchemaAccepts() async throws {
        let fixture = try await APIFixture.make()
        let (_, endpoints) = try PlatformApplication.router(pool: fixture.platform.platform.pool)
        // The schemas as served: optional request fields also accept null.
        let schemas = try #require((OpenAPIDocument.build(endpoints)["components"] as? [String: Any])?["schemas"] as? [String: Any])
        func problems(_ value: Any, _ schema: [String: Any], _ path: String) -> [String] {
            if let reference = schema["$ref"] as? String {
                guard let target = schemas[String(reference.split(separator: "/").last ?? "")] as? [String: Any] else { return ["\(path): unknown \(reference)"] }
                return problems(value, target, path)
            }
            if let branches = schema["anyOf"] as? [[String: Any]] {
                let found = branches.map { problems(value, $0, path) }
                return found.contains { $0.isEmpty } ? [] : found.flatMap { $0 }
            }
            let types = (schema["type"] as? [String]) ?? [(schema["type"] as? String) ?? "any"]
            if value is NSNull { return types.contains("null") ? [] : ["\(path): null"] }
            if let values = schema["enum"] as? [Any], !values.contains(where: { ($0 as? String) == (value as? String) && value is String }) { return ["\(path): \(value) not in enum"] }
            if let object = value as? [String: Any] {
                guard types.contains("object") else { return ["\(path): an object"] }
                let properties = (schema["properties"] as? [String: Any]) ?? [:]
                var found = ((schema["required"] as? [String]) ?? []).filter { object[$0] == nil }.map { "\(path).\($0) missing" }
                for (key, item) in object {
                    if let property = properties[key] as? [String: Any] { found += problems(item, property, "\(path).\(key)") }
                    else if let values = schema["additionalProperties"] as? [String: Any] { found += problems(item, values, "\(path).\(key)") }
                    else { found.append("\(path).\(key) unknown") }
                }
                return found
            }
            if let array = value as? [Any] {
                guard types.contains("array") else { return ["\(path): an array"] }
                let items = (schema["items"] as? [String: Any]) ?? [:]
                return array.enumerated().flatMap { problems($0.element, items, "\(path)[\($0.offset)]") }
            }
            if let text = value as? String {
                guard types.contains("string") else { return ["\(path): a string"] }
                if let maximum = schema["maxLength"] as? Int, text.count > maximum { return ["\(path): longer than \(maximum)"] }
                switch schema["format"] as? String {
                case "uuid": return UUID(uuidString: text) == nil ? ["\(path): not a UUID"] : []
                case "date": return CalendarDate(text) == nil ? ["\(path): not a date"] : []
                case "date-time": return RFC3339.parse(text) == nil ? ["\(path): not a timestamp"] : []
                default: return []
                }
            }
            if types.contains("boolean"), value is Bool { return [] }
            if let number = value as? NSNumber {
                guard types.contains("number") || (types.contains("integer") && number.doubleValue == number.doubleValue.rounded()) else { return ["\(path): a number"] }
                if let minimum = schema["minimum"] as? Int, number.doubleValue < Double(minimum) { return ["\(path): below \(minimum)"] }
                if let maximum = schema["maximum"] as? Int, number.doubleValue > Double(maximum) { return ["\(path): above \(maximum)"] }
                return []
            }
            return ["\(path): unexpected \(value)"]
        }
        do {
            var checked = 0
            for endpoint in endpoints where endpoint.request != nil {
                let name = try #require(endpoint.request)
                guard let example = endpoint.example else { Issue.record("\(endpoint.method) \(endpoint.path) has no example body"); continue }
                let value = try JSONSerialization.jsonObject(with: Data(example.utf8), options: [.fragmentsAllowed])
                let found = problems(value, OpenAPIDocument.ref(name), endpoint.path)
                #expect(found.isEmpty, "\(endpoint.method) \(endpoint.path): \(found)")
                checked += 1
            }
            #expect(checked >= 40)
            // Refusing an example is the schema test's job; proving that one fails is this one's.
            #expect(!problems(["role": "nobody"], OpenAPIDocument.ref("RoleGrant"), "x").isEmpty)
            #expect(!problems(["code": "x"], OpenAPIDocument.ref("NewPost"), "x").isEmpty)
            // An optional body field also takes null, as the server reads it; a required one does not.
            #expect(problems(["itemId": UUID().uuidString, "start": "2027-01-05T09:00:00+08:00", "channel": "phone",
                              "applicant": ["name": "张", "phone": "139"], "homeVisit": NSNull()], OpenAPIDocument.ref("NewAppointment"), "x").isEmpty)
            #expect(!problems(["itemId": NSNull(), "start": "2027-01-05T09:00:00+08:00", "channel": "phone",
                               "applicant": ["name": "张", "phone": "139"]], OpenAPIDocument.ref("NewAppointment"), "x").isEmpty)
        }
        try await fixture.close()
    }

    /// An enum, UUID, date, timestamp or boolean query parameter sent empty (`?role=`) is
    /// refused, never read as "no filter".
    @Test func typedQueryParametersRefuseAnEmptyValue() async throws {
        try await APIFixture.with { fixture in
            let (_, endpoints) = try PlatformApplication.router(pool: fixture.platform.platform.pool)
            let probes = endpoints.filter { $0.method == .get && !$0.path.contains("Id}") }.flatMap { endpoint in
                endpoint.query.filter { $0.values != nil || $0.format != nil || $0.type == "boolean" }.map { query in
                    endpoint.path.replacingOccurrences(of: "{siteCode}", with: "H01").replacingOccurrences(of: "{calendarCode}", with: "office") + "?\(query.name)="
                }
            }
            try await PlatformApplication.build(fixture.configuration, logger: quietLogger).test(.live) { client in
                for probe in probes {
                    let answer = try await client.call(.get, probe, token: fixture.bearer("hq.admin"))
                    #expect(answer.status == .unprocessableContent, "GET \(probe) → \(answer.status)")
                }
                let role = try await client.call(.get, "/api/v1/sites/H01/users?role=", token: fixture.bearer("h01.manager"))
                #expect(role.status == .unprocessableContent && role.fields == ["role"])
            }
            #expect(probes.count >= 30)
        }
    }
}
