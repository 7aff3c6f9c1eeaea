import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
@testable import Platform
import Postgres
import TestSupport
import Testing

@Suite("Ticket quality control: repeats, follow-up quotas, deadlines, statistics, search, isolation", .serialized)
struct TicketQualityTests {
    static let ticketsURI = "/api/v1/sites/H01/tickets"

    /// Creates a ticket and returns its id.
    static func create(_ client: some TestClientProtocol, _ token: String, _ json: String, site: String = "H01") async throws -> String {
        let response = try await client.call(.post, "/api/v1/sites/\(site)/tickets", token: token, json: json)
        guard response.status == .created, let id = response.json["id"] as? String else {
            throw PostgresError(kind: .client, message: "create failed: \(response.status) \(response.body)")
        }
        return id
    }

    /// Takes a ticket from intake to resolved.
    static func resolve(_ client: some TestClientProtocol, _ id: String, cast: TicketCast) async throws -> APIResponse {
        let agent = cast.fixture.bearer("h01.agent"), staff = cast.fixture.bearer("h01.staff")
        _ = try await client.act(id, "dispatch", as: agent, #"{"departmentId":"\#(cast.engineering)"}"#)
        _ = try await client.act(id, "acknowledge", as: staff)
        _ = try await client.act(id, "start", as: staff)
        return try await client.act(id, "resolve", as: staff, #"{"result":"已处理","siteCleared":true}"#)
    }

    /// 连续就同一事项投诉两次以上、同一种维修三次以上: repeats are the same matter — a complaint's
    /// subject from the same reporter or place, a repair item at the same place — not merely
    /// the same caller or the same string.
    @Test func repeatsAreTheSameMatterAndBecomeNonConformitiesUntilCorrected() async throws {
        try await APIFixture.with { fixture in
            let cast = try await TicketCast.make(fixture)
            let clock = TestClock("2026-11-02T09:00:00+08:00")
            try await PlatformApplication.build(fixture.configuration(clock: clock), logger: quietLogger).test(.live) { client in
                let agent = fixture.bearer("h01.agent"), manager = fixture.bearer("h01.manager")
                func make(_ path: String, _ json: String) async throws -> String {
                    let response = try await client.call(.post, "/api/v1/sites/H01/\(path)", token: manager, json: json)
                    #expect(response.status == .created, "\(response.body)")
                    return try #require(response.json["id"] as? String)
                }
                func ticket(_ id: String) async throws -> [String: Any] { try await client.call(.get, "\(Self.ticketsURI)/\(id)", token: agent).json }

                // Complaints: the same subject from the same reporter is a repeat; another subject is not, whatever the cause class.
                let first = try await Self.create(client, agent, #"{"channel":"phone","category":"complaint","subject":"保洁不及时","causeClass":1,"reporter":{"name":"王先生","phone":"13900001111"},"description":"病房没人打扫"}"#)
                clock.advance(minutes: 60 * 24 * 10)
                let otherSubject = try await Self.create(client, agent, #"{"channel":"phone","category":"complaint","subject":"墙面开裂","causeClass":2,"reporter":{"name":"王先生","phone":"139 0000 1111"},"description":"墙面开裂"}"#)
                let unrelated = try await Self.create(client, agent, #"{"channel":"phone","category":"complaint","subject":"停车收费","causeClass":1,"reporter":{"name":"王先生","phone":"13900001111"},"description":"停车费太贵"}"#)
                let elsewhere = try await Self.create(client, agent, #"{"channel":"phone","category":"complaint","subject":"保洁不及时","causeClass":1,"reporter":{"name":"李女士","phone":"13700002222","unit":"9号楼"},"description":"楼道脏"}"#)
                let second = try await Self.create(client, agent, #"{"channel":"visit","category":"complaint","subject":"保洁 不及时","causeClass":1,"reporter":{"name":"王先生","phone":"139-0000-1111"},"description":"保洁又没来"}"#)
                let flagged = try await ticket(second)
                #expect(flagged["nonconformityOpen"] as? Bool == true && flagged["repeatOf"] as? String == first)
                for id in [otherSubject, unrelated, elsewhere] {
                    #expect(try await ticket(id)["nonconformityOpen"] as? Bool == false, "another matter, or another reporter and place")
                }

                // A complaint whose subject is corrected later is checked again.
                let late = try await Self.create(client, agent, #"{"channel":"phone","category":"complaint","subject":"墙面渗水","reporter":{"name":"王先生","phone":"13900001111"},"description":"墙面还是裂"}"#)
                #expect(try await ticket(late)["nonconformityOpen"] as? Bool == false)
                let classified = try await client.act(late, "classify", as: agent, #"{"causeClass":2,"subject":"墙面开裂"}"#)
                #expect(classified.json["nonconformityOpen"] as? Bool == true && classified.json["repeatOf"] as? String == otherSubject, "\(classified.body)")
                #expect(classified.json["subject"] as? String == "墙面开裂")

                // Repairs: the same catalogue item at the same place of the register, the third time.
                let lift = try await make("places", #"{"code":"5-LIFT","kind":"area","name":"5号楼电梯"}"#)
                let noise = try await make("repair-items", #"{"code":"lift_noise","name":"电梯异响","scale":"large"}"#)
                let light = try await make("repair-items", #"{"code":"car_light","name":"轿厢照明","scale":"small","fee":0}"#)
                let pump = try await make("repair-items", #"{"code":"pump_seal","name":"水泵漏水","scale":"large","fee":80.5,"feeUnit":"次"}"#)
                var repairs: [String] = []
                repairs.append(try await Self.create(client, agent, #"{"channel":"phone","category":"repair","placeId":"\#(lift)","repairItemId":"\#(noise)","description":"电梯异响"}"#))
                clock.advance(minutes: 30)
                // Typed as the place's name (spaces and full-width forms aside): that place.
                repairs.append(try await Self.create(client, agent, #"{"channel":"phone","category":"repair","location":"５号楼 电梯","repairItemId":"\#(noise)","description":"电梯还在响"}"#))
                #expect(try await ticket(repairs[1])["placeId"] as? String == lift)
                clock.advance(minutes: 30)
                // Another item at the same place: a third repair there, but not the same repair.
                let lightRepair = try await Self.create(client, agent, #"{"channel":"phone","category":"repair","placeId":"\#(lift)","repairItemId":"\#(light)","description":"轿厢灯不亮"}"#)
                #expect(try await ticket(lightRepair)["nonconformityOpen"] as? Bool == false)
                clock.advance(minutes: 30)
                // The item named by the handler on dispatch: checked then.
                repairs.append(try await Self.create(client, agent, #"{"channel":"phone","category":"repair","placeId":"\#(lift)","description":"电梯异响第三次"}"#))
                #expect(try await ticket(repairs[2])["nonconformityOpen"] as? Bool == false)
                let dispatched = try await client.act(repairs[2], "dispatch", as: agent, #"{"departmentId":"\#(cast.engineering)","repairItemId":"\#(noise)"}"#)
                #expect(dispatched.json["nonconformityOpen"] as? Bool == true && dispatched.json["repeatOf"] as? String == repairs[1], "\(dispatched.body)")
                #expect(try await ticket(repairs[1])["nonconformityOpen"] as? Bool == false, "the second is not a repeat yet")

                // Without a register entry, the free-text place is compared normalised.
                var pumps: [String] = []
                for (index, place) in ["8号楼 水泵房", "8号楼水泵房", "８号楼水泵房 "].enumerated() {
                    pumps.append(try await Self.create(client, agent, #"{"channel":"phone","category":"repair","location":"\#(place)","repairItemId":"\#(pump)","description":"水泵漏水 \#(index)"}"#))
                }
                let thirdPump = try await ticket(pumps[2])
                #expect(thirdPump["nonconformityOpen"] as? Bool == true && thirdPump["placeId"] == nil)

                let list = try await client.call(.get, "\(Self.ticketsURI)/\(repairs[2])/nonconformities", token: agent)
                #expect(list.items.count == 1)
                let nonconformity = try #require(list.items.first)
                let ncID = try #require(nonconformity["id"] as? String)
                #expect(Set(nonconformity["matchedTicketIds"] as? [String] ?? []) == Set(repairs[0...1]))
                #expect(nonconformity["kind"] as? String == "repeat")
                #expect((nonconformity["reason"] as? String)?.contains("same item at the same place") == true)

                // The flag clears only after a corrective action is recorded and closed by a manager.
                let tooEarly = try await client.call(.post, "\(Self.ticketsURI)/\(repairs[2])/nonconformities/\(ncID)/close", token: manager)
                #expect(tooEarly.status == .unprocessableContent && tooEarly.code == "ticket.corrective_action_required")
                let action = try await client.call(.post, "\(Self.ticketsURI)/\(repairs[2])/nonconformities/\(ncID)/corrective-action", token: agent, json: """
                    {"cause":"电梯导轨缺油","action":"每周润滑并加入巡检表","ownerId":"\(cast.plumber)","dueDate":"2026-11-30"}
                    """)
                #expect(action.status == .ok && action.json["actionRecordedAt"] != nil, "\(action.body)")
                #expect(try await client.call(.post, "\(Self.ticketsURI)/\(repairs[2])/nonconformities/\(ncID)/close", token: agent).status == .forbidden)
                let closed = try await client.call(.post, "\(Self.ticketsURI)/\(repairs[2])/nonconformities/\(ncID)/close", token: manager)
                #expect(closed.status == .ok && closed.json["closedAt"] != nil)
                let cleared = try await ticket(repairs[2])
                #expect(cleared["nonconformityOpen"] as? Bool == false && cleared["repeatOf"] as? String == repairs[1])
                let open = try await client.call(.get, "\(Self.ticketsURI)?nonconformity=true", token: agent)
                #expect(Set(open.items.compactMap { $0["id"] as? String }) == [second, late, pumps[2]])

                // Outside the window nothing repeats.
                clock.advance(minutes: 60 * 24 * 91)
                let muchLater = try await Self.create(client, agent, #"{"channel":"phone","category":"complaint","subject":"保洁不及时","causeClass":1,"reporter":{"name":"王先生","phone":"13900001111"},"description":"保洁"}"#)
                #expect(try await ticket(muchLater)["nonconformityOpen"] as? Bool == false)
            }
        }
    }

    /// 小型维修须当天解决，较大型的维修须在三天内解决（预约除外）: a repair item's scale brings the
    /// resolution deadline forward, at intake or when the item is named on dispatch.
    @Test func aSmallRepairIsDueTheSameWorkingDay() async throws {
        try await APIFixture.with { fixture in
            let cast = try await TicketCast.make(fixture)
            let clock = TestClock("2026-11-02T09:00:00+08:00")  // a Monday
            try await PlatformApplication.build(fixture.configuration(clock: clock), logger: quietLogger).test(.live) { client in
                let agent = fixture.bearer("h01.agent"), manager = fixture.bearer("h01.manager")
                let small = try await client.call(.post, "/api/v1/sites/H01/repair-items", token: manager, json: #"{"code":"tap_washer","name":"更换水龙头垫片","scale":"small","fee":15,"feeUnit":"个"}"#)
                let item = try #require(small.json["id"] as? String)
                #expect(small.json["fee"] as? Double == 15 && small.json["feeUnit"] as? String == "个")
                func due(_ json: String) async throws -> String {
                    let response = try await client.call(.post, Self.ticketsURI, token: agent, json: json)
                    #expect(response.status == .created, "\(response.body)")
                    return try #require((response.json["deadlines"] as? [String: Any])?["resolveDueAt"] as? String)
                }
                let plain = try await due(#"{"channel":"phone","category":"repair","location":"2号楼","description":"水龙头滴水"}"#)
                let itemised = try await due(#"{"channel":"phone","category":"repair","location":"2号楼","repairItemId":"\#(item)","description":"水龙头滴水"}"#)
                let endOfMonday = try #require(RFC3339.parse("2026-11-03T00:00:00+08:00"))
                #expect(RFC3339.parse(plain).map { $0 > endOfMonday } == true, "three working days: \(plain)")
                #expect(RFC3339.parse(itemised).map { $0 <= endOfMonday } == true, "the same working day: \(itemised)")
                // Named on dispatch: the deadline moves then.
                let later = try await Self.create(client, agent, #"{"channel":"phone","category":"repair","location":"3号楼","description":"水龙头滴水"}"#)
                let dispatched = try await client.act(later, "dispatch", as: agent, #"{"departmentId":"\#(cast.engineering)","repairItemId":"\#(item)"}"#)
                #expect(((dispatched.json["deadlines"] as? [String: Any])?["resolveDueAt"] as? String).flatMap(RFC3339.parse).map { $0 <= endOfMonday } == true,
                        "\(dispatched.body)")
                // Only repairs name an item; the item must be this site's and active.
                let inquiry = try await client.call(.post, Self.ticketsURI, token: agent, json: #"{"channel":"phone","category":"inquiry","repairItemId":"\#(item)","description":"问问"}"#)
                #expect(inquiry.status == .unprocessableContent && inquiry.fields == ["repairItemId"])
                let unknown = try await client.call(.post, Self.ticketsURI, token: agent, json: #"{"channel":"phone","category":"repair","repairItemId":"\#(UUID())","description":"问问"}"#)
                #expect(unknown.status == .unprocessableContent && unknown.code == "ticket.unknown_repair_item")
                // A complaint names its subject.
                let noSubject = try await client.call(.post, Self.ticketsURI, token: agent, json: #"{"channel":"phone","category":"complaint","reporter":{"unit":"3号楼"},"description":"太吵"}"#)
                #expect(noSubject.status == .unprocessableContent && noSubject.code == "ticket.subject_required" && noSubject.fields == ["subject"])
            }
        }
    }

    @Test func unsatisfiedFollowUpReopensTheCaseAsANonConformity() async throws {
        try await APIFixture.with { fixture in
            let cast = try await TicketCast.make(fixture)
            let clock = TestClock("2026-11-24T09:00:00+08:00")
            try await PlatformApplication.build(fixture.configuration(clock: clock), logger: quietLogger).test(.live) { client in
                let agent = fixture.bearer("h01.agent")
                let id = try await Self.create(client, agent, #"{"channel":"phone","category":"repair","location":"内科病房 12床","description":"呼叫器不响"}"#)
                #expect(try await Self.resolve(client, id, cast: cast).json["followUp"].map { ($0 as? [String: Any])?["sampled"] as? Bool } == true)
                #expect(try await client.act(id, "verify", as: agent, #"{"passed":true}"#).status == .ok)
                let unhappy = try await client.act(id, "follow-up", as: agent, #"{"method":"visit","rating":"unsatisfied","note":"还是不响"}"#)
                #expect(unhappy.status == .ok && unhappy.json["status"] as? String == "dispatched" && unhappy.json["reopenCount"] as? Int == 1)
                #expect(unhappy.json["nonconformityOpen"] as? Bool == true)
                clock.advance(minutes: 60)
                let nonconformities = try await client.call(.get, "\(Self.ticketsURI)/\(id)/nonconformities", token: agent)
                #expect(nonconformities.items.map { $0["kind"] as? String } == ["reopened"])
                // A verification that fails reopens too, and needs a reason.
                let again = try await Self.resolve(client, id, cast: cast)
                #expect(again.json["followUp"].map { ($0 as? [String: Any])?["ordinal"] as? Int } == 1, "the sample decision is kept")
                #expect(try await client.act(id, "verify", as: agent, #"{"passed":false}"#).fields == ["note"])
                let failed = try await client.act(id, "verify", as: agent, #"{"passed":false,"note":"现场检查仍有故障"}"#)
                #expect(failed.json["status"] as? String == "dispatched" && failed.json["reopenCount"] as? Int == 2)
                let mismatch = try await client.act(id, "follow-up", as: agent, #"{"method":"phone","satisfaction":2,"rating":"satisfied"}"#)
                #expect(mismatch.status == .conflict)  // not verified yet
                _ = try await Self.resolve(client, id, cast: cast)
                _ = try await client.act(id, "verify", as: agent, #"{"passed":true}"#)
                let inconsistent = try await client.act(id, "follow-up", as: agent, #"{"method":"phone","satisfaction":2,"rating":"satisfied"}"#)
                #expect(inconsistent.status == .unprocessableContent && inconsistent.fields == ["rating"])
                let happy = try await client.act(id, "follow-up", as: agent, #"{"method":"phone","satisfaction":3}"#)
                #expect(happy.json["status"] as? String == "followed_up")
                #expect(try await client.call(.get, "\(Self.ticketsURI)/\(id)/follow-ups", token: agent).items.map { $0["rating"] as? String }
                        == ["unsatisfied", "basically_satisfied"])
            }
        }
    }

    /// A month of repairs: exactly ⌈N × 30%⌉ are sampled, always the same ordinals, and the
    /// statistics count coverage against that quota.
    @Test func followUpSamplingMeetsTheQuotaOverAMonth() async throws {
        try await APIFixture.with { fixture in
            let cast = try await TicketCast.make(fixture)
            let clock = TestClock("2026-11-02T09:00:00+08:00")
            try await PlatformApplication.build(fixture.configuration(clock: clock), logger: quietLogger).test(.live) { client in
                let agent = fixture.bearer("h01.agent")
                var sampled: [Int] = []
                var ids: [String] = []
                for index in 1...20 {
                    let id = try await Self.create(client, agent, #"{"channel":"phone","category":"repair","description":"维修 \#(index)","location":"房间 \#(index)"}"#)
                    let resolved = try await Self.resolve(client, id, cast: cast)
                    if (resolved.json["followUp"] as? [String: Any])?["sampled"] as? Bool == true { sampled.append(index) }
                    ids.append(id)
                    clock.advance(minutes: 60 * 24)
                }
                #expect(sampled == [1, 4, 7, 11, 14, 17])
                // Follow up three of them, one unsatisfied.
                for (position, rating) in [(0, "satisfied"), (3, "basically_satisfied"), (6, "unsatisfied")] {
                    _ = try await client.act(ids[position], "verify", as: agent, #"{"passed":true}"#)
                    #expect(try await client.act(ids[position], "follow-up", as: agent, #"{"method":"phone","rating":"\#(rating)"}"#).status == .ok)
                }
                let stats = try await client.call(.get, "\(Self.ticketsURI)/stats?month=2026-11", token: fixture.bearer("hq.analyst"))
                #expect(stats.status == .ok, "\(stats.body)")
                let repair = (stats.json["followUp"] as? [[String: Any]])?.first { $0["followUpClass"] as? String == "repair" }
                #expect(repair?["resolved"] as? Int == 20 && repair?["required"] as? Int == 6 && repair?["sampled"] as? Int == 6)
                #expect(repair?["followedUp"] as? Int == 3 && repair?["coverage"] as? Double == 0.5)
                #expect((stats.json["satisfaction"] as? [String: Any])?["numerator"] as? Int == 2)
                #expect((stats.json["satisfaction"] as? [String: Any])?["denominator"] as? Int == 3)
                #expect(stats.json["reopened"] as? Int == 1)
            }
        }
    }

    @Test func theSweeperMarksMissedDeadlinesOnceAndOverdueFindsThem() async throws {
        try await APIFixture.with { fixture in
            _ = try await TicketCast.make(fixture)
            let clock = TestClock("2026-11-20T16:00:00+08:00")
            try await PlatformApplication.build(fixture.configuration(clock: clock), logger: quietLogger).test(.live) { client in
                let agent = fixture.bearer("h01.agent")
                let late = try await Self.create(client, agent, #"{"channel":"phone","category":"complaint","subject":"空调不制冷","reporter":{"unit":"2号楼301"},"description":"空调不制冷"}"#)
                let answered = try await Self.create(client, agent, #"{"channel":"phone","category":"complaint","subject":"走廊太吵","reporter":{"unit":"2号楼302"},"description":"走廊太吵"}"#)
                _ = try await client.act(answered, "feedback", as: agent, #"{"note":"已告知"}"#)
                let emergency = try await Self.create(client, agent, #"{"channel":"phone","category":"repair","priority":"emergency","description":"水管爆裂"}"#)

                clock.set("2026-11-20T17:01:00+08:00")  // the emergency repair is an hour old
                let sweeper = TicketSweeperProbe(fixture: fixture)
                #expect(try await sweeper.sweep(clock.now) == 1)
                #expect(try await sweeper.sweep(clock.now) == 0)
                let overdue = try await client.call(.get, "\(Self.ticketsURI)?overdue=true", token: agent)
                #expect(overdue.items.compactMap { $0["id"] as? String } == [emergency])
                #expect((overdue.items.first?["deadlines"] as? [String: Any])?["overdue"] as? [String] == ["resolution"])

                clock.set("2026-11-23T16:00:01+08:00")  // Monday, just past the 24 h of working days
                #expect(try await sweeper.sweep(clock.now) == 2)  // feedback on `late` and on the emergency repair
                let nowOverdue = try await client.call(.get, "\(Self.ticketsURI)?overdue=true", token: agent)
                #expect(Set(nowOverdue.items.compactMap { $0["id"] as? String }) == [late, emergency])
                let notOverdue = try await client.call(.get, "\(Self.ticketsURI)?overdue=false", token: agent)
                #expect(notOverdue.items.compactMap { $0["id"] as? String } == [answered])
                let timeline = try await client.call(.get, "\(Self.ticketsURI)/\(late)/timeline", token: agent)
                #expect(timeline.items.map { $0["action"] as? String } == ["create", "sla.feedback_breached"])
                #expect(timeline.items.last?["actorRole"] as? String == "system")

                let stats = try await client.call(.get, "\(Self.ticketsURI)/stats?month=2026-11", token: agent)
                #expect((stats.json["onTimeFeedback"] as? [String: Any])?["numerator"] as? Int == 1)
                #expect((stats.json["onTimeFeedback"] as? [String: Any])?["denominator"] as? Int == 3)
            }
        }
    }

    @Test func monthlyStatisticsMatchAHandCount() async throws {
        try await APIFixture.with { fixture in
            let cast = try await TicketCast.make(fixture)
            let clock = TestClock("2026-10-31T23:30:00+08:00")
            try await PlatformApplication.build(fixture.configuration(clock: clock), logger: quietLogger).test(.live) { client in
                let agent = fixture.bearer("h01.agent")
                _ = try await Self.create(client, agent, #"{"channel":"phone","category":"complaint","subject":"十月的投诉","reporter":{"unit":"1号楼101"},"description":"十月的投诉"}"#)  // October: not counted
                clock.set("2026-11-01T00:10:00+08:00")  // still 31 October in UTC
                let c1 = try await Self.create(client, agent, #"{"channel":"phone","category":"complaint","subject":"投诉一","causeClass":1,"reporter":{"unit":"1号楼102"},"description":"投诉一"}"#)
                _ = try await Self.create(client, agent, #"{"channel":"visit","category":"complaint","subject":"投诉二","causeClass":3,"reporter":{"unit":"1号楼103"},"description":"投诉二"}"#)
                _ = try await Self.create(client, agent, #"{"channel":"visit","category":"complaint","subject":"投诉三","reporter":{"unit":"1号楼104"},"description":"投诉三"}"#)
                let r1 = try await Self.create(client, agent, #"{"channel":"online","category":"repair","description":"维修一","departmentId":"\#(cast.engineering)"}"#)
                _ = try await Self.create(client, agent, #"{"channel":"letter","category":"praise","description":"表扬"}"#)
                let cancelled = try await Self.create(client, agent, #"{"channel":"phone","category":"inquiry","description":"录错了"}"#)
                _ = try await client.act(cancelled, "cancel", as: agent, #"{"reason":"重复登记"}"#)
                _ = try await client.act(c1, "dispatch", as: agent, #"{"departmentId":"\#(cast.security)"}"#)
                _ = r1

                let stats = try await client.call(.get, "\(Self.ticketsURI)/stats?month=2026-11", token: fixture.bearer("h01.manager"))
                #expect(stats.json["received"] as? Int == 5)
                #expect(stats.json["byCategory"] as? [String: Int] == ["complaint": 3, "repair": 1, "praise": 1])
                #expect(stats.json["byCauseClass"] as? [String: Int] == ["1": 1, "3": 1, "unclassified": 1])
                #expect(stats.json["byChannel"] as? [String: Int] == ["phone": 1, "visit": 2, "online": 1, "letter": 1])
                #expect(stats.json["byDepartment"] as? [String: Int] == ["security": 1, "engineering": 1, "undispatched": 3])
                #expect(stats.json["timezone"] as? String == "Asia/Shanghai")
                let october = try await client.call(.get, "\(Self.ticketsURI)/stats?month=2026-10", token: agent)
                #expect(october.json["received"] as? Int == 1)
                let bad = try await client.call(.get, "\(Self.ticketsURI)/stats?month=2026-13", token: agent)
                #expect(bad.status == .unprocessableContent && bad.fields == ["month"])
            }
        }
    }

    @Test func chineseSearchFindsTwoCharacterWordsThroughTheIndex() async throws {
        try await APIFixture.with { fixture in
            _ = try await TicketCast.make(fixture)
            let clock = TestClock("2026-11-24T09:00:00+08:00")
            try await PlatformApplication.build(fixture.configuration(clock: clock), logger: quietLogger).test(.live) { client in
                let agent = fixture.bearer("h01.agent")
                let leak = try await Self.create(client, agent, #"{"channel":"phone","category":"repair","location":"门诊楼三层","description":"天花板漏水，地面积水"}"#)
                let lift = try await Self.create(client, agent, #"{"channel":"phone","category":"repair","location":"住院部2号电梯","description":"运行时有异响"}"#)
                let both = try await Self.create(client, agent, #"{"channel":"visit","category":"complaint","subject":"电梯井漏水很久了","description":"电梯井漏水很久了","reporter":{"name":"Zhang Wei","phone":"+86 139-0000-2222"}}"#)
                func search(_ q: String) async throws -> Set<String> {
                    let encoded = q.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed) ?? q
                    return Set(try await client.call(.get, "\(Self.ticketsURI)?q=\(encoded)", token: agent).items.compactMap { $0["id"] as? String })
                }
                #expect(try await search("漏水") == [leak, both])
                #expect(try await search("电梯") == [lift, both])
                #expect(try await search("电梯井漏水") == [both])
                #expect(try await search("zhang") == [both])
                #expect(try await search("+86 13900002222") == [both])
                #expect(try await search("2026") == [])  // numbers are looked up by GET …/tickets/{number}
                #expect(try await search("水漏") == [])
                let short = try await client.call(.get, "\(Self.ticketsURI)?q=%E6%BC%8F", token: agent)
                #expect(short.status == .unprocessableContent && short.fields == ["q"])
            }
            // The planner can answer a two-character query from the GIN index.
            let plan = try await fixture.platform.database.withConnection(fixture.platform.database.owner) { connection in
                try await connection.withTransaction([.setLocal("app.scope", "all"), .setLocal("enable_seqscan", "off")]) { connection in
                    try await connection.query("EXPLAIN SELECT id FROM tickets WHERE search_terms @> app.search_terms('漏水') AND strpos(search_text, '漏水') > 0")
                        .map { try $0.decode(at: 0, as: String.self) }.joined(separator: "\n")
                }
            }
            #expect(plan.contains("tickets_search"), "\(plan)")
        }
    }

    /// Search reads the newest tickets in order first and goes to the index for older ones:
    /// a phrase found only beyond that window is still found, and paging through a common
    /// phrase crosses the window without gaps or repeats.
    @Test func searchFindsMatchesBeyondTheNewestWindowAndPagesAcrossIt() async throws {
        try await APIFixture.with { fixture in
            let cast = try await TicketCast.make(fixture)
            let total = 6_200
            _ = try await fixture.platform.platform.pipeline(.operations, [PostgresStatement(
                """
                INSERT INTO tickets (site_id, number, channel, category, priority, status, owner_id, description, received_at, feedback_due_at, search_text, search_terms)
                SELECT $1, 'H01-2026-' || lpad(g::text, 6, '0'), 'phone', CASE WHEN g % 2 = 0 THEN 'repair' ELSE 'inquiry' END, 'normal', 'closed', $2, d, ts, ts,
                       lower(d), app.search_terms(lower(d))
                FROM generate_series(1, $3::int) g,
                     LATERAL (SELECT CASE WHEN g = 1 THEN '独特的短语只出现一次' WHEN g % 100 = 0 THEN '卫生间漏水 ' || g ELSE '例行巡查 ' || g END AS d,
                                     timestamptz '2026-01-01 00:00+08' + g * interval '1 minute' AS ts) x
                """, [fixture.h01.id, cast.reception, total])])
            let clock = TestClock("2026-11-24T09:00:00+08:00")
            try await PlatformApplication.build(fixture.configuration(clock: clock), logger: quietLogger).test(.live) { client in
                let agent = fixture.bearer("h01.agent")
                let rare = try await client.call(.get, "\(Self.ticketsURI)?q=%E7%8B%AC%E7%89%B9%E7%9A%84%E7%9F%AD%E8%AF%AD", token: agent)  // 独特的短语
                #expect(rare.items.compactMap { $0["number"] as? String } == ["H01-2026-000001"])
                var numbers: [String] = []
                var cursor: String?
                repeat {
                    let page = try await client.call(.get, "\(Self.ticketsURI)?q=%E6%BC%8F%E6%B0%B4&limit=25" + (cursor.map { "&cursor=\($0)" } ?? ""), token: agent)
                    #expect(page.status == .ok)
                    numbers += page.items.compactMap { $0["number"] as? String }
                    cursor = page.json["nextCursor"] as? String
                } while cursor != nil && numbers.count < 200
                let expected = stride(from: total / 100 * 100, through: 100, by: -100).map { "H01-2026-" + String(format: "%06d", $0) }
                #expect(numbers == expected)
                // A phrase and a filter that never meet: nothing, from the index.
                let never = try await client.call(.get, "\(Self.ticketsURI)?q=%E6%BC%8F%E6%B0%B4&category=inquiry", token: agent)
                #expect(never.status == .ok && never.items.isEmpty)
            }
        }
    }

    /// The index search runs as `platform_search` (migrations 0020, 0022), whose policy on
    /// tickets is `true`: it takes its site from the request's own settings, never from an
    /// argument, answers only when they name exactly one site, and no superuser grant is
    /// behind it.
    @Test func theSearchFunctionSearchesOnlyTheSiteTheRequestsSettingsName() async throws {
        try await APIFixture.with { fixture in
            let cast = try await TicketCast.make(fixture)
            _ = try await fixture.platform.platform.pipeline(.operations, [PostgresStatement(
                """
                INSERT INTO tickets (site_id, number, channel, category, priority, status, owner_id, description, received_at, feedback_due_at, search_text, search_terms)
                VALUES ($1, 'H01-2026-900001', 'phone', 'repair', 'normal', 'closed', $2, '配电间停电', now(), now(), '配电间停电', app.search_terms('配电间停电'))
                """, [fixture.h01.id, cast.reception])])
            let search = PostgresStatement("SELECT count(*)::int AS found FROM app.ticket_search_ids(app.search_cover('配电间停电'), '配电间停电')")
            let app = fixture.platform.platform
            func found(_ scope: AccessScope) async throws -> Int { try await app.pipeline(scope, [search])[0][0].decode("found") }
            #expect(try await found(AccessScope(sites: .only([fixture.h01.id]), role: "site_agent")) == 1)
            #expect(try await found(AccessScope(sites: .only([fixture.r01.id]), role: "site_manager")) == 0, "R01's settings search R01 only")
            #expect(try await found(AccessScope(sites: .only([fixture.r01.id, fixture.h01.id]), role: "regional_manager")) == 0, "several sites: none")
            #expect(try await found(AccessScope(sites: .all, role: "hq_analyst")) == 0, "all sites names no one site")
            #expect(try await found(AccessScope(sites: .only([]), role: "none")) == 0)
            // The form that took a site as an argument is gone.
            let old = try await fixture.platform.database.withConnection(fixture.platform.database.superuser) { connection in
                try await connection.query("SELECT to_regprocedure('app.ticket_search_ids(uuid, text[], text, text, text, text)') IS NULL AS gone", prepared: false)[0]
                    .decode("gone", as: Bool.self)
            }
            #expect(old)
            // The filters the index intersects.
            let h01 = AccessScope(sites: .only([fixture.h01.id]), role: "site_agent")
            func filtered(_ status: String?, _ priority: String?, _ category: String?) async throws -> Int {
                try await app.pipeline(h01, [PostgresStatement(
                    "SELECT count(*)::int AS found FROM app.ticket_search_ids(app.search_cover('配电间停电'), '配电间停电', $1, $2, $3)",
                    [status, priority, category])])[0][0].decode("found")
            }
            #expect(try await filtered("closed", "normal", "repair") == 1)
            #expect(try await filtered(nil, nil, "inquiry") == 0)
            #expect(try await filtered("received", nil, nil) == 0)
            // Without any settings at all (a direct session), nothing either.
            let bare = try await fixture.platform.database.withConnection(fixture.platform.database.app) { connection in
                try await connection.execute(search)[0].decode("found", as: Int.self)
            }
            #expect(bare == 0)
            // And the index is used without the superuser's leakproof mark.
            let leakproof = try await fixture.platform.database.withConnection(fixture.platform.database.superuser) { connection in
                try await connection.query("SELECT proleakproof FROM pg_proc WHERE oid = 'pg_catalog.arraycontains(anyarray, anyarray)'::regprocedure", prepared: false)[0]
                    .decode("proleakproof", as: Bool.self)
            }
            #expect(!leakproof)
        }
    }

    /// Another site's tickets do not exist for a site's users: by id, by number, in lists,
    /// searches and statistics, and through every action.
    @Test func ticketsOfOneSiteAreInvisibleFromAnother() async throws {
        try await APIFixture.with { fixture in
            let cast = try await TicketCast.make(fixture)
            let clock = TestClock("2026-11-24T09:00:00+08:00")
            let (_, endpoints) = try PlatformApplication.router(pool: fixture.platform.platform.pool)
            try await PlatformApplication.build(fixture.configuration(clock: clock), logger: quietLogger).test(.live) { client in
                let id = try await Self.create(client, fixture.bearer("h01.agent"), #"{"channel":"phone","category":"complaint","subject":"漏水投诉","description":"漏水投诉","causeClass":1,"reporter":{"unit":"1号楼105"}}"#)
                _ = try await client.act(id, "dispatch", as: fixture.bearer("h01.agent"), #"{"departmentId":"\#(cast.engineering)"}"#)
                let outsider = fixture.bearer("r01.manager")
                let ticketRoutes = endpoints.filter { $0.path.hasPrefix("/api/v1/sites/{siteCode}/tickets/{ticketId}") }
                #expect(ticketRoutes.count >= 17)
                for endpoint in ticketRoutes {
                    let path = endpoint.path.replacingOccurrences(of: "{siteCode}", with: "R01").replacingOccurrences(of: "{ticketId}", with: id)
                        .replacingOccurrences(of: "{nonconformityId}", with: UUID().uuidString)
                    let body = endpoint.request == "CorrectiveAction" ? #"{"cause":"c","action":"a","ownerId":"\#(cast.reception)","dueDate":"2026-12-01"}"# : #"{"note":"x"}"#
                    let answer = try await client.call(endpoint.method, path, token: outsider, json: endpoint.request == nil ? nil : body)
                    #expect(answer.status == .notFound, "\(endpoint.method) \(endpoint.path): \(answer.status) \(answer.body.prefix(120))")
                }
                #expect(try await client.call(.get, "/api/v1/sites/R01/tickets/H01-2026-000001", token: outsider).status == .notFound)
                #expect(try await client.call(.get, "/api/v1/sites/H01/tickets/\(id)", token: outsider).code == "site.not_found")
                #expect(try await client.call(.get, "/api/v1/sites/R01/tickets?q=%E6%BC%8F%E6%B0%B4", token: outsider).items.isEmpty)
                #expect(try await client.call(.get, "/api/v1/sites/R01/tickets/stats?month=2026-11", token: outsider).json["received"] as? Int == 0)
                // A cursor from H01's listing is refused at R01.
                _ = try await Self.create(client, fixture.bearer("h01.agent"), #"{"channel":"phone","category":"inquiry","description":"问询"}"#)
                let page = try await client.call(.get, "/api/v1/sites/H01/tickets?limit=1", token: fixture.bearer("hq.admin"))
                let cursor = try #require(page.json["nextCursor"] as? String)
                #expect(try await client.call(.get, "/api/v1/sites/R01/tickets?cursor=\(cursor)", token: fixture.bearer("hq.admin")).code == "request.invalid_cursor")
                // R01's staff cannot be made the owner of, or dispatched to, an H01 ticket.
                let r01Department = try await fixture.departmentID(fixture.r01, "engineering")
                let foreign = try await client.act(id, "dispatch", as: fixture.bearer("h01.agent"), #"{"departmentId":"\#(r01Department)"}"#)
                #expect(foreign.status == .unprocessableContent && foreign.fields == ["departmentId"])
            }
            #expect(try await fixture.count("SELECT count(*) FROM ticket_events WHERE ticket_id IN (SELECT id FROM tickets WHERE number = 'H01-2026-000001')") == 2)
        }
    }

    /// Numbers come from one sequence per site and year, without gaps, under concurrency.
    @Test func concurrentIntakeGetsGaplessNumbers() async throws {
        try await APIFixture.with { fixture in
            let cast = try await TicketCast.make(fixture)
            let clock = TestClock("2026-11-24T09:00:00+08:00")
            try await PlatformApplication.build(fixture.configuration(clock: clock), logger: quietLogger).test(.router) { client in
                let agent = fixture.bearer("h01.agent")
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for index in 0..<40 {
                        group.addTask {
                            // Every fifth names an owner of another site: refused, and its number is not used up.
                            let owner = index % 5 == 0 ? UUID().uuidString : cast.reception.uuidString
                            _ = try await client.call(.post, Self.ticketsURI, token: agent,
                                                      json: #"{"channel":"phone","category":"inquiry","description":"问询 \#(index)","ownerId":"\#(owner)"}"#)
                        }
                    }
                    try await group.waitForAll()
                }
            }
            #expect(try await fixture.count("SELECT count(*) FROM tickets") == 32)
            #expect(try await fixture.count("SELECT count(*) FROM tickets WHERE number = ANY (SELECT 'H01-2026-' || lpad(n::text, 6, '0') FROM generate_series(1, 32) n)") == 32)
            #expect(try await fixture.count("SELECT last_number FROM ticket_counters") == 32)
        }
    }

    @Test func theMillionthRecordOfAYearGetsASevenDigitNumberNotAnEarlierOne() async throws {
        try await APIFixture.with { fixture in
            let cast = try await TicketCast.make(fixture)
            let clock = TestClock("2026-11-24T09:00:00+08:00")
            _ = try await fixture.platform.platform.pipeline(.operations, [PostgresStatement(
                "INSERT INTO ticket_counters (site_id, year, last_number) VALUES ($1, 2026, 999999)", [fixture.h01.id])])
            try await PlatformApplication.build(fixture.configuration(clock: clock), logger: quietLogger).test(.router) { client in
                var numbers: [String] = []
                for index in 0..<2 {
                    let created = try await client.call(.post, Self.ticketsURI, token: fixture.bearer("h01.agent"),
                                                        json: #"{"channel":"phone","category":"inquiry","description":"问询 \#(index)","ownerId":"\#(cast.reception)"}"#)
                    #expect(created.status == .created, "\(created.body)")
                    numbers.append(created.json["number"] as? String ?? "")
                }
                #expect(numbers == ["H01-2026-1000000", "H01-2026-1000001"])
            }
        }
    }
}

/// Runs the deadline sweeper against the fixture's database with a given time.
struct TicketSweeperProbe {
    let fixture: APIFixture

    func sweep(_ now: Date) async throws -> Int {
        try await TicketSweeper(database: fixture.platform.platform, clock: .system, interval: .seconds(60), logger: quietLogger).sweep(now: now)
    }
}
