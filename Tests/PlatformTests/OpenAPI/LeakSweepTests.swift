import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
@testable import Platform
import Postgres
import TestSupport
import Testing

/// Site B (R01) holds one record of every kind; every documented site route is then called
/// by each site role of site A (H01) with B's real ids in the path, B's ids, cursor and text in
/// the query: no answer may carry anything of B's, and none may be a server error. Then the
/// same through SQL as platform_app, with A's settings and with none.
@Suite("Cross-site leak sweep", .serialized)
struct LeakSweepTests {
    static let marker = "乙站机密"

    @Test func nothingOfSiteBReachesSiteAOnAnyRoute() async throws {
        let fixture = try await APIFixture.make()
        _ = try await TicketCast.make(fixture)
        let bStaff = try await fixture.addStaff(fixture.r01, "R900", "\(Self.marker)员工", department: "engineering")
        let bDepartment = try await fixture.departmentID(fixture.r01, "engineering")
        let bPost = try await fixture.platform.platform.pipeline(.operations, [PostgresStatement("SELECT id FROM posts WHERE site_id = $1 LIMIT 1", [fixture.r01.id])])[0][0]
            .decode("id", as: UUID.self)
        let clock = TestClock("2026-11-26T09:00:00+08:00")
        let (_, endpoints) = try PlatformApplication.router(pool: fixture.platform.platform.pool)
        try await PlatformApplication.build(fixture.configuration(clock: clock), logger: quietLogger).test(.live) { client in
            let b = fixture.bearer("r01.manager")
            func post(_ path: String, _ json: String) async throws -> APIResponse {
                let response = try await client.call(.post, "/api/v1/sites/R01/\(path)", token: b, json: json)
                guard (200..<300).contains(Int(response.status.code)) else { throw PostgresError(kind: .client, message: "\(path): \(response.status) \(response.body)") }
                return response
            }
            // One of everything at B.
            var tickets: [String] = []
            for _ in 0..<2 {
                tickets.append(try #require(try await post("tickets", """
                    {"channel":"phone","category":"complaint","causeClass":1,"ownerId":"\(bStaff)","reporter":{"name":"\(Self.marker)","phone":"13912345678"},"description":"\(Self.marker)投诉"}
                    """).json["id"] as? String))
            }
            let number = try #require(try await client.call(.get, "/api/v1/sites/R01/tickets/\(tickets[1])", token: b).json["number"] as? String)
            let nonconformity = try #require(try await client.call(.get, "/api/v1/sites/R01/tickets/\(tickets[1])/nonconformities", token: b).items.first?["id"] as? String)
            let item = try #require(try await post("service-items", #"{"code":"b_item","name":"\#(Self.marker)事项","departmentId":"\#(bDepartment)","durationMinutes":30}"#).json["id"] as? String)
            let window = try #require(try await post("windows", #"{"code":"b_win","name":"\#(Self.marker)窗口","departmentId":"\#(bDepartment)","itemIds":["\#(item)"]}"#).json["id"] as? String)
            let appointment = try #require(try await post("appointments", """
                {"itemId":"\(item)","start":"2026-11-30T09:00:00+08:00","channel":"phone","applicant":{"name":"\(Self.marker)","phone":"13900000000"}}
                """).json["id"] as? String)
            let certificate = try #require(try await post("certificates", """
                {"staffId":"\(bStaff)","type":"electrician","number":"B-SECRET-1","issuedOn":"2022-01-01","expiresOn":"2026-12-01"}
                """).json["id"] as? String)
            let items = #"[{"dimension":"conduct","name":"德","weight":25,"scaleMax":5},{"dimension":"ability","name":"能","weight":25,"scaleMax":5},"#
                + #"{"dimension":"diligence","name":"勤","weight":25,"scaleMax":5},{"dimension":"results","name":"绩","weight":25,"scaleMax":5}]"#
            let template = try #require(try await post("assessment-templates", #"{"code":"b_t","name":"\#(Self.marker)考核","items":\#(items)}"#).json["id"] as? String)
            let cycle = try #require(try await post("assessment-cycles", """
                {"templateId":"\(template)","name":"\(Self.marker)周期","period":"monthly","startsOn":"2026-11-01","endsOn":"2026-11-30"}
                """).json["id"] as? String)
            let userID = try #require(try await client.call(.get, "/api/v1/sites/R01/users", token: b).items.first?["userId"] as? String)
            let cursor = try #require(try await client.call(.get, "/api/v1/sites/R01/tickets?limit=1", token: b).json["nextCursor"] as? String)

            let pathIDs: [String: String] = [
                "ticketId": tickets[1], "nonconformityId": nonconformity, "appointmentId": appointment, "itemId": item, "windowId": window,
                "certificateId": certificate, "cycleId": cycle, "staffId": bStaff.uuidString, "departmentId": bDepartment.uuidString, "userId": userID,
                "calendarCode": "office",
            ]
            let queryValues: [String: String] = [
                "department": bDepartment.uuidString, "owner": bStaff.uuidString, "handler": bStaff.uuidString, "staff": bStaff.uuidString,
                "item": item, "window": window, "post": bPost.uuidString, "cursor": cursor,
                "q": Self.marker.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed) ?? "", "month": "2026-11", "expiringWithin": "60d",
            ]
            let secrets = [tickets[0], tickets[1], number, nonconformity, item, window, appointment, certificate, template, cycle, bStaff.uuidString,
                           bDepartment.uuidString, Self.marker, "B-SECRET-1", fixture.r01.id.uuidString]
            var calls = 0
            for endpoint in endpoints where endpoint.path.contains("{siteCode}") {
                for role in ["h01.manager", "h01.agent", "h01.staff"] {
                    for siteCode in ["H01", "R01"] {
                        var path = endpoint.path.replacingOccurrences(of: "{siteCode}", with: siteCode)
                        for parameter in endpoint.pathParameters where parameter != "siteCode" {
                            path = path.replacingOccurrences(of: "{\(parameter)}", with: pathIDs[parameter] ?? UUID().uuidString)
                        }
                        let query = endpoint.query.compactMap { parameter in queryValues[parameter.name].map { "\(parameter.name)=\($0)" } }
                        if !query.isEmpty { path += "?" + query.joined(separator: "&") }
                        let answer = try await client.call(endpoint.method, path, token: fixture.bearer(role), json: endpoint.request == nil ? nil : "{}")
                        calls += 1
                        #expect(Int(answer.status.code) < 500, "\(role) \(endpoint.method) \(path): \(answer.status)")
                        if siteCode == "R01" { #expect(answer.status == .notFound, "\(role) \(endpoint.method) \(path): \(answer.status)") }
                        // A 404 may repeat the id it was asked for; anything else of B's is a leak.
                        let asked = path.removingPercentEncoding ?? path
                        for secret in secrets where !asked.localizedCaseInsensitiveContains(secret) && answer.body.localizedCaseInsensitiveContains(secret) {
                            Issue.record("\(role) \(endpoint.method) \(path) (\(answer.status)) shows site B's \(secret)")
                        }
                    }
                }
            }
            #expect(calls > 300)
        }

        // Under the API: platform_app with site A's settings sees and changes nothing of B's; with no settings, nothing at all.
        let database = fixture.platform.database
        let tables = try await database.withConnection(database.superuser) { connection in
            try await connection.query("""
                SELECT t.relname::text FROM pg_class t JOIN pg_namespace n ON n.oid = t.relnamespace
                WHERE n.nspname = 'public' AND t.relkind = 'r' AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = t.oid AND a.attname = 'site_id')
                ORDER BY 1
                """, prepared: false).map { try $0.decode(at: 0, as: String.self) }
        }
        #expect(tables.count >= 25)
        let counts = try await database.withConnection(database.app) { connection in
            try await connection.withTransaction([.setLocal("app.scope", "sites"), .setLocal("app.site_ids", "{\(fixture.h01.id)}")]) { connection in
                try tables.map { table in (table, try connection.query("SELECT count(*)::int FROM \(table) WHERE site_id = $1", [fixture.r01.id], prepared: false)[0].decode(at: 0, as: Int.self)) }
            }
        }
        #expect(counts.filter { $0.1 != 0 }.isEmpty, "\(counts.filter { $0.1 != 0 })")
        let unset = try await database.withConnection(database.app) { connection in
            try await connection.withTransaction([]) { connection in
                try tables.map { table in (table, try connection.query("SELECT count(*)::int FROM \(table)", prepared: false)[0].decode(at: 0, as: Int.self)) }
            }
        }
        #expect(unset.filter { $0.1 != 0 }.isEmpty, "\(unset.filter { $0.1 != 0 })")
        #expect(try await fixture.count("SELECT count(*) FROM tickets WHERE site_id = $1", [fixture.r01.id]) == 2)
        try await fixture.close()
    }
}
