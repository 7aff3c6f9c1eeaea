import Domain
import Foundation
import Testing

@Suite("A post is assigned only to someone who meets what it asks (持证上岗, education, veterans)")
struct PostRequirementsTests {
    let today = CalendarDate(year: 2026, month: 11, day: 26)
    let liftOperator = PostRequirements(postName: "电梯司机", level: .operative, veteransOnly: false, requiredCertificates: ["special_equipment_operation"])
    let manager = PostRequirements(postName: "项目经理", level: .management, veteransOnly: false, requiredCertificates: [])
    let hospitalGuard = PostRequirements(postName: "保安员", level: .operative, veteransOnly: true, requiredCertificates: [])
    let seniorHigh = PostRequirements.Candidate(education: .seniorHigh, isVeteran: false)

    func certificate(_ type: String = "special_equipment_operation", issued: String = "2022-01-01", expires: String) -> PostRequirements.HeldCertificate {
        PostRequirements.HeldCertificate(type: type, issuedOn: CalendarDate(issued)!, expiresOn: CalendarDate(expires)!)
    }

    func refusal(_ body: () throws -> Void) -> DomainError? {
        do {
            try body()
            return nil
        } catch let error as DomainError {
            return error
        } catch {
            Issue.record("unexpected \(error)")
            return nil
        }
    }

    @Test func aLicensedPostNeedsAValidCertificateOfEveryRequiredTypeOnTheDay() throws {
        let names = ["special_equipment_operation": "特种设备作业资格证"]
        // None yet (a new hire): refused on postId, telling them to record the certificate first.
        let none = try #require(refusal { try liftOperator.check(staff: seniorHigh, certificates: [], today: today, certificateNames: names) })
        #expect(none.code == "staff.licence_required" && none.fieldErrors.map(\.field) == ["postId"])
        #expect(none.message.contains("特种设备作业资格证") && none.message.contains("record the certificate before assigning the post"))
        // Valid through its expiry day, not after; not before its issue day; another type does not count.
        #expect(refusal { try liftOperator.check(staff: seniorHigh, certificates: [certificate(expires: "2026-11-26")], today: today) } == nil)
        #expect(refusal { try liftOperator.check(staff: seniorHigh, certificates: [certificate(expires: "2026-11-25")], today: today) }?.code == "staff.licence_required")
        #expect(refusal { try liftOperator.check(staff: seniorHigh, certificates: [certificate(issued: "2026-11-27", expires: "2030-01-01")], today: today) }?.code
            == "staff.licence_required")
        #expect(refusal { try liftOperator.check(staff: seniorHigh, certificates: [certificate("electrician", expires: "2030-01-01")], today: today) }?.code
            == "staff.licence_required")
        // An expired one beside a renewed one is fine.
        #expect(refusal { try liftOperator.check(staff: seniorHigh, certificates: [certificate(expires: "2024-01-01"), certificate(expires: "2030-01-01")], today: today) } == nil)
        // Every required type: the missing ones are named, in the post's order.
        let both = PostRequirements(postName: "电梯安全管理员", level: .operative, veteransOnly: false,
                                    requiredCertificates: ["special_equipment_operation", "elevator_safety_management"])
        #expect(both.missingCertificates([certificate(expires: "2030-01-01")], on: today) == ["elevator_safety_management"])
        #expect(both.missingCertificates([], on: today) == ["special_equipment_operation", "elevator_safety_management"])
    }

    @Test func managementPostsNeedAssociateEducationAndOperatorPostsSeniorHigh() {
        // 管理层人员…大专以上文化程度
        for education in [Education.associate, .bachelor, .master, .doctorate] {
            #expect(refusal { try manager.check(staff: .init(education: education, isVeteran: false), certificates: [], today: today) } == nil)
        }
        for education in [Education.primary, .juniorHigh, .seniorHigh, .vocational] {
            let error = refusal { try manager.check(staff: .init(education: education, isVeteran: false), certificates: [], today: today) }
            #expect(error?.code == "staff.education_required" && error?.fieldErrors.map(\.field) == ["education"], "\(education)")
        }
        // 操作层人员全部要求高中以上文化: vocational school counts as senior high.
        let cleaner = PostRequirements(postName: "保洁员", level: .operative, veteransOnly: false, requiredCertificates: [])
        for education in [Education.seniorHigh, .vocational, .associate, .bachelor] {
            #expect(refusal { try cleaner.check(staff: .init(education: education, isVeteran: false), certificates: [], today: today) } == nil)
        }
        for education in [Education.primary, .juniorHigh] {
            #expect(refusal { try cleaner.check(staff: .init(education: education, isVeteran: false), certificates: [], today: today) }?.code == "staff.education_required")
        }
        #expect(PostLevel.management.minimumEducation == .associate && PostLevel.operative.minimumEducation == .seniorHigh)
        #expect(PostLevel.operative.rawValue == "operator")
    }

    @Test func anEducationNotOnRecordIsRefusedNotGuessed() {
        let error = refusal { try manager.check(staff: .init(education: nil, isVeteran: false), certificates: [], today: today) }
        #expect(error?.code == "staff.education_required" && error?.fieldErrors.map(\.field) == ["education"])
        #expect(refusal { try manager.checkQualifications(staff: .init(education: nil, isVeteran: false)) }?.code == "staff.education_required")
    }

    @Test func veteransOnlyPostsAreHeldOnlyByVeterans() {
        // 内保岗位要求是退伍军人
        let error = refusal { try hospitalGuard.check(staff: seniorHigh, certificates: [], today: today) }
        #expect(error?.code == "staff.veteran_required" && error?.fieldErrors.map(\.field) == ["isVeteran"])
        #expect(refusal { try hospitalGuard.check(staff: .init(education: .seniorHigh, isVeteran: true), certificates: [], today: today) } == nil)
        #expect(refusal { try hospitalGuard.checkQualifications(staff: seniorHigh) }?.code == "staff.veteran_required")
        let anyGuard = PostRequirements(postName: "保安员", level: .operative, veteransOnly: false, requiredCertificates: [])
        #expect(refusal { try anyGuard.check(staff: seniorHigh, certificates: [], today: today) } == nil)
    }

    @Test func everyUnmetRequirementIsReportedAtOnce() {
        let strict = PostRequirements(postName: "内保主管", level: .management, veteransOnly: true, requiredCertificates: ["security_guard"])
        let error = refusal { try strict.check(staff: .init(education: .juniorHigh, isVeteran: false), certificates: [], today: today) }
        #expect(error?.code == "request.invalid")
        #expect(error?.fieldErrors.map(\.code) == ["staff.licence_required", "staff.education_required", "staff.veteran_required"])
        // A holder whose record changes is checked for education and veteran only; a lapsed licence is flagged on the post instead.
        #expect(refusal { try strict.checkQualifications(staff: .init(education: .bachelor, isVeteran: true)) } == nil)
    }

    @Test func hospitalTemplatesMakeSecurityGuardsVeteransOnlyAndManagersManagement() {
        let hospital = SiteTemplate.forKind(.hospital).posts
        #expect(hospital.first { $0.code == "security_guard" }?.veteransOnly == true)
        #expect(hospital.first { $0.code == "manager" }?.level == .management)
        #expect(hospital.filter { $0.code != "manager" }.allSatisfy { $0.level == .operative })
        #expect(SiteTemplate.forKind(.residence).posts.allSatisfy { !$0.veteransOnly })
        #expect(SiteTemplate.forKind(.governmentServiceCenter).posts.first { $0.code == "manager" }?.level == .management)
    }

    @Test func anAssignmentIsCheckedInFullAndAChangedQualificationOnlyAgainstTheQualifications() {
        let before = PostRequirements.Candidate(education: .seniorHigh, isVeteran: false)
        #expect(PostRequirements.Recheck(postChanged: true, from: before, to: before) == .everything)
        #expect(PostRequirements.Recheck(postChanged: true, from: nil, to: before) == .everything)
        #expect(PostRequirements.Recheck(postChanged: false, from: before, to: .init(education: .associate, isVeteran: false)) == .qualifications)
        #expect(PostRequirements.Recheck(postChanged: false, from: before, to: .init(education: .seniorHigh, isVeteran: true)) == .qualifications)
        #expect(PostRequirements.Recheck(postChanged: false, from: before, to: before) == PostRequirements.Recheck.none)
    }
}
