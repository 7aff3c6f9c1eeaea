import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
@testable import Platform
import TestSupport
import Testing

@Suite("Every route follows the API conventions")
struct APIConventionsTests {
    @Test func apiRoutesNeedAValidBearerToken() async throws {
        try await APIFixture.with { fixture in
            try await PlatformApplication.build(fixture.configuration, logger: quietLogger).test(.live) { client in
                let missing = try await client.call(.get, "/api/v1/sites/H01", token: nil)
                #expect(missing.status == .unauthorized && missing.code == "auth.required")
                #expect(missing.headers[.contentType] == "application/problem+json")
                let malformed = try await client.call(.get, "/api/v1/sites/H01", token: "Basic abc")
                #expect(malformed.status == .unauthorized && malformed.code == "auth.malformed")
                let unknown = try await client.call(.get, "/api/v1/sites/H01", token: "Bearer pt_nope")
                #expect(unknown.status == .unauthorized && unknown.code == "auth.invalid_token")
                let ok = try await client.call(.get, "/api/v1/sites/H01", token: fixture.bearer("h01.agent"))
                #expect(ok.status == .ok && ok.json["code"] as? String == "H01")
                #expect(ok.headers[.eTag] == "\"1\"")
            }
        }
    }

    @Test func requestIDsAreEchoedOrGenerated() async throws {
        try await APIFixture.with { fixture in
            try await PlatformApplication.build(fixture.configuration, logger: quietLogger).test(.live) { client in
                let given = try await client.call(.get, "/healthz", token: nil, headers: [.requestID: "trace-42.a_b"])
                #expect(given.headers[.requestID] == "trace-42.a_b")
                let hostile = try await client.call(.get, "/api/v1/sites/H01", token: nil, headers: [.requestID: "<script>"])
                #expect(hostile.headers[.requestID]?.count == 32)
                #expect(hostile.headers[.requestID] != "<script>")
                let made = try await client.call(.get, "/healthz", token: nil).headers[.requestID]
                let next = try await client.call(.get, "/healthz", token: nil).headers[.requestID]
                #expect(made != nil && next != nil && made != next)
            }
        }
        // Made ids are 32 lower-case hex digits, acceptable if sent back, and never repeat.
        let ids = (0..<10_000).map { _ in RequestIDMiddleware.generate() }
        #expect(Set(ids).count == ids.count)
        #expect(ids.allSatisfy { $0.utf8.count == 32 && $0.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) } })
        #expect(ids.allSatisfy(RequestIDMiddleware.isAcceptable))
        // One process prefix; the counted half does not count up in plain sight.
        #expect(Set(ids.map { $0.prefix(16) }).count == 1)
        let counted = ids.prefix(3).compactMap { UInt64($0.suffix(16), radix: 16) }
        #expect(counted.count == 3 && !(counted[1] &- counted[0] == 1 && counted[2] &- counted[1] == 1))
    }

    @Test func aKnownPathWithAnotherMethodIs405WithAllow() async throws {
        try await APIFixture.with { fixture in
            try await PlatformApplication.build(fixture.configuration, logger: quietLogger).test(.live) { client in
                let trace = try await client.call(.trace, "/healthz", token: nil)
                #expect(trace.status == .methodNotAllowed && trace.headers[.allow] == "GET" && trace.code == "request.method_not_allowed")
                let delete = try await client.call(.delete, "/api/v1/sites/H01/tickets", token: fixture.bearer("h01.agent"))
                #expect(delete.status == .methodNotAllowed && delete.headers[.allow] == "GET, POST")
                #expect(delete.headers[.contentType] == "application/problem+json")
                let nowhere = try await client.call(.get, "/api/v1/nowhere", token: fixture.bearer("h01.agent"))
                #expect(nowhere.status == .notFound)
            }
        }
    }

    @Test func anotherSitesCodeIdsAndCursorsAreNotFound() async throws {
        try await APIFixture.with { fixture in
            let r01Engineering = try await fixture.departmentID(fixture.r01, "engineering")
            try await PlatformApplication.build(fixture.configuration, logger: quietLogger).test(.live) { client in
                let manager = fixture.bearer("h01.manager")
                for uri in ["/api/v1/sites/R01", "/api/v1/sites/r01/departments", "/api/v1/sites/R01/staff", "/api/v1/sites/R01/audit", "/api/v1/sites/X99"] {
                    let response = try await client.call(.get, uri, token: manager)
                    #expect(response.status == .notFound && response.code == "site.not_found", "\(uri)")
                }
                let foreign = try await client.call(.get, "/api/v1/sites/H01/departments/\(r01Engineering.uuidString)", token: manager)
                #expect(foreign.status == .notFound && foreign.code == "department.not_found")
                let patch = try await client.call(.patch, "/api/v1/sites/H01/departments/\(r01Engineering.uuidString)", token: manager, json: #"{"name":"taken"}"#)
                #expect(patch.status == .notFound)
                let deactivate = try await client.call(.post, "/api/v1/sites/H01/departments/\(r01Engineering.uuidString)/deactivate", token: manager)
                #expect(deactivate.status == .notFound)
                let filtered = try await client.call(.get, "/api/v1/sites/H01/staff?department=\(r01Engineering.uuidString)", token: manager)
                #expect(filtered.status == .ok && filtered.items.isEmpty)
                // A cursor from R01's listing is refused at H01.
                let r01Page = try await client.call(.get, "/api/v1/sites/R01/departments?limit=2", token: fixture.bearer("r01.manager"))
                let cursor = try #require(r01Page.json["nextCursor"] as? String)
                let reused = try await client.call(.get, "/api/v1/sites/H01/departments?cursor=\(cursor)", token: manager)
                #expect(reused.status == .unprocessableContent && reused.code == "request.invalid_cursor")
            }
            #expect(try await fixture.count("SELECT count(*) FROM departments WHERE site_id = $1 AND name = 'taken'", [fixture.r01.id]) == 0)
            #expect(try await fixture.count("SELECT count(*) FROM departments WHERE site_id = $1 AND NOT active", [fixture.r01.id]) == 0)
        }
    }

    @Test func rolesDecideWhoMayChangeWhat() async throws {
        try await APIFixture.with { fixture in
            try await PlatformApplication.build(fixture.configuration, logger: quietLogger).test(.live) { client in
                let body = #"{"code":"laundry","name":"洗衣房","kind":"other"}"#
                for user in ["h01.agent", "h01.staff", "hq.analyst"] {
                    let response = try await client.call(.post, "/api/v1/sites/H01/departments", token: fixture.bearer(user), json: body)
                    #expect(response.status == .forbidden && response.code == "auth.forbidden", "\(user)")
                }
                for (user, code) in [("h01.manager", "laundry"), ("east", "laundry2"), ("hq.admin", "laundry3")] {
                    let response = try await client.call(.post, "/api/v1/sites/H01/departments", token: fixture.bearer(user), json: body.replacingOccurrences(of: "laundry", with: code))
                    #expect(response.status == .created, "\(user): \(response.body)")
                }
                let analystReads = try await client.call(.get, "/api/v1/sites/R01/departments", token: fixture.bearer("hq.analyst"))
                #expect(analystReads.status == .ok && analystReads.items.count == 6)
                let siteList = try await client.call(.get, "/api/v1/hq/sites", token: fixture.bearer("h01.manager"))
                #expect(siteList.status == .forbidden)
                let regional = try await client.call(.get, "/api/v1/hq/sites", token: fixture.bearer("east"))
                #expect(regional.items.map { $0["code"] as? String } == ["H01"])
                let createSite = try await client.call(.post, "/api/v1/hq/sites", token: fixture.bearer("hq.analyst"), json: #"{"code":"G01","name":"政务中心","kind":"government_service_center"}"#)
                #expect(createSite.status == .forbidden)
            }
            #expect(try await fixture.count("SELECT count(*) FROM departments WHERE code LIKE 'laundry%'") == 3)
        }
    }

    @Test func malformedAndHostileBodiesAre4xxAndWriteNothing() async throws {
        try await APIFixture.with { fixture in
            let before = try await fixture.count("SELECT count(*) FROM departments")
            try await PlatformApplication.build(fixture.configuration, logger: quietLogger).test(.live) { client in
                let manager = fixture.bearer("h01.manager")
                let cases: [(String, HTTPResponse.Status, String, String?)] = [
                    (#"{"code":"x","name":"#, .badRequest, "request.malformed_json", nil),
                    (#"[1,2]"#, .unprocessableContent, "request.invalid", nil),
                    (#"{"code":"laundry","name":"洗衣房","kind":"other","colour":"red"}"#, .unprocessableContent, "request.unknown_field", "colour"),
                    (#"{"code":42,"name":"洗衣房","kind":"other"}"#, .unprocessableContent, "request.invalid", "code"),
                    (#"{"code":"laundry","name":"洗衣房","kind":"kitchen"}"#, .unprocessableContent, "request.invalid", "kind"),
                    (#"{"code":"laundry","kind":"other"}"#, .unprocessableContent, "request.missing_field", "name"),
                    (#"{"code":"Bad Code!","name":"","kind":"other"}"#, .unprocessableContent, "request.invalid", "code"),
                    (#"{"code":"engineering","name":"重复","kind":"engineering"}"#, .conflict, "department.code_taken", "code"),
                    ("{\"code\":\"big\",\"name\":\"" + String(repeating: "x", count: 300_000) + "\",\"kind\":\"other\"}", .contentTooLarge, "request.too_large", nil),
                ]
                for (body, status, code, field) in cases {
                    let response = try await client.call(.post, "/api/v1/sites/H01/departments", token: manager, json: body)
                    #expect(response.status == status, "\(body.prefix(60)): \(response.body.prefix(200))")
                    #expect(response.code == code, "\(body.prefix(60))")
                    if let field { #expect(response.fields.contains(field), "\(body.prefix(60)): \(response.fields)") }
                    #expect(response.headers[.contentType] == "application/problem+json")
                }
                let staffCases: [(String, String)] = [
                    (#"{"employeeNo":"E1","name":"张三","departmentId":"not-a-uuid","hireDate":"2026-01-05"}"#, "departmentId"),
                    (#"{"employeeNo":"E1","name":"张三","departmentId":"00000000-0000-0000-0000-000000000000","hireDate":"2026-02-30"}"#, "hireDate"),
                    (#"{"employeeNo":"E1","name":"张三","departmentId":"00000000-0000-0000-0000-000000000000","hireDate":"2026-01-05","isVeteran":"yes"}"#, "isVeteran"),
                ]
                for (body, field) in staffCases {
                    let response = try await client.call(.post, "/api/v1/sites/H01/staff", token: manager, json: body)
                    #expect(response.status == .unprocessableContent && response.fields.contains(field), "\(response.body)")
                }
                let badQuery = try await client.call(.get, "/api/v1/sites/H01/departments?limit=500", token: manager)
                #expect(badQuery.status == .unprocessableContent && badQuery.fields == ["limit"])
                let badStatus = try await client.call(.get, "/api/v1/sites/H01/staff?status=gone", token: manager)
                #expect(badStatus.status == .unprocessableContent && badStatus.fields == ["status"])
                let badID = try await client.call(.get, "/api/v1/sites/H01/staff/123", token: manager)
                #expect(badID.status == .notFound && badID.code == "staff.not_found")
            }
            #expect(try await fixture.count("SELECT count(*) FROM departments") == before)
            #expect(try await fixture.count("SELECT count(*) FROM staff") == 0)
            #expect(try await fixture.count("SELECT count(*) FROM audit_log") == 0)
        }
    }

    @Test func idempotentRetriesCreateOneRow() async throws {
        try await APIFixture.with { fixture in
            try await PlatformApplication.build(fixture.configuration, logger: quietLogger).test(.live) { client in
                let manager = fixture.bearer("h01.manager")
                let body = #"{"code":"laundry","name":"洗衣房","kind":"other"}"#
                let first = try await client.call(.post, "/api/v1/sites/H01/departments", token: manager, json: body, headers: [.idempotencyKey: "key-1"])
                let retry = try await client.call(.post, "/api/v1/sites/H01/departments", token: manager, json: body, headers: [.idempotencyKey: "key-1"])
                #expect(first.status == .created && retry.status == .created)
                #expect(first.json["id"] as? String == retry.json["id"] as? String)
                #expect(retry.headers[.replayed] == "true" && first.headers[.replayed] == nil)
                let different = try await client.call(.post, "/api/v1/sites/H01/departments", token: manager, json: body.replacingOccurrences(of: "洗衣房", with: "被服中心"), headers: [.idempotencyKey: "key-1"])
                #expect(different.status == .unprocessableContent && different.code == "request.idempotency_key_reused")
                // Concurrent duplicates: one row, every answer names it.
                let concurrentBody = #"{"code":"linen","name":"被服中心","kind":"other"}"#
                let ids = try await withThrowingTaskGroup(of: String?.self) { group in
                    for _ in 0..<6 {
                        group.addTask { try await client.call(.post, "/api/v1/sites/H01/departments", token: manager, json: concurrentBody, headers: [.idempotencyKey: "key-2"]).json["id"] as? String }
                    }
                    return try await group.reduce(into: [String?]()) { $0.append($1) }
                }
                #expect(Set(ids).count == 1 && ids.first != nil)
            }
            #expect(try await fixture.count("SELECT count(*) FROM departments WHERE code IN ('laundry', 'linen')") == 2)
            #expect(try await fixture.count("SELECT count(*) FROM audit_log WHERE action = 'department.create'") == 2)
        }
    }

    @Test func staleIfMatchIsRefusedWith412() async throws {
        try await APIFixture.with { fixture in
            let id = try await fixture.departmentID(fixture.h01, "cleaning")
            try await PlatformApplication.build(fixture.configuration, logger: quietLogger).test(.live) { client in
                let manager = fixture.bearer("h01.manager")
                let uri = "/api/v1/sites/H01/departments/\(id.uuidString)"
                let read = try await client.call(.get, uri, token: manager)
                let etag = try #require(read.headers[.eTag])
                let first = try await client.call(.patch, uri, token: manager, json: #"{"name":"环境服务部"}"#, headers: [.ifMatch: etag])
                #expect(first.status == .ok && first.headers[.eTag] == "\"2\"")
                let stale = try await client.call(.patch, uri, token: manager, json: #"{"name":"保洁组"}"#, headers: [.ifMatch: etag])
                #expect(stale.status == .preconditionFailed && stale.code == "resource.version_mismatch")
                let garbage = try await client.call(.patch, uri, token: manager, json: #"{"name":"保洁组"}"#, headers: [.ifMatch: "yesterday"])
                #expect(garbage.status == .badRequest)
                let final = try await client.call(.get, uri, token: manager)
                #expect(final.json["name"] as? String == "环境服务部")
            }
        }
    }

    @Test func pagesFollowOneAnotherWithoutGapsOrRepeats() async throws {
        try await APIFixture.with { fixture in
            try await PlatformApplication.build(fixture.configuration, logger: quietLogger).test(.live) { client in
                let manager = fixture.bearer("h01.manager")
                var seen: [String] = []
                var cursor: String?
                repeat {
                    let page = try await client.call(.get, "/api/v1/sites/H01/departments?limit=3" + (cursor.map { "&cursor=\($0)" } ?? ""), token: manager)
                    #expect(page.status == .ok)
                    #expect(page.items.count <= 3)
                    seen += page.items.compactMap { $0["code"] as? String }
                    cursor = page.json["nextCursor"] as? String
                } while cursor != nil
                #expect(seen == seen.sorted() && Set(seen).count == seen.count && seen.count == 7)
            }
        }
    }

    @Test func metricsCountRequestsByRouteTemplate() async throws {
        try await APIFixture.with { fixture in
            try await PlatformApplication.build(fixture.configuration, logger: quietLogger).test(.live) { client in
                _ = try await client.call(.get, "/api/v1/sites/H01/departments", token: fixture.bearer("h01.manager"))
                _ = try await client.call(.get, "/api/v1/sites/H01/departments", token: nil)
                let metrics = try await client.call(.get, "/metrics", token: nil)
                #expect(metrics.status == .ok)
                #expect(metrics.body.contains(#"http_requests_total{method="GET",route="/api/v1/sites/{siteCode}/departments",status="200"} 1"#), "\(metrics.body.prefix(2000))")
                #expect(metrics.body.contains(#"status="401""#))
                #expect(metrics.body.contains("http_request_duration_seconds_bucket"))
                #expect(metrics.body.contains("db_pool_idle_connections"))
            }
        }
    }
}
