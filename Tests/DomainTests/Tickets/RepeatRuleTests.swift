import Foundation
@testable import Domain
import Testing

@Suite("Repeats are the same matter: subject, item and place, as compared")
struct RepeatRuleTests {
    static let place = UUID(uuidString: "00000000-0000-0000-0000-000000000701")!
    static let item = UUID(uuidString: "00000000-0000-0000-0000-000000000702")!

    @Test func textIsComparedWithoutCaseSpacesFullWidthFormsOrPunctuation() {
        #expect(MatchKey.of("3栋 2单元－1201") == MatchKey.of("3栋2单元-1201"))
        #expect(MatchKey.of("８号楼 水泵房") == "8号楼水泵房")
        #expect(MatchKey.of("A-Lobby") == "a-lobby" && MatchKey.of("W5.12") == "w5.12")
        #expect(MatchKey.of("“保洁”，不及时。") == "保洁不及时")
        #expect(MatchKey.of("1201") != MatchKey.of("1202"))
        #expect(MatchKey.of("  ") == nil && MatchKey.of(nil) == nil)
    }

    @Test func aComplaintIsTheSameMatterBySubjectAndReporterOrPlace() {
        let byPhone = RepeatRule.matter(category: .complaint, subject: "保洁 不及时", repairItemId: nil, placeId: nil, locationKey: nil, phone: "13900001111")
        #expect(byPhone == RepeatRule.Matter(category: .complaint, subjectKey: "保洁不及时", phone: "13900001111"))
        // Without a subject there is no matter to compare; without a reporter or place, nothing to compare it by.
        #expect(RepeatRule.matter(category: .complaint, subject: nil, repairItemId: nil, placeId: nil, locationKey: "3号楼", phone: "13900001111") == nil)
        #expect(RepeatRule.matter(category: .complaint, subject: "噪音", repairItemId: nil, placeId: nil, locationKey: nil, phone: nil) == nil)
        // A place of the register replaces the free-text location.
        let placed = RepeatRule.matter(category: .complaint, subject: "噪音", repairItemId: nil, placeId: Self.place, locationKey: "3号楼", phone: nil)
        #expect(placed?.placeId == Self.place && placed?.locationKey == nil)
    }

    @Test func aRepairIsTheSameMatterByItemAndPlaceNotByCaller() {
        let repair = RepeatRule.matter(category: .repair, subject: nil, repairItemId: Self.item, placeId: nil, locationKey: "8号楼水泵房", phone: "13900001111")
        #expect(repair == RepeatRule.Matter(category: .repair, repairItemId: Self.item, locationKey: "8号楼水泵房"), "the phone is not compared for repairs")
        #expect(RepeatRule.matter(category: .repair, subject: nil, repairItemId: nil, placeId: Self.place, locationKey: nil, phone: nil) == nil, "no item yet")
        #expect(RepeatRule.matter(category: .repair, subject: nil, repairItemId: Self.item, placeId: nil, locationKey: nil, phone: "13900001111") == nil, "no place")
        #expect(RepeatRule.matter(category: .inquiry, subject: "x", repairItemId: nil, placeId: Self.place, locationKey: nil, phone: nil) == nil)
    }

    @Test func aRepairItemsScaleBringsTheDeadlineForwardUnlessByAppointment() throws {
        let monday = instant("2026-11-30T10:00:00+08:00")
        let rules = TicketIntakeTests.hospital
        func due(_ scale: RepairScale?, priority: TicketPriority = .normal, appointment: Bool = false) -> Date? {
            TicketClock.resolveDue(receivedAt: monday, category: .repair, priority: priority, policy: rules.tickets, calendar: TicketIntakeTests.office,
                                   timeZone: rules.timeZone, repairScale: scale, byAppointment: appointment)
        }
        #expect(due(nil) == instant("2026-12-03T10:00:00+08:00"), "normal: three working days")
        #expect(due(.small) == instant("2026-11-30T17:30:00+08:00"), "small: the same working day")
        #expect(due(.large) == due(nil), "large: three working days")
        #expect(due(.small, appointment: true) == due(nil), "预约除外")
        #expect(due(.large, priority: .emergency) == instant("2026-11-30T11:00:00+08:00"), "the earlier of the two")
    }

    @Test func aCatalogueItemIsValidatedAsAWhole() throws {
        let item = try NewRepairItem(code: " Tap ", name: " 更换水龙头 ", scale: .small, fee: 35.5, feeUnit: " 个 ", feeNote: "").validated()
        #expect(item.code == "tap" && item.name == "更换水龙头" && item.feeUnit == "个" && item.feeNote == nil)
        let bad = try #require(throws: DomainError.self) { try NewRepairItem(code: "1x", name: "", scale: .large, fee: -1).validated() }
        #expect(Set(bad.fieldErrors.map(\.field)) == ["code", "name", "fee"])
        let place = try NewPlace(code: "w5-12", kind: .bed, ward: "5病区", bed: "12床", contactPhone: "").validated()
        #expect(place.code == "W5-12" && place.name == "5病区 12床" && place.contactPhone == nil)
    }
}
