import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
@testable import Platform
import Postgres
import TestSupport
import Testing

/// Two sites of each kind. Every other site (B) holds one record of every kind; every
/// documented site route is then called by each site role of site A (H01) with B's real ids
/// in the path, B's ids, cursor and text in the query: no answer may carry anything of B's,
/// and none may be a server error. The headquarters routes refuse A's site roles, and show a
/// regional manager of A nothing of B's whatever site, kind or region they ask for. Then the
/// same through SQL as platform_app, with A's settings and with none.
@Suite("Cross-site leak sweep", .serialized)
struct LeakSweepTests {
    static let marker = "乙站机密"

    /// What site B holds and how it may be asked for.
    struct Holdings {
        var code: String
        var pathIDs: [String: String]
        var queryValues: [String: String]
        var secrets: [String]
    }

    /// One record of every kind at a site, made by its manager through the API.
    static func holdings(_ client: some TestClientProtocol, _ fixture: APIFixture, site: Site, token b: String) async throws -> Holdings {
        let marker = "\(Self.marker)\(site.code)"
        let bStaff = try await fixture.addStaff(site, "\(site.code)900", "\(marker)员工", department: "engineering")
        let bDepartment = try await fixture.departmentID(site, "engineering")
        let bPost = try await fixture.platform.platform.pipeline(.operations, [PostgresStatement("SELECT id FROM posts WHERE site_id = $1 LIMIT 1", [site.id])])[0][0]
            .decode("id", as: UUID.self)
        func post(_ path: String, _ json: String) async throws -> APIResponse {
            let response = try await client.call(.post, "/api/v1/sites/\(site.code)/\(path)", token: b, json: json)
            guard (200..<300).contains(Int(response.status.code)) else { throw PostgresError(kind: .client, message: "\(path): \(response.status) \(response.body)") }
            return response
        }
        let place = try #require(try await post("places", #"{"code":"B-SECRET-1","kind":"household","name":"\#(marker)户","contactName":"\#(marker)户主"}"#)
            .json["id"] as? String)
        let repairItem = try #require(try await post("repair-items", #"{"code":"b_repair","name":"\#(marker)维修","scale":"small","fee":9.5}"#).json["id"] as? String)
        var tickets: [String] = []
        for _ in 0..<2 {
            tickets.append(try #require(try await post("tickets", """
                {"channel":"phone","category":"complaint","subject":"\(marker)投诉","causeClass":1,"ownerId":"\(bStaff)","reporter":{"name":"\(marker)","phone":"13912345678"},"placeId":"\(place)","description":"\(marker)投诉"}
                """).json["id"] as? String))
        }
        _ = try await post("tickets", #"{"channel":"phone","category":"repair","ownerId":"\#(bStaff)","placeId":"\#(place)","repairItemId":"\#(repairItem)","description":"\#(marker)报修"}"#)
        let base = "/api/v1/sites/\(site.code)"
        let number = try #require(try await client.call(.get, "\(base)/tickets/\(tickets[1])", token: b).json["number"] as? String)
        let nonconformity = try #require(try await client.call(.get, "\(base)/tickets/\(tickets[1])/nonconformities", token: b).items.first?["id"] as? String)
        let item = try #require(try await post("service-items", #"{"code":"b_item","name":"\#(marker)事项","departmentId":"\#(bDepartment)","durationMinutes":30}"#).json["id"] as? String)
        let window = try #require(try await post("windows", #"{"code":"b_win","name":"\#(marker)窗口","departmentId":"\#(bDepartment)","itemIds":["\#(item)"]}"#).json["id"] as? String)
        let appointment = try #require(try await post("appointments", """
            {"itemId":"\(item)","start":"2026-11-30T09:00:00+08:00","channel":"phone","applicant":{"name":"\(marker)","phone":"13900000000"}}
            """).json["id"] as? String)
        let certificate = try #require(try await post("certificates", """
            {"staffId":"\(bStaff)","type":"electrician","number":"\(site.code)-SECRET-1","issuedOn":"2022-01-01","expiresOn":"2026-12-01"}
            """).json["id"] as? String)
        let items = #"[{"dimension":"conduct","name":"德","weight":25,"scaleMax":5},{"dimension":"ability","name":"能","weight":25,"scaleMax":5},"#
            + #"{"dimension":"diligence","name":"勤","weight":25,"scaleMax":5},{"dimension":"results","name":"绩","weight":25,"scaleMax":5}]"#
        let template = try #require(try await post("assessment-templates", #"{"code":"b_t","name":"\#(marker)考核","items":\#(items)}"#).json["id"] as? String)
        let cycle = try #require(try await post("assessment-cycles", """
            {"templateId":"\(template)","name":"\(marker)周期","period":"monthly","startsOn":"2026-11-01","endsOn":"2026-11-30"}
            """).json["id"] as? String)
        // A reception user of B's, made by B's manager: A's managers must not be able to pull them in.
        let username = "\(site.code.lowercased()).agent9"
        let userID = try #require(try await post("users", #"{"username":"\#(username)","displayName":"\#(marker)接待","role":"site_agent"}"#).json["userId"] as? String)
        let cursor = try #require(try await client.call(.get, "\(base)/tickets?limit=1", token: b).json["nextCursor"] as? String)
        return Holdings(
            code: site.code,
            pathIDs: [
                "ticketId": tickets[1], "nonconformityId": nonconformity, "appointmentId": appointment, "itemId": item, "windowId": window,
                "certificateId": certificate, "cycleId": cycle, "staffId": bStaff.uuidString, "departmentId": bDepartment.uuidString, "userId": userID,
                "postId": bPost.uuidString, "placeId": place, "repairItemId": repairItem,
                "calendarCode": "office", "quarter": "2026-Q3",
            ],
            queryValues: [
                "department": bDepartment.uuidString, "owner": bStaff.uuidString, "handler": bStaff.uuidString, "staff": bStaff.uuidString,
                "item": item, "window": window, "post": bPost.uuidString, "cursor": cursor,
                "q": marker.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed) ?? "", "month": "2026-11", "expiringWithin": "60d",
                "site": site.code, "kind": site.kind.rawValue, "region": (site.region ?? "").addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed) ?? "",
                "period": "2026-11", "through": "2026-11", "format": "csv", "quarter": "2026-Q4", "date": "2026-11-26",
            ],
            secrets: [tickets[0], tickets[1], number, nonconformity, item, window, appointment, certificate, template, cycle, bStaff.uuidString,
                      bDepartment.uuidString, marker, "\(site.code)-SECRET-1", site.id.uuidString, userID, username, bPost.uuidString, place, repairItem,
                      "B-SECRET-1"])
    }

    @Test func nothingOfAnotherSiteReachesSiteAOnAnyRoute() async throws {
        try await APIFixture.with { fixture in
            _ = try await TicketCast.make(fixture)
            // Two sites of each kind: A is H01; every other one is a B.
            var others: [(site: Site, token: String)] = [(fixture.r01, fixture.bearer("r01.manager"))]
            for (code, name, kind, region) in [("H02", "市第二人民医院", Site.Kind.hospital, "华南"), ("R02", "翠湖小区", .residence, "华东"),
                                               ("G01", "高新区政务服务中心", .governmentServiceCenter, "西南"), ("G02", "滨江政务服务中心", .governmentServiceCenter, "华东")] {
                let site = try await fixture.platform.sites.create(NewSite(code: code, name: name, kind: kind, region: region), scope: .operations).site
                let username = "\(code.lowercased()).manager"
                _ = try await fixture.platform.users.create(username: username, displayName: username, globalRole: nil,
                                                            grants: [.init(siteCode: code, role: .siteManager)], scope: .operations)
                others.append((site, "Bearer " + (try await fixture.platform.tokens.issue(username: username, lifetime: 3600, label: nil, scope: .operations).token.secret)))
            }
            let sites = others
            let clock = TestClock("2026-11-26T09:00:00+08:00")
            let (_, endpoints) = try PlatformApplication.router(pool: fixture.platform.platform.pool)
            try await PlatformApplication.build(fixture.configuration(clock: clock), logger: quietLogger).test(.live) { client in
                var calls = 0
                for other in sites {
                    let b = try await Self.holdings(client, fixture, site: other.site, token: other.token)
                    _ = try await ReportRollup(database: fixture.platform.platform, clock: .system, interval: .seconds(60), logger: quietLogger).refresh(now: clock.now)
                    func check(_ role: String, _ endpoint: Endpoint, _ path: String, _ answer: APIResponse, secrets: [String]) {
                        calls += 1
                        #expect(Int(answer.status.code) < 500, "\(role) \(endpoint.method) \(path): \(answer.status)")
                        // A 404 may repeat the id it was asked for; anything else of B's is a leak.
                        let asked = path.removingPercentEncoding ?? path
                        for secret in secrets where !asked.localizedCaseInsensitiveContains(secret) && answer.body.localizedCaseInsensitiveContains(secret) {
                            Issue.record("\(role) \(endpoint.method) \(path) (\(answer.status)) shows site \(b.code)'s \(secret)")
                        }
                    }
                    func fill(_ template: String, siteCode: String) -> String {
                        var path = template.replacingOccurrences(of: "{siteCode}", with: siteCode)
                        for (parameter, value) in b.pathIDs { path = path.replacingOccurrences(of: "{\(parameter)}", with: value) }
                        return path
                    }
                    for endpoint in endpoints where endpoint.path.contains("{siteCode}") {
                        for role in ["h01.manager", "h01.agent", "h01.staff"] {
                            for siteCode in ["H01", b.code] {
                                var path = fill(endpoint.path, siteCode: siteCode)
                                // Every kind of id a route takes is one of B's: a new route with an id the sweep does not hold fails here.
                                guard !path.contains("{") else { Issue.record("the sweep holds no id for \(endpoint.path)"); continue }
                                let query = endpoint.query.compactMap { parameter in b.queryValues[parameter.name].map { "\(parameter.name)=\($0)" } }
                                if !query.isEmpty { path += "?" + query.joined(separator: "&") }
                                // The documented example body, so that writes reach their lookups instead of stopping at validation.
                                let answer = try await client.call(endpoint.method, path, token: fixture.bearer(role), json: endpoint.request == nil ? nil : endpoint.example ?? "{}")
                                check(role, endpoint, path, answer, secrets: b.secrets)
                                if siteCode == b.code { #expect(answer.status == .notFound, "\(role) \(endpoint.method) \(path): \(answer.status)") }
                            }
                        }
                    }
                    // Headquarters routes: A's site roles are refused; A's regional manager sees none of B's sites,
                    // whichever site code, kind, region or period they ask about, as JSON or CSV.
                    for endpoint in endpoints where endpoint.path.hasPrefix("/api/v1/hq/") {
                        let query = endpoint.query.compactMap { parameter in b.queryValues[parameter.name].map { "\(parameter.name)=\($0)" } }
                        let path = endpoint.path + (query.isEmpty ? "" : "?" + query.joined(separator: "&"))
                        for role in ["h01.manager", "h01.agent", "h01.staff"] {
                            let answer = try await client.call(endpoint.method, path, token: fixture.bearer(role), json: endpoint.request == nil ? nil : "{}")
                            check(role, endpoint, path, answer, secrets: b.secrets)
                            #expect(answer.status == .forbidden, "\(role) \(endpoint.method) \(path): \(answer.status)")
                        }
                        let answer = try await client.call(endpoint.method, path, token: fixture.bearer("east"), json: endpoint.request == nil ? nil : "{}")
                        check("east", endpoint, path, answer, secrets: b.secrets + [b.code, other.site.name])
                    }
                }
                let siteRoutes = endpoints.filter { $0.path.contains("{siteCode}") }.count, hqRoutes = endpoints.filter { $0.path.hasPrefix("/api/v1/hq/") }.count
                #expect(siteRoutes > 70 && hqRoutes >= 5)
                #expect(calls == sites.count * (siteRoutes * 3 * 2 + hqRoutes * 4))
            }

            // Under the API: platform_app with site A's settings sees and changes nothing of any other site's; with no settings, nothing at all.
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
                    var counts: [(String, Int)] = []
                    for table in tables {
                        counts.append((table, try await connection.query("SELECT count(*)::int FROM \(table) WHERE site_id <> $1", [fixture.h01.id], prepared: false)[0].decode(at: 0, as: Int.self)))
                    }
                    return counts
                }
            }
            #expect(counts.filter { $0.1 != 0 }.isEmpty, "\(counts.filter { $0.1 != 0 })")
            let unset = try await database.withConnection(database.app) { connection in
                try await connection.withTransaction([]) { connection in
                    var counts: [(String, Int)] = []
                    for table in tables {
                        counts.append((table, try await connection.query("SELECT count(*)::int FROM \(table)", prepared: false)[0].decode(at: 0, as: Int.self)))
                    }
                    return counts
                }
            }
            #expect(unset.filter { $0.1 != 0 }.isEmpty, "\(unset.filter { $0.1 != 0 })")
            #expect(try await fixture.count("SELECT count(*) FROM tickets WHERE site_id <> $1", [fixture.h01.id]) == 15)
            // Nobody of another site was given a role at A, and A's audit names none of them.
            #expect(try await fixture.count("""
                SELECT count(*) FROM user_site_roles r WHERE r.site_id = $1 AND EXISTS (SELECT 1 FROM user_site_roles o WHERE o.user_id = r.user_id AND o.site_id <> $1)
                """, [fixture.h01.id]) == 0)
            #expect(try await fixture.count("""
                SELECT count(*) FROM audit_log a WHERE a.site_id = $1 AND a.target_type = 'user'
                  AND a.target_id IN (SELECT user_id::text FROM user_site_roles WHERE site_id <> $1)
                """, [fixture.h01.id]) == 0)
        }
    }
}
