import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Platform
import TestSupport
import Testing

@Suite("Site managers keep their posts and the certificates each requires")
struct PostRoutesTests {
    @Test func aNewSiteIsStaffedThroughTheAPIFromItsListOfPosts() async throws {
        try await APIFixture.with { fixture in
            let elevator = try await fixture.departmentID(fixture.h01, "elevator")
            let engineering = try await fixture.departmentID(fixture.h01, "engineering")
            try await PlatformApplication.build(fixture.configuration, logger: quietLogger).test(.live) { client in
                let manager = fixture.bearer("h01.manager")
                // The template's posts are listed with what each requires; the agent may read them too.
                let listed = try await client.call(.get, "/api/v1/sites/H01/posts?limit=200", token: fixture.bearer("h01.agent"))
                #expect(listed.status == .ok, "\(listed.body)")
                let templatePosts = listed.items.count
                #expect(templatePosts >= 5)
                #expect(listed.items.contains { ($0["requiredCertificates"] as? [String])?.contains("electrician") == true })

                // Create, with certificate types checked against the reference list.
                let unknown = try await client.call(.post, "/api/v1/sites/H01/posts", token: manager,
                    json: #"{"code":"lift_driver","name":"电梯司机","departmentId":"\#(elevator)","requiredCertificates":["pilot_licence"]}"#)
                #expect(unknown.status == .unprocessableContent && unknown.fields == ["requiredCertificates"], "\(unknown.body)")
                let refused = try await client.call(.post, "/api/v1/sites/H01/posts", token: fixture.bearer("h01.agent"),
                    json: #"{"code":"lift_driver","name":"电梯司机"}"#)
                #expect(refused.status == .forbidden)
                let created = try await client.call(.post, "/api/v1/sites/H01/posts", token: manager,
                    json: #"{"code":"Lift_Driver","name":" 电梯司机 ","departmentId":"\#(elevator)","requiredCertificates":["special_equipment_operation"]}"#)
                #expect(created.status == .created, "\(created.body)")
                let id = try #require(created.json["id"] as? String)
                #expect(created.json["code"] as? String == "lift_driver" && created.json["name"] as? String == "电梯司机" && created.json["holders"] as? Int == 0)
                #expect(created.headers[.location] == "/api/v1/sites/H01/posts/\(id)")
                let taken = try await client.call(.post, "/api/v1/sites/H01/posts", token: manager, json: #"{"code":"lift_driver","name":"另一个"}"#)
                #expect(taken.status == .conflict && taken.code == "post.code_taken")

                // A staff member is hired, their certificate recorded, then the post assigned (持证上岗); the post counts its holder.
                let hired = try await client.call(.post, "/api/v1/sites/H01/staff", token: manager,
                    json: #"{"employeeNo":"D9","name":"刘司机","departmentId":"\#(elevator)","education":"senior_high","hireDate":"2024-01-01"}"#)
                #expect(hired.status == .created, "\(hired.body)")
                let staffID = try #require(hired.json["id"] as? String)
                let certified = try await client.call(.post, "/api/v1/sites/H01/certificates", token: manager,
                    json: #"{"staffId":"\#(staffID)","type":"special_equipment_operation","number":"TS-D9","issuedOn":"2022-01-01","expiresOn":"2099-12-31"}"#)
                #expect(certified.status == .created, "\(certified.body)")
                let assigned = try await client.call(.patch, "/api/v1/sites/H01/staff/\(staffID)", token: manager, json: #"{"postId":"\#(id)"}"#)
                #expect(assigned.status == .ok, "\(assigned.body)")
                #expect(try await client.call(.get, "/api/v1/sites/H01/posts/\(id)", token: manager).json["holders"] as? Int == 1)

                // Rename and change what it requires, with If-Match.
                let stale = try await client.call(.patch, "/api/v1/sites/H01/posts/\(id)", token: manager, json: #"{"name":"电梯驾驶员"}"#, headers: [.ifMatch: "\"7\""])
                #expect(stale.status == .preconditionFailed)
                let renamed = try await client.call(.patch, "/api/v1/sites/H01/posts/\(id)", token: manager,
                    json: #"{"name":"电梯驾驶员","requiredCertificates":["special_equipment_operation","elevator_safety_management"]}"#, headers: [.ifMatch: "\"1\""])
                #expect(renamed.status == .ok, "\(renamed.body)")
                #expect(renamed.json["name"] as? String == "电梯驾驶员" && renamed.headers[.eTag] == "\"2\"")
                #expect(renamed.json["requiredCertificates"] as? [String] == ["special_equipment_operation", "elevator_safety_management"])

                // A post somebody holds is not retired; once they move, it is, and it leaves the active list.
                let busy = try await client.call(.post, "/api/v1/sites/H01/posts/\(id)/retire", token: manager)
                #expect(busy.status == .conflict && busy.code == "post.in_use")
                let moved = try await client.call(.patch, "/api/v1/sites/H01/staff/\(staffID)", token: manager, json: #"{"postId":null,"departmentId":"\#(engineering)"}"#)
                #expect(moved.status == .ok, "\(moved.body)")
                let retired = try await client.call(.post, "/api/v1/sites/H01/posts/\(id)/retire", token: manager)
                #expect(retired.status == .ok && retired.json["active"] as? Bool == false, "\(retired.body)")
                let active = try await client.call(.get, "/api/v1/sites/H01/posts?active=true&limit=200", token: manager)
                #expect(active.items.count == templatePosts && !active.items.contains { $0["id"] as? String == id })
                let reinstated = try await client.call(.post, "/api/v1/sites/H01/posts/\(id)/reinstate", token: manager)
                #expect(reinstated.status == .ok && reinstated.json["active"] as? Bool == true)

                let byDepartment = try await client.call(.get, "/api/v1/sites/H01/posts?department=\(elevator)", token: manager)
                #expect(byDepartment.items.contains { $0["id"] as? String == id })
                #expect(try await client.call(.get, "/api/v1/sites/H01/posts?department=", token: manager).status == .unprocessableContent)
            // A NUL in a name (found by fuzzing: the audit line's jsonb refused it, a 500) is refused before anything is written.
            let nul = try await client.call(.patch, "/api/v1/sites/H01/posts/\(id)", token: manager, json: #"{"name":"电梯\u0000司机"}"#)
            #expect(nul.status == .unprocessableContent && nul.code == "request.invalid_character" && nul.fields == ["name"], "\(nul.body)")

                let audit = try await client.call(.get, "/api/v1/sites/H01/audit", token: manager)
                #expect(audit.items.compactMap { $0["action"] as? String }.filter { $0.hasPrefix("post.") } == ["post.reinstate", "post.retire", "post.update", "post.create"])
            }
        }
    }

    @Test func anotherSitesDepartmentIsNotAPostsDepartment() async throws {
        try await APIFixture.with { fixture in
            let foreign = try await fixture.departmentID(fixture.r01, "engineering")
            try await PlatformApplication.build(fixture.configuration, logger: quietLogger).test(.live) { client in
                let response = try await client.call(.post, "/api/v1/sites/H01/posts", token: fixture.bearer("h01.manager"),
                    json: #"{"code":"fitter","name":"钳工","departmentId":"\#(foreign)"}"#)
                #expect(response.status == .unprocessableContent && response.fields == ["departmentId"])
            }
            #expect(try await fixture.count("SELECT count(*) FROM posts WHERE code = 'fitter'") == 0)
        }
    }
}
