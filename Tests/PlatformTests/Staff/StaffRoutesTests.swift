import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Platform
import TestSupport
import Testing

@Suite("Site managers keep their staff records")
struct StaffRoutesTests {
    @Test func aManagerAddsChangesAndDeactivatesStaffWithAnAuditTrail() async throws {
        try await APIFixture.with { fixture in
            let engineering = try await fixture.departmentID(fixture.h01, "engineering")
            let security = try await fixture.departmentID(fixture.h01, "security")
            try await PlatformApplication.build(fixture.configuration, logger: quietLogger).test(.live) { client in
                let manager = fixture.bearer("h01.manager")
                let mentor = try await client.call(.post, "/api/v1/sites/H01/staff", token: manager,
                    json: #"{"employeeNo":"E001","name":"李师傅","departmentId":"\#(engineering)","hireDate":"2015-03-01","education":"vocational"}"#)
                #expect(mentor.status == .created, "\(mentor.body)")
                let mentorID = try #require(mentor.json["id"] as? String)
                let trainee = try await client.call(.post, "/api/v1/sites/H01/staff", token: manager,
                    json: #"{"employeeNo":"E002","name":"小张","phone":"13800000000","departmentId":"\#(engineering)","hireDate":"2026-11-01","probationUntil":"2027-04-30","mentorId":"\#(mentorID)"}"#)
                #expect(trainee.status == .created, "\(trainee.body)")
                let traineeID = try #require(trainee.json["id"] as? String)
                #expect(trainee.headers[.location] == "/api/v1/sites/H01/staff/\(traineeID)")
                #expect(trainee.json["probationUntil"] as? String == "2027-04-30")

                // A trainee cannot mentor; a duplicate employee number is a conflict.
                let traineeMentor = try await client.call(.post, "/api/v1/sites/H01/staff", token: manager,
                    json: #"{"employeeNo":"E003","name":"小王","departmentId":"\#(engineering)","hireDate":"2026-11-20","mentorId":"\#(traineeID)"}"#)
                #expect(traineeMentor.status == .unprocessableContent && traineeMentor.fields == ["mentorId"])
                let duplicate = try await client.call(.post, "/api/v1/sites/H01/staff", token: manager,
                    json: #"{"employeeNo":"E001","name":"重名","departmentId":"\#(engineering)","hireDate":"2020-01-01"}"#)
                #expect(duplicate.status == .conflict && duplicate.code == "staff.employee_no_taken")
                let longProbation = try await client.call(.post, "/api/v1/sites/H01/staff", token: manager,
                    json: #"{"employeeNo":"E004","name":"小赵","departmentId":"\#(engineering)","hireDate":"2026-11-01","probationUntil":"2027-11-01"}"#)
                #expect(longProbation.status == .unprocessableContent && longProbation.fields == ["probationUntil"])

                // Move to security, clear the mentor with null, keep the phone.
                let moved = try await client.call(.patch, "/api/v1/sites/H01/staff/\(traineeID)", token: manager,
                    json: #"{"departmentId":"\#(security)","mentorId":null,"isVeteran":true}"#, headers: [.ifMatch: "\"1\""])
                #expect(moved.status == .ok, "\(moved.body)")
                #expect(moved.json["departmentId"] as? String == security.uuidString)
                #expect(moved.json["mentorId"] == nil && moved.json["phone"] as? String == "13800000000" && moved.json["isVeteran"] as? Bool == true)
                #expect(moved.headers[.eTag] == "\"2\"")

                let left = try await client.call(.post, "/api/v1/sites/H01/staff/\(traineeID)/deactivate", token: manager)
                #expect(left.status == .ok && left.json["status"] as? String == "inactive")

                let active = try await client.call(.get, "/api/v1/sites/H01/staff?status=active", token: fixture.bearer("h01.agent"))
                #expect(active.items.map { $0["employeeNo"] as? String } == ["E001"])
                let search = try await client.call(.get, "/api/v1/sites/H01/staff?q=%E5%B8%88%E5%82%85", token: manager)  // 师傅
                #expect(search.items.map { $0["employeeNo"] as? String } == ["E001"])

                let audit = try await client.call(.get, "/api/v1/sites/H01/audit", token: manager)
                #expect(audit.items.map { $0["action"] as? String } == ["staff.deactivate", "staff.update", "staff.create", "staff.create"])
                let update = try #require(audit.items.first { $0["action"] as? String == "staff.update" })
                #expect((update["detail"] as? [String: String])?["mentorId"] == "null")
                let agentAudit = try await client.call(.get, "/api/v1/sites/H01/audit", token: fixture.bearer("h01.agent"))
                #expect(agentAudit.status == .forbidden)
            }
        }
    }

    @Test func staffCannotBePlacedInAnotherSitesDepartment() async throws {
        try await APIFixture.with { fixture in
            let foreign = try await fixture.departmentID(fixture.r01, "engineering")
            try await PlatformApplication.build(fixture.configuration, logger: quietLogger).test(.live) { client in
                let response = try await client.call(.post, "/api/v1/sites/H01/staff", token: fixture.bearer("h01.manager"),
                    json: #"{"employeeNo":"E001","name":"李","departmentId":"\#(foreign)","hireDate":"2020-01-01"}"#)
                #expect(response.status == .unprocessableContent && response.code == "staff.unknown_department" && response.fields == ["departmentId"])
            }
            #expect(try await fixture.count("SELECT count(*) FROM staff") == 0)
        }
    }
}
