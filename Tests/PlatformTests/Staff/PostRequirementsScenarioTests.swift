import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Platform
import TestSupport
import Testing

@Suite("Posts are held only by staff who meet what they ask (持证上岗, education, veterans)", .serialized)
struct PostRequirementsScenarioTests {
    static let staffURI = "/api/v1/sites/H01/staff"

    /// The onboarding order for a licensed post: the staff member first (without the post), then
    /// the certificate (it needs the staff id), then the post. A licence that lapses later is not
    /// refused after the fact but flagged on the post.
    @Test func aLicensedPostIsRefusedWithoutACertificateAllowedWithOneAndFlaggedOnceItLapses() async throws {
        try await APIFixture.with { fixture in
            let elevator = try await fixture.departmentID(fixture.h01, "elevator")
            let liftPost = try await LicenceTests.postID(fixture, fixture.h01, "elevator_operator")
            let clock = TestClock("2026-11-26T10:00:00+08:00")
            try await PlatformApplication.build(fixture.configuration(clock: clock), logger: quietLogger).test(.live) { client in
                let manager = fixture.bearer("h01.manager")
                let body = #"{"employeeNo":"D21","name":"周司机","departmentId":"\#(elevator)","education":"senior_high","hireDate":"2026-11-01""#

                // Hired straight onto the licensed post with no certificate on record: refused, saying what to do.
                let refused = try await client.call(.post, Self.staffURI, token: manager, json: body + #","postId":"\#(liftPost)"}"#)
                #expect(refused.status == .unprocessableContent && refused.code == "staff.licence_required" && refused.fields == ["postId"], "\(refused.body)")
                #expect(refused.body.contains("特种设备作业资格证") && refused.body.contains("record the certificate before assigning the post"))
                #expect(try await fixture.count("SELECT count(*) FROM staff WHERE employee_no = 'D21'") == 0)

                // Created without the post, the certificate recorded, then the post assigned.
                let hired = try await client.call(.post, Self.staffURI, token: manager, json: body + "}")
                #expect(hired.status == .created, "\(hired.body)")
                let staffID = try #require(hired.json["id"] as? String)
                let stillRefused = try await client.call(.patch, "\(Self.staffURI)/\(staffID)", token: manager, json: #"{"postId":"\#(liftPost)"}"#)
                #expect(stillRefused.code == "staff.licence_required")
                let certificate = try await LicenceTests.certificate(client, manager, staff: try #require(UUID(uuidString: staffID)),
                                                                     type: "special_equipment_operation", number: "TS-21", expires: "2026-11-30")
                #expect(certificate.status == .created, "\(certificate.body)")
                let assigned = try await client.call(.patch, "\(Self.staffURI)/\(staffID)", token: manager, json: #"{"postId":"\#(liftPost)"}"#)
                #expect(assigned.status == .ok && assigned.json["postId"] as? String == liftPost.uuidString, "\(assigned.body)")
                let post = try await client.call(.get, "/api/v1/sites/H01/posts/\(liftPost)", token: manager)
                #expect(post.json["holders"] as? Int == 1 && post.json["unlicensedHolders"] as? Int == 0, "\(post.body)")

                // The certificate ran through 30 November (Shanghai); on 1 December the holder is flagged on the post.
                clock.set("2026-12-01T09:00:00+08:00")
                let lapsed = try await client.call(.get, "/api/v1/sites/H01/posts/\(liftPost)", token: fixture.bearer("h01.agent"))
                #expect(lapsed.json["holders"] as? Int == 1 && lapsed.json["unlicensedHolders"] as? Int == 1, "\(lapsed.body)")
                let listed = try await client.call(.get, "/api/v1/sites/H01/posts?limit=200", token: manager)
                #expect(listed.items.first { $0["id"] as? String == liftPost.uuidString }?["unlicensedHolders"] as? Int == 1)
                #expect(listed.items.first { $0["code"] as? String == "cleaner" }?["unlicensedHolders"] as? Int == 0)
                // Keeping the post is not refused (a phone change goes through), but moving someone onto it now is.
                #expect(try await client.call(.patch, "\(Self.staffURI)/\(staffID)", token: manager, json: #"{"phone":"13800000021"}"#).status == .ok)

                // Renewed: no longer flagged.
                let certificateID = try #require(certificate.json["id"] as? String)
                let renewed = try await client.call(.patch, "/api/v1/sites/H01/certificates/\(certificateID)", token: manager, json: #"{"expiresOn":"2030-11-30"}"#)
                #expect(renewed.status == .ok, "\(renewed.body)")
                #expect(try await client.call(.get, "/api/v1/sites/H01/posts/\(liftPost)", token: manager).json["unlicensedHolders"] as? Int == 0)
            }
        }
    }

    @Test func managementPostsNeedCollegeEducationAndHospitalSecurityGuardsAreVeterans() async throws {
        try await APIFixture.with { fixture in
            let management = try await fixture.departmentID(fixture.h01, "management")
            let security = try await fixture.departmentID(fixture.h01, "security")
            let managerPost = try await LicenceTests.postID(fixture, fixture.h01, "manager")
            let guardPost = try await LicenceTests.postID(fixture, fixture.h01, "security_guard")
            try await PlatformApplication.build(fixture.configuration, logger: quietLogger).test(.live) { client in
                let manager = fixture.bearer("h01.manager")
                let posts = try await client.call(.get, "/api/v1/sites/H01/posts?limit=200", token: manager)
                #expect(posts.items.first { $0["code"] as? String == "manager" }?["level"] as? String == "management")
                #expect(posts.items.first { $0["code"] as? String == "security_guard" }?["veteransOnly"] as? Bool == true)

                // 管理层: 大专 or above. Senior high is refused; no education on record is refused too.
                let school = try await client.call(.post, Self.staffURI, token: manager, json: """
                    {"employeeNo":"M21","name":"孙经理","departmentId":"\(management)","postId":"\(managerPost)","education":"senior_high","hireDate":"2024-03-01"}
                    """)
                #expect(school.status == .unprocessableContent && school.code == "staff.education_required" && school.fields == ["education"], "\(school.body)")
                let unknown = try await client.call(.post, Self.staffURI, token: manager, json: """
                    {"employeeNo":"M21","name":"孙经理","departmentId":"\(management)","postId":"\(managerPost)","hireDate":"2024-03-01"}
                    """)
                #expect(unknown.code == "staff.education_required")
                let college = try await client.call(.post, Self.staffURI, token: manager, json: """
                    {"employeeNo":"M21","name":"孙经理","departmentId":"\(management)","postId":"\(managerPost)","education":"associate","hireDate":"2024-03-01"}
                    """)
                #expect(college.status == .created, "\(college.body)")
                let managerID = try #require(college.json["id"] as? String)
                // Lowering the education of a holder is refused too.
                let lowered = try await client.call(.patch, "\(Self.staffURI)/\(managerID)", token: manager, json: #"{"education":"vocational"}"#)
                #expect(lowered.code == "staff.education_required")

                // 内保岗位要求是退伍军人: a hospital's security guard post takes veterans only.
                let civilian = try await client.call(.post, Self.staffURI, token: manager, json: """
                    {"employeeNo":"B21","name":"钱保安","departmentId":"\(security)","postId":"\(guardPost)","education":"vocational","hireDate":"2024-03-01"}
                    """)
                #expect(civilian.status == .unprocessableContent && civilian.code == "staff.veteran_required" && civilian.fields == ["isVeteran"], "\(civilian.body)")
                let veteran = try await client.call(.post, Self.staffURI, token: manager, json: """
                    {"employeeNo":"B21","name":"钱保安","departmentId":"\(security)","postId":"\(guardPost)","education":"vocational","hireDate":"2024-03-01","isVeteran":true}
                    """)
                #expect(veteran.status == .created, "\(veteran.body)")
                let guardID = try #require(veteran.json["id"] as? String)
                #expect(try await client.call(.patch, "\(Self.staffURI)/\(guardID)", token: manager, json: #"{"isVeteran":false}"#).code == "staff.veteran_required")
                // Moved off the post, the flag is theirs to change.
                let moved = try await client.call(.patch, "\(Self.staffURI)/\(guardID)", token: manager, json: #"{"postId":null,"isVeteran":false}"#)
                #expect(moved.status == .ok, "\(moved.body)")

                // A site manager can make a post veterans-only or management, and back.
                let changed = try await client.call(.patch, "/api/v1/sites/H01/posts/\(guardPost)", token: manager, json: #"{"veteransOnly":false,"level":"operator"}"#)
                #expect(changed.status == .ok && changed.json["veteransOnly"] as? Bool == false, "\(changed.body)")
                let badLevel = try await client.call(.patch, "/api/v1/sites/H01/posts/\(guardPost)", token: manager, json: #"{"level":"boss"}"#)
                #expect(badLevel.status == .unprocessableContent || badLevel.status == .badRequest)
            }
        }
    }
}
