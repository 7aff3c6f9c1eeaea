import Domain
import Foundation
import Testing

@Suite("Staff records are checked before they are saved")
struct StaffRulesTests {
    let today = CalendarDate(year: 2026, month: 11, day: 26)

    func draft(hire: String = "2026-11-01", probation: String? = nil, mentor: UUID? = nil, id: UUID? = nil, phone: String? = nil) -> StaffRules.Draft {
        StaffRules.Draft(employeeNo: " E-001 ", name: " 王强 ", phone: phone, hireDate: CalendarDate(hire)!, probationUntil: probation.flatMap { CalendarDate($0) }, mentorId: mentor, id: id)
    }

    @Test func probationLastsAtMostSixMonths() throws {
        #expect(try StaffRules.validate(draft(probation: "2027-05-01"), today: today).probationUntil == CalendarDate("2027-05-01"))
        #expect(throws: DomainError.self) { try StaffRules.validate(draft(probation: "2027-06-01"), today: today) }
        #expect(throws: DomainError.self) { try StaffRules.validate(draft(probation: "2026-10-31"), today: today) }
    }

    @Test func nobodyMentorsThemselves() {
        let id = UUID()
        #expect(throws: DomainError.self) { try StaffRules.validate(draft(mentor: id, id: id), today: today) }
    }

    /// The direct superior (直上级) complaints go to is someone else.
    @Test func nobodyIsTheirOwnSuperior() throws {
        let id = UUID(), boss = UUID()
        var own = draft(id: id)
        own.supervisorId = id
        let error = try #require(throws: DomainError.self) { try StaffRules.validate(own, today: today) }
        #expect(error.fieldErrors.map { "\($0.field) \($0.code)" } == ["supervisorId staff.self_supervisor"])
        var other = draft(id: id)
        other.supervisorId = boss
        #expect(try StaffRules.validate(other, today: today).supervisorId == boss)
    }

    @Test func textIsTrimmedAndPhonesAreChecked() throws {
        let valid = try StaffRules.validate(draft(phone: "+86 138-0000-0000"), today: today)
        #expect(valid.employeeNo == "E-001" && valid.name == "王强")
        do {
            _ = try StaffRules.validate(draft(hire: "2028-01-01", phone: "call me"), today: today)
            Issue.record("expected errors")
        } catch let error as DomainError {
            #expect(Set(error.fieldErrors.map(\.field)) == ["phone", "hireDate"])
        }
    }

    @Test func theSiteDayDependsOnItsTimezone() {
        let instant = Date(timeIntervalSince1970: 1_795_740_000)  // 2026-11-26T23:20:00Z
        #expect(CalendarDate.day(of: instant, in: "Asia/Shanghai") == CalendarDate(year: 2026, month: 11, day: 27))
        #expect(CalendarDate.day(of: instant, in: "America/New_York") == CalendarDate(year: 2026, month: 11, day: 26))
    }
}
