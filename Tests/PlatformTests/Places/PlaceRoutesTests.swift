import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Platform
import TestSupport
import Testing

@Suite("The register of places (一户一卡) and the repair catalogue with its fee schedule")
struct PlaceRoutesTests {
    @Test func receptionRegistersPlacesAndManagersKeepTheRepairCatalogue() async throws {
        try await APIFixture.with { fixture in
            _ = try await TicketCast.make(fixture)
            try await PlatformApplication.build(fixture.configuration, logger: quietLogger).test(.live) { client in
                let manager = fixture.bearer("h01.manager"), agent = fixture.bearer("h01.agent"), staff = fixture.bearer("h01.staff")
                let places = "/api/v1/sites/H01/places", items = "/api/v1/sites/H01/repair-items"

                // Reception registers a household; the name defaults to its parts, the code is upper-cased, the phone kept as digits.
                let created = try await client.call(.post, places, token: agent,
                    json: #"{"code":"3-2-1201","kind":"household","building":"3栋","unit":"2单元1201","contactName":"王芳","contactPhone":"138 0000 1234"}"#)
                #expect(created.status == .created, "\(created.body)")
                let id = try #require(created.json["id"] as? String)
                #expect(created.json["name"] as? String == "3栋 2单元1201" && created.json["contactPhone"] as? String == "13800001234")
                #expect(created.headers[.location] == "\(places)/\(id)")
                let lower = try await client.call(.post, places, token: agent, json: #"{"code":"w5-12","kind":"bed","ward":"5病区","bed":"12床"}"#)
                #expect(lower.json["code"] as? String == "W5-12" && lower.json["name"] as? String == "5病区 12床")
                let taken = try await client.call(.post, places, token: agent, json: #"{"code":"3-2-1201","kind":"household","name":"重复"}"#)
                #expect(taken.status == .conflict && taken.code == "place.code_taken")
                let nameless = try await client.call(.post, places, token: agent, json: #"{"code":"X1","kind":"area"}"#)
                #expect(nameless.status == .unprocessableContent && nameless.fields == ["name"])
                let badCode = try await client.call(.post, places, token: agent, json: #"{"code":"3 2","kind":"area","name":"大堂","contactPhone":"abc"}"#)
                #expect(badCode.status == .unprocessableContent && Set(badCode.fields) == ["code", "contactPhone"])
                #expect(try await client.call(.post, places, token: staff, json: #"{"code":"S1","kind":"area","name":"车库"}"#).status == .forbidden)

                // Listing and finding by the start of the code or name, full-width and spaces aside.
                #expect(try await client.call(.get, "\(places)?q=%EF%BC%93%E6%A0%8B", token: staff).items.map { $0["id"] as? String } == [id], "３栋")
                #expect(try await client.call(.get, "\(places)?kind=bed", token: agent).items.map { $0["code"] as? String } == ["W5-12"])
                #expect(try await client.call(.get, "\(places)?kind=", token: agent).status == .unprocessableContent)

                // Corrections: a part given as "" is cleared; If-Match guards the version.
                let stale = try await client.call(.patch, "\(places)/\(id)", token: agent, json: #"{"floor":"12"}"#, headers: [.ifMatch: "\"9\""])
                #expect(stale.status == .preconditionFailed)
                let changed = try await client.call(.patch, "\(places)/\(id)", token: agent, json: #"{"floor":"12","contactName":""}"#, headers: [.ifMatch: "\"1\""])
                #expect(changed.status == .ok && changed.json["floor"] as? String == "12" && changed.json["contactName"] == nil && changed.json["version"] as? Int == 2,
                        "\(changed.body)")
                #expect(try await client.call(.post, "\(places)/\(id)/retire", token: agent).status == .forbidden)
                let retired = try await client.call(.post, "\(places)/\(id)/retire", token: manager)
                #expect(retired.status == .ok && retired.json["active"] as? Bool == false)
                let onRetired = try await client.call(.post, "/api/v1/sites/H01/tickets", token: agent,
                    json: #"{"channel":"phone","category":"repair","placeId":"\#(id)","description":"漏水"}"#)
                #expect(onRetired.status == .unprocessableContent && onRetired.code == "ticket.unknown_place")
                #expect(try await client.call(.post, "\(places)/\(id)/reinstate", token: manager).json["active"] as? Bool == true)

                // The repair catalogue: managers only, fees to the cent.
                #expect(try await client.call(.post, items, token: agent, json: #"{"code":"tap","name":"水龙头","scale":"small"}"#).status == .forbidden)
                let cents = try await client.call(.post, items, token: manager, json: #"{"code":"tap","name":"水龙头","scale":"small","fee":1.005}"#)
                #expect(cents.status == .unprocessableContent && cents.fields == ["fee"])
                let item = try await client.call(.post, items, token: manager, json: #"{"code":"Tap","name":"更换水龙头","scale":"small","fee":35.5,"feeUnit":"个","feeNote":"材料另计"}"#)
                #expect(item.status == .created && item.json["code"] as? String == "tap" && item.json["fee"] as? Double == 35.5, "\(item.body)")
                let itemID = try #require(item.json["id"] as? String)
                let repriced = try await client.call(.patch, "\(items)/\(itemID)", token: manager, json: #"{"fee":40,"scale":"large","feeNote":""}"#)
                #expect(repriced.json["fee"] as? Double == 40 && repriced.json["scale"] as? String == "large" && repriced.json["feeNote"] == nil, "\(repriced.body)")
                #expect(try await client.call(.get, "\(items)?scale=large", token: staff).items.map { $0["id"] as? String } == [itemID])
                // A malformed id is an unknown item, with a code that makes a valid problem type URI (found by fuzzing).
                let malformed = try await client.call(.get, "\(items)/not-an-id", token: staff)
                #expect(malformed.status == .notFound && malformed.code == "repair_item.not_found", "\(malformed.body)")
                #expect((malformed.json["type"] as? String).flatMap(URL.init(string:)) != nil)
                #expect(try await client.call(.post, "\(items)/\(itemID)/retire", token: manager).json["active"] as? Bool == false)
                let onRetiredItem = try await client.call(.post, "/api/v1/sites/H01/tickets", token: agent,
                    json: #"{"channel":"phone","category":"repair","repairItemId":"\#(itemID)","description":"漏水"}"#)
                #expect(onRetiredItem.status == .unprocessableContent && onRetiredItem.code == "ticket.unknown_repair_item")

                // Two places of one name: text naming both links neither.
                _ = try await client.call(.post, places, token: agent, json: #"{"code":"A-LOBBY","kind":"area","name":"大堂"}"#)
                _ = try await client.call(.post, places, token: agent, json: #"{"code":"B-LOBBY","kind":"area","name":"大堂"}"#)
                let ambiguous = try await client.call(.post, "/api/v1/sites/H01/tickets", token: agent,
                    json: #"{"channel":"phone","category":"repair","location":"大堂","description":"灯不亮"}"#)
                #expect(ambiguous.status == .created && ambiguous.json["placeId"] == nil)
                let byCode = try await client.call(.post, "/api/v1/sites/H01/tickets", token: agent,
                    json: #"{"channel":"phone","category":"repair","location":"a-lobby","description":"灯不亮"}"#)
                #expect(byCode.json["placeId"] != nil && byCode.json["placeId"] as? String != nil)

                // Every write audited.
                let audit = try await client.call(.get, "/api/v1/sites/H01/audit?limit=200", token: manager)
                let actions = Set(audit.items.compactMap { $0["action"] as? String })
                #expect(actions.isSuperset(of: ["place.create", "place.update", "place.retire", "place.reinstate", "repair_item.create", "repair_item.update", "repair_item.retire"]))
            }
        }
    }
}
