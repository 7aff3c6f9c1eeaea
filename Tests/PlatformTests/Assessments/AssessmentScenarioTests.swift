import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Platform
import Postgres
import TestSupport
import Testing

@Suite("Assessments: templates, a cycle from draft to published, ranking and the bottom group", .serialized)
struct AssessmentScenarioTests {
    static let base = "/api/v1/sites/H01"

    @Test func aCycleIsScoredRankedPublishedAndFrozen() async throws {
        try await APIFixture.with { fixture in
            var members: [UUID] = []
            for n in 1...21 { members.append(try await fixture.addStaff(fixture.h01, String(format: "G%03d", n), "工程师\(n)", department: "engineering")) }
            let staff = members
            _ = try await fixture.addStaff(fixture.h01, "B001", "保安", department: "security")  // not in the cycle
            let engineering = try await fixture.departmentID(fixture.h01, "engineering")
            let clock = TestClock("2026-12-01T09:00:00+08:00")
            try await PlatformApplication.build(fixture.configuration(clock: clock), logger: quietLogger).test(.live) { client in
                let manager = fixture.bearer("h01.manager")
                let items = #"[{"dimension":"conduct","name":"职业道德","weight":20,"scaleMax":5},{"dimension":"ability","name":"业务能力","weight":20,"scaleMax":5},"#
                    + #"{"dimension":"diligence","name":"出勤","weight":20,"scaleMax":5},{"dimension":"results","name":"工作业绩","weight":"#
                let wrong = try await client.call(.post, "\(Self.base)/assessment-templates", token: manager, json: #"{"code":"monthly","name":"月度考核","items":\#(items)39,"scaleMax":100}]}"#)
                #expect(wrong.status == .unprocessableContent && wrong.code == "assessment.template_invalid", "\(wrong.body)")
                #expect((wrong.json["errors"] as? [[String: Any]])?.compactMap { $0["code"] as? String } == ["assessment.weights_not_100"])
                let template = try await client.call(.post, "\(Self.base)/assessment-templates", token: manager, json: #"{"code":"monthly","name":"月度考核","items":\#(items)40,"scaleMax":100}]}"#)
                #expect(template.status == .created, "\(template.body)")
                let templateID = try #require(template.json["id"] as? String)

                let cycle = try await client.call(.post, "\(Self.base)/assessment-cycles", token: manager, json: """
                    {"templateId":"\(templateID)","name":"2026年11月工程部考核","period":"monthly","startsOn":"2026-11-01","endsOn":"2026-11-30","departmentIds":["\(engineering)"]}
                    """)
                let cycleID = try #require(cycle.json["id"] as? String, "\(cycle.body)")
                let cycleURI = "\(Self.base)/assessment-cycles/\(cycleID)"
                #expect(try await client.call(.put, "\(cycleURI)/scores/\(staff[0])", token: manager, json: #"{"scores":[5,5,5,90]}"#).code == "assessment.wrong_stage")
                #expect(try await client.call(.post, "\(cycleURI)/open", token: manager).json["status"] as? String == "open")

                // Results 60…79 for G001…G020; G021 and G002 tie at the bottom (60 → total 72).
                for (index, id) in staff.enumerated() where index < 20 {
                    let result = index == 20 ? 60 : 60 + index
                    let scored = try await client.call(.put, "\(cycleURI)/scores/\(id)", token: manager, json: #"{"scores":[5,5,5,\#(result)]}"#)
                    #expect(scored.status == .ok, "\(scored.body)")
                }
                #expect(try await client.call(.put, "\(cycleURI)/scores/\(staff[1])", token: manager, json: #"{"scores":[5,5,5,60]}"#).json["revision"] as? Int == 2)
                #expect(try await client.call(.put, "\(cycleURI)/scores/\(staff[0])", token: manager, json: #"{"scores":[6,5,5,60]}"#).fields == ["scores[0]"])
                #expect(try await client.call(.put, "\(cycleURI)/scores/\(UUID())", token: manager, json: #"{"scores":[5,5,5,60]}"#).status == .notFound)

                _ = try await client.call(.post, "\(cycleURI)/review", token: manager)
                _ = try await client.call(.post, "\(cycleURI)/calibrate", token: manager)
                let early = try await client.call(.post, "\(cycleURI)/publish", token: manager)
                #expect(early.code == "assessment.unscored" && (early.json["detail"] as? String)?.contains("G021") == true)
                #expect(try await client.call(.put, "\(cycleURI)/scores/\(staff[20])", token: manager, json: #"{"scores":[5,5,5,60]}"#).status == .ok)

                let live = try await client.call(.get, "\(cycleURI)/rankings", token: manager)
                let entries = live.items
                #expect(entries.count == 21 && live.json["frozen"] as? Bool == false)
                #expect(entries.first?["employeeNo"] as? String == "G020" && entries.first?["total"] as? Double == 91.6)  // 60 + 79 × 0.4
                let bottom = entries.filter { $0["bottom"] as? Bool == true }
                #expect(bottom.compactMap { $0["employeeNo"] as? String } == ["G001", "G002", "G021"], "\(bottom)")  // 5% × 21 rounds to 1 place; a three-way tie at 84 puts all three in
                #expect(bottom.allSatisfy { $0["rank"] as? Int == 19 })

                let published = try await client.call(.post, "\(cycleURI)/publish", token: manager)
                #expect(published.json["status"] as? String == "published" && published.json["publishedAt"] != nil)
                // Later edits are revisions with a reason; the published figures stay.
                #expect(try await client.call(.put, "\(cycleURI)/scores/\(staff[0])", token: manager, json: #"{"scores":[5,5,5,100]}"#).fields == ["reason"])
                let revised = try await client.call(.put, "\(cycleURI)/scores/\(staff[0])", token: manager, json: #"{"scores":[5,5,5,100],"reason":"复核更正"}"#)
                #expect(revised.json["revision"] as? Int == 2)
                let frozen = try await client.call(.get, "\(cycleURI)/rankings", token: fixture.bearer("hq.analyst"))
                let first = frozen.items.first { $0["employeeNo"] as? String == "G001" }
                #expect(frozen.json["frozen"] as? Bool == true && first?["total"] as? Double == 84 && first?["bottom"] as? Bool == true && first?["revision"] as? Int == 2)

                #expect(try await client.call(.post, "\(cycleURI)/results/\(staff[19])/follow-up", token: manager, json: #"{"action":"retraining"}"#).code == "assessment.not_in_bottom_group")
                let followed = try await client.call(.post, "\(cycleURI)/results/\(staff[0])/follow-up", token: manager, json: #"{"action":"retraining","note":"安排安全操作复训"}"#)
                #expect(followed.status == .ok && followed.json["followUp"] as? String == "retraining")
                // 末位淘汰: letting someone go is an outcome of its own.
                let dismissed = try await client.call(.post, "\(cycleURI)/results/\(staff[1])/follow-up", token: manager, json: #"{"action":"dismissal","note":"连续两期末位，解除合同"}"#)
                #expect(dismissed.status == .ok && dismissed.json["followUp"] as? String == "dismissal", "\(dismissed.body)")
                let bottomList = try await client.call(.get, "\(cycleURI)/bottom", token: manager)
                #expect(bottomList.items.compactMap { $0["followUp"] as? String } == ["retraining", "dismissal"] && bottomList.items.count == 3)

                let csv = try await client.call(.get, "\(cycleURI)/bottom?format=csv", token: manager)
                #expect(csv.headers[.contentType] == "text/csv; charset=utf-8" && csv.body.hasPrefix("\u{FEFF}排名,岗位排名,工号,姓名"))
                #expect(csv.body.contains("G001,工程师1,84") && csv.body.components(separatedBy: "\r\n").count == 5)
                #expect(try await client.call(.get, "\(cycleURI)/rankings", token: fixture.bearer("h01.agent")).status == .forbidden)

                // Headquarters: the distribution per site and post, and the bottom groups, of published cycles.
                let summary = try await client.call(.get, "/api/v1/hq/assessments/summary?period=2026-11", token: fixture.bearer("hq.analyst"))
                #expect(summary.status == .ok && summary.json["cycles"] as? Int == 1, "\(summary.body)")
                let distributions = summary.json["distributions"] as? [[String: Any]] ?? []
                #expect(distributions.map { "\($0["siteCode"] ?? ""):\($0["post"] ?? "")" } == ["H01:all", "H01:none"])
                let all = try #require(distributions.first)
                #expect(all["count"] as? Int == 21 && all["min"] as? Double == 84 && all["p25"] as? Double == 85.6 && all["median"] as? Double == 87.6)
                #expect(all["p75"] as? Double == 89.6 && all["max"] as? Double == 91.6 && all["mean"] as? Double == 87.6)  // (3 × 84 + Σ 84 + 0.4i for i = 2…19) / 21
                let bottomAcross = summary.json["bottom"] as? [[String: Any]] ?? []
                #expect(bottomAcross.compactMap { $0["employeeNo"] as? String } == ["G001", "G002", "G021"] && bottomAcross.first?["followUp"] as? String == "retraining")
                #expect(try await client.call(.get, "/api/v1/hq/assessments/summary?period=2026-11", token: fixture.bearer("east")).json["cycles"] as? Int == 1)
                let sheet = try await client.call(.get, "/api/v1/hq/assessments/summary?period=2026-11", token: fixture.bearer("hq.analyst"), headers: [.accept: "text/csv"])
                let rows = sheet.body.dropFirst().components(separatedBy: "\r\n")
                #expect(rows.first?.hasPrefix("站点 Site,岗位 Post,人数 Count") == true && rows.contains("H01,all,21,84,85.6,87.6,89.6,91.6,87.6"))
                #expect(rows.contains { $0.hasPrefix("末位 Bottom group") } && rows.contains { $0.hasPrefix("H01,G001,") && $0.hasSuffix(",retraining") })
                #expect(try await client.call(.get, "/api/v1/hq/assessments/summary?period=2026-11", token: fixture.bearer("r01.manager")).status == .forbidden)
                #expect(try await client.call(.get, "/api/v1/hq/assessments/summary?period=2026-Q4", token: fixture.bearer("hq.admin")).json["cycles"] as? Int == 0)
                #expect(try await client.call(.get, "/api/v1/hq/assessments/summary?period=November", token: fixture.bearer("hq.admin")).fields == ["period"])
            }
        }
    }

    /// Computed items against a hand count of seeded tickets, follow-ups and home visits.
    @Test func computedItemsCountWhatThePlatformRecorded() async throws {
        try await APIFixture.with { fixture in
            let plumber = try await fixture.addStaff(fixture.h01, "G001", "李师傅", department: "engineering")
            let reception = try await fixture.addStaff(fixture.h01, "K001", "王接待", department: "customer_service")
            let engineering = try await fixture.departmentID(fixture.h01, "engineering")
            let site = fixture.h01.id
            func ticket(_ number: Int, resolved: String, due: String, category: String = "repair", cause: Int? = nil, related: String? = nil) -> PostgresStatement {
                PostgresStatement(
                    """
                    INSERT INTO tickets (site_id, id, number, channel, category, priority, status, owner_id, handler_id, description, received_at, feedback_due_at,
                        resolve_due_at, resolved_at, cause_class, related_ticket_id, search_text, search_terms)
                    VALUES ($1, $2, $3, 'phone', $4, 'normal', 'resolved', $5, $6, '维修', $7::timestamptz - interval '1 day', $7, $8, $7, $9,
                            (SELECT id FROM tickets WHERE site_id = $1 AND number = $10), '维修', '{维修}')
                    """, [site, UUID(), "H01-2026-\(String(format: "%06d", number))", category, reception, category == "complaint" ? nil : plumber, resolved, due, cause,
                          related])
            }
            var statements = [
                ticket(1, resolved: "2026-11-10T10:00:00+08:00", due: "2026-11-11T10:00:00+08:00"),
                ticket(2, resolved: "2026-11-10T10:00:00+08:00", due: "2026-11-11T10:00:00+08:00"),
                ticket(3, resolved: "2026-11-10T10:00:00+08:00", due: "2026-11-11T10:00:00+08:00"),
                ticket(4, resolved: "2026-11-10T10:00:00+08:00", due: "2026-11-09T10:00:00+08:00"),
                ticket(5, resolved: "2026-11-30T23:30:00+08:00", due: "2026-11-09T10:00:00+08:00"),  // late, and still November in Shanghai
                ticket(6, resolved: "2026-10-31T23:30:00+08:00", due: "2026-11-09T10:00:00+08:00"),  // October in Shanghai
                ticket(7, resolved: "2026-11-15T10:00:00+08:00", due: "2026-11-16T10:00:00+08:00", category: "complaint", cause: 1, related: "H01-2026-000004"),
                ticket(8, resolved: "2026-11-15T10:00:00+08:00", due: "2026-11-16T10:00:00+08:00", category: "complaint", cause: 2, related: "H01-2026-000005"),
            ]
            for (number, rating, at) in [(1, "satisfied", "2026-11-12"), (2, "basically_satisfied", "2026-11-12"), (3, "unsatisfied", "2026-11-12"), (6, "satisfied", "2026-10-31")] {
                statements.append(PostgresStatement(
                    "INSERT INTO ticket_follow_ups (site_id, ticket_id, at, method, rating) SELECT $1, id, $3::date + time '12:00', 'phone', $2 FROM tickets WHERE site_id = $1 AND number = $4",
                    [site, rating, at, "H01-2026-\(String(format: "%06d", number))"]))
            }
            statements.append(PostgresStatement(
                """
                WITH item AS (INSERT INTO service_items (site_id, code, name, department_id, duration_minutes, capacity_per_slot, home_visit_allowed)
                              VALUES ($1, 'home', '上门维修', $2, 60, 1, true) RETURNING id),
                     win AS (INSERT INTO service_windows (site_id, code, name, kind, department_id, calendar_id, item_ids)
                             SELECT $1, 'field', '上门组', 'field_team', $2, c.id, ARRAY[item.id] FROM item, working_calendars c WHERE c.site_id = $1 AND c.is_default RETURNING id)
                INSERT INTO appointments (site_id, item_id, window_id, slot, seat, channel, status, applicant_name, applicant_phone, home_visit, home_visit_reason, address,
                                          assigned_staff_id, requested_at, confirm_due_at, late_cancellation)
                SELECT $1, item.id, win.id, tstzrange(s, s + interval '1 hour'), 1, 'phone', st, '住户', '13900000000', true, 'elderly', '3号楼', $3, now(), now(), late
                FROM item, win, (VALUES (timestamptz '2026-11-20 10:00+08', 'cancelled_by_center', true), (timestamptz '2026-11-21 10:00+08', 'no_show', false),
                                        (timestamptz '2026-12-01 10:00+08', 'no_show', false)) AS v(s, st, late)
                """, [site, engineering, plumber]))
            _ = try await fixture.platform.platform.pipeline(.operations, statements)

            let clock = TestClock("2026-12-01T09:00:00+08:00")
            try await PlatformApplication.build(fixture.configuration(clock: clock), logger: quietLogger).test(.live) { client in
                let manager = fixture.bearer("h01.manager")
                let items = """
                    [{"dimension":"conduct","name":"职业道德","weight":20,"scaleMax":5},
                     {"dimension":"ability","name":"按时完成率","weight":20,"scaleMax":100,"metric":"on_time_resolution_rate"},
                     {"dimension":"diligence","name":"维修单量","weight":20,"scaleMax":100,"metric":"tickets_resolved","target":10},
                     {"dimension":"results","name":"回访满意率","weight":20,"scaleMax":100,"metric":"follow_up_satisfaction_rate"},
                     {"dimension":"results","name":"有效投诉","weight":10,"scaleMax":100,"metric":"complaints_upheld","target":10},
                     {"dimension":"results","name":"迟取消","weight":5,"scaleMax":100,"metric":"late_cancellations","target":20},
                     {"dimension":"results","name":"爽约","weight":5,"scaleMax":100,"metric":"no_shows","target":50}]
                    """
                let noTarget = try await client.call(.post, "\(Self.base)/assessment-templates", token: manager,
                    json: #"{"code":"t","name":"t","items":\#(items.replacingOccurrences(of: #""metric":"tickets_resolved","target":10"#, with: #""metric":"tickets_resolved""#))}"#)
                #expect(noTarget.status == .unprocessableContent && noTarget.fields == ["items[2].target"], "\(noTarget.body)")
                // A no-show is the applicant's (视为申请人主动放弃): a new template may not score staff on it.
                let noShows = try await client.call(.post, "\(Self.base)/assessment-templates", token: manager, json: #"{"code":"data","name":"数据考核","items":\#(items)}"#)
                #expect(noShows.status == .unprocessableContent && noShows.code == "assessment.metric_not_the_staffs" && noShows.fields == ["items[6].metric"],
                        "\(noShows.body)")
                // A template saved before the rule keeps its no_shows item.
                let saved = items.replacingOccurrences(of: #""metric":"no_shows""#, with: #""metric":"late_cancellations""#)
                let template = try #require(try await client.call(.post, "\(Self.base)/assessment-templates", token: manager, json: #"{"code":"data","name":"数据考核","items":\#(saved)}"#).json["id"] as? String)
                let templateID = try #require(UUID(uuidString: template))
                _ = try await fixture.platform.platform.pipeline(.operations, [PostgresStatement(
                    "UPDATE assessment_templates SET items = jsonb_set(items, '{6,metric}', '\"no_shows\"') WHERE site_id = $1 AND id = $2", [site, templateID])])
                let cycle = try #require(try await client.call(.post, "\(Self.base)/assessment-cycles", token: manager, json: """
                    {"templateId":"\(template)","name":"11月","period":"monthly","startsOn":"2026-11-01","endsOn":"2026-11-30","departmentIds":["\(engineering)"]}
                    """).json["id"] as? String)
                _ = try await client.call(.post, "\(Self.base)/assessment-cycles/\(cycle)/open", token: manager)
                #expect(try await client.call(.put, "\(Self.base)/assessment-cycles/\(cycle)/scores/\(plumber)", token: manager, json: #"{"scores":[4,60]}"#).fields == ["scores"])
                let scored = try await client.call(.put, "\(Self.base)/assessment-cycles/\(cycle)/scores/\(plumber)", token: manager, json: #"{"scores":[4]}"#)
                // 5 resolved in November (3 on time), follow-ups 2 of 3 satisfied, 1 upheld complaint, 1 late cancellation;
                // the November no-show is the applicant's and takes nothing off: full marks on 爽约.
                #expect(scored.json["scores"] as? [Double] == [4, 60, 50, 66.67, 90, 80, 100], "\(scored.body)")
                #expect(scored.json["total"] as? Double == 69.33)
                #expect((scored.json["explanation"] as? String)?.contains("「爽约」 (no_shows) earns full marks") == true, "\(scored.body)")
            }
        }
    }

    /// Probation reviews use a probation template and cover only staff on probation during the cycle.
    @Test func probationReviewsCoverOnlyStaffOnProbation() async throws {
        try await APIFixture.with { fixture in
            let mentor = try await fixture.addStaff(fixture.h01, "G001", "李师傅", department: "engineering")
            let trainee = try await fixture.addStaff(fixture.h01, "G002", "小张", department: "engineering")
            let finished = try await fixture.addStaff(fixture.h01, "G003", "小王", department: "engineering")
            _ = try await fixture.platform.platform.pipeline(.operations, [
                PostgresStatement("UPDATE staff SET hire_date = '2026-09-01', probation_until = '2027-02-28', mentor_id = $2 WHERE id = $1", [trainee, mentor]),
                PostgresStatement("UPDATE staff SET hire_date = '2026-03-01', probation_until = '2026-08-31', mentor_id = $2 WHERE id = $1", [finished, mentor]),
            ])
            let clock = TestClock("2026-12-01T09:00:00+08:00")
            try await PlatformApplication.build(fixture.configuration(clock: clock), logger: quietLogger).test(.live) { client in
                let manager = fixture.bearer("h01.manager")
                let items = #"[{"dimension":"conduct","name":"德","weight":25,"scaleMax":5},{"dimension":"ability","name":"能","weight":25,"scaleMax":5},"#
                    + #"{"dimension":"diligence","name":"勤","weight":25,"scaleMax":5},{"dimension":"results","name":"绩","weight":25,"scaleMax":5}]"#
                let template = try #require(try await client.call(.post, "\(Self.base)/assessment-templates", token: manager,
                                                                  json: #"{"code":"probation","name":"试用期考核","kind":"probation","items":\#(items)}"#).json["id"] as? String)
                let cycle = try #require(try await client.call(.post, "\(Self.base)/assessment-cycles", token: manager, json: """
                    {"templateId":"\(template)","name":"试用期11月","period":"monthly","startsOn":"2026-11-01","endsOn":"2026-11-30"}
                    """).json["id"] as? String)
                let members = try await client.call(.get, "\(Self.base)/assessment-cycles/\(cycle)/rankings", token: manager)
                #expect(members.items.compactMap { $0["employeeNo"] as? String } == ["G002"])
                _ = try await client.call(.post, "\(Self.base)/assessment-cycles/\(cycle)/open", token: manager)
                #expect(try await client.call(.put, "\(Self.base)/assessment-cycles/\(cycle)/scores/\(mentor)", token: manager, json: #"{"scores":[5,5,5,5]}"#).status == .notFound)
                #expect(try await client.call(.put, "\(Self.base)/assessment-cycles/\(cycle)/scores/\(trainee)", token: manager, json: #"{"scores":[4,4,5,3]}"#).json["total"] as? Double == 80)
            }
        }
    }

    @Test func headquartersCopiesAGroupTemplateToSitesThatLackIt() async throws {
        try await APIFixture.with { fixture in
            let clock = TestClock("2026-12-01T09:00:00+08:00")
            try await PlatformApplication.build(fixture.configuration(clock: clock), logger: quietLogger).test(.live) { client in
                let items = #"[{"dimension":"conduct","name":"德","weight":10,"scaleMax":5},{"dimension":"ability","name":"能","weight":30,"scaleMax":5},"#
                    + #"{"dimension":"diligence","name":"勤","weight":20,"scaleMax":5},{"dimension":"results","name":"绩","weight":40,"scaleMax":100}]"#
                #expect(try await client.call(.post, "\(Self.base)/assessment-templates", token: fixture.bearer("h01.manager"),
                                              json: #"{"code":"annual","name":"医院自定年度考核","items":\#(items)}"#).status == .created)
                let body = #"{"template":{"code":"annual","name":"集团年度考核","items":\#(items)}}"#
                #expect(try await client.call(.post, "/api/v1/hq/assessment-templates", token: fixture.bearer("hq.analyst"), json: body).status == .forbidden)
                let copied = try await client.call(.post, "/api/v1/hq/assessment-templates", token: fixture.bearer("hq.admin"), json: body)
                #expect(copied.json["created"] as? [String] == ["R01"] && copied.json["skipped"] as? [String] == ["H01"], "\(copied.body)")
                let h01 = try await client.call(.get, "\(Self.base)/assessment-templates", token: fixture.bearer("h01.manager"))
                #expect(h01.items.compactMap { $0["name"] as? String } == ["医院自定年度考核"])
                let r01 = try await client.call(.get, "/api/v1/sites/R01/assessment-templates", token: fixture.bearer("r01.manager"))
                #expect(r01.items.compactMap { $0["name"] as? String } == ["集团年度考核"])
                let bad = try await client.call(.post, "/api/v1/hq/assessment-templates", token: fixture.bearer("hq.admin"),
                                                json: #"{"template":{"code":"x","name":"x","items":[{"dimension":"conduct","name":"德","weight":100,"scaleMax":5}]},"siteCodes":["Z99"]}"#)
                #expect(bad.status == .unprocessableContent && bad.code == "assessment.template_invalid")
                let unknown = try await client.call(.post, "/api/v1/hq/assessment-templates", token: fixture.bearer("hq.admin"),
                                                    json: #"{"template":{"code":"y","name":"y","items":\#(items)},"siteCodes":["Z99"]}"#)
                #expect(unknown.status == .unprocessableContent && unknown.fields == ["siteCodes"])
            }
        }
    }
}
