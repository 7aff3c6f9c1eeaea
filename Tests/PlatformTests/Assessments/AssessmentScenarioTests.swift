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
        let fixture = try await APIFixture.make()
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
            #expect(bottom.compactMap { $0["employeeNo"] as? String } == ["G001", "G002", "G021"], "\(bottom)")  // ⌈5% × 21⌉ = 2 places, a three-way tie at 84
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
            let bottomList = try await client.call(.get, "\(cycleURI)/bottom", token: manager)
            #expect(bottomList.items.compactMap { $0["followUp"] as? String } == ["retraining"] && bottomList.items.count == 3)

            let csv = try await client.call(.get, "\(cycleURI)/bottom?format=csv", token: manager)
            #expect(csv.headers[.contentType] == "text/csv; charset=utf-8" && csv.body.hasPrefix("\u{FEFF}排名,岗位排名,工号,姓名"))
            #expect(csv.body.contains("G001,工程师1,84") && csv.body.components(separatedBy: "\r\n").count == 5)
            #expect(try await client.call(.get, "\(cycleURI)/rankings", token: fixture.bearer("h01.agent")).status == .forbidden)
        }
        try await fixture.close()
    }
}
