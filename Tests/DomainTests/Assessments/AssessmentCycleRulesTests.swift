import Domain
import Foundation
import Testing

@Suite("Assessment cycles: templates and cycles accepted, stages, scoring, publication, rankings and follow-ups")
struct AssessmentCycleRulesTests {
    static let cycleID = UUID(uuidString: "00000000-0000-0000-0000-000000000501")!
    static let templateID = UUID(uuidString: "00000000-0000-0000-0000-000000000502")!
    static let engineers = UUID(uuidString: "00000000-0000-0000-0000-000000000601")!
    static let plumbers = UUID(uuidString: "00000000-0000-0000-0000-000000000602")!
    static let engineering = UUID(uuidString: "00000000-0000-0000-0000-000000000301")!
    static let cleaning = UUID(uuidString: "00000000-0000-0000-0000-000000000302")!

    /// The November 2026 cycle in `status`.
    static func cycle(_ status: CycleStatus) -> AssessmentCycle {
        let created = instant("2026-10-28T09:00:00+08:00")
        return AssessmentCycle(id: cycleID, templateId: templateID, name: "2026年11月考核", period: "monthly", startsOn: CalendarDate(year: 2026, month: 11, day: 1),
                               endsOn: CalendarDate(year: 2026, month: 11, day: 30), departmentIds: [], postIds: [], status: status, version: 1,
                               createdAt: created, updatedAt: created)
    }

    /// 德 20, 能 20, 勤 20 on a scale of 5 and 绩 40 on a scale of 100, all scored by hand.
    static let handScored = [
        AssessmentItem(dimension: .conduct, name: "职业道德", weight: 20, scaleMax: 5),
        AssessmentItem(dimension: .ability, name: "业务能力", weight: 20, scaleMax: 5),
        AssessmentItem(dimension: .diligence, name: "出勤", weight: 20, scaleMax: 5),
        AssessmentItem(dimension: .results, name: "工作业绩", weight: 40, scaleMax: 100),
    ]

    /// The same, with diligence computed from resolved tickets (full marks at 10).
    static let withComputedItem = [
        handScored[0], handScored[1],
        AssessmentItem(dimension: .diligence, name: "解决工单", weight: 20, scaleMax: 5, metric: .ticketsResolved, target: 10),
        handScored[3],
    ]

    static func template(_ items: [AssessmentItem]) -> AssessmentTemplate {
        AssessmentTemplate(id: templateID, code: "monthly", name: "月度考核", kind: "regular", items: items, version: 1, createdAt: instant("2026-10-01T09:00:00+08:00"))
    }

    static func member(_ number: Int, post: UUID? = nil, total: Decimal? = nil, revision: Int? = nil) -> CycleMember {
        CycleMember(id: memberID(number), employeeNo: String(format: "E%03d", number), name: "员工\(number)", post: post, total: total, revision: revision)
    }

    static func memberID(_ number: Int) -> UUID {
        UUID(uuidString: String(format: "00000000-0000-0000-0000-%012d", 700 + number))!
    }

    /// The domain error `body` throws; nil when it throws none.
    static func refusal(_ body: () throws -> Void) -> DomainError? {
        do {
            try body()
        } catch let error as DomainError {
            return error
        } catch {
            return nil
        }
        return nil
    }

    // MARK: Templates

    @Test func aTemplateIsStoredWithItsCodeAndNameTrimmed() throws {
        let template = try AssessmentCycleRules.validTemplate(NewAssessmentTemplate(code: " monthly ", name: " 月度考核\n", items: Self.handScored))
        #expect(template.code == "monthly")
        #expect(template.name == "月度考核")
        #expect(template.kind == nil)
        #expect(template.items == Self.handScored)
    }

    @Test func aTemplateCodeIsLowerCaseLettersDigitsAndUnderscoreStartingWithALetter() {
        for code in ["Monthly", "1monthly", "monthly-2026", "", String(repeating: "m", count: 33)] {
            #expect(Self.refusal { _ = try AssessmentCycleRules.validTemplate(NewAssessmentTemplate(code: code, name: "月度考核", items: Self.handScored)) }
                    == DomainError.invalid(field: "code", code: "request.invalid_value", message: "lower-case letters, digits and _, starting with a letter"), "\(code)")
        }
        #expect(Self.refusal { _ = try AssessmentCycleRules.validTemplate(NewAssessmentTemplate(code: "m2026_11", name: "月度考核", items: Self.handScored)) } == nil)
    }

    @Test func aTemplateHasANameOfOneToAHundredCharactersAndIsRegularOrProbation() {
        let nameError = DomainError.invalid(field: "name", code: "request.invalid_value", message: "1–100 characters")
        #expect(Self.refusal { _ = try AssessmentCycleRules.validTemplate(NewAssessmentTemplate(code: "monthly", name: " \n", items: Self.handScored)) } == nameError)
        #expect(Self.refusal { _ = try AssessmentCycleRules.validTemplate(NewAssessmentTemplate(code: "monthly", name: String(repeating: "考", count: 101), items: Self.handScored)) }
                == nameError)
        #expect(Self.refusal { _ = try AssessmentCycleRules.validTemplate(NewAssessmentTemplate(code: "monthly", name: "年度考核", kind: "annual", items: Self.handScored)) }
                == DomainError.invalid(field: "kind", code: "request.invalid_value", message: "regular or probation"))
        #expect(Self.refusal { _ = try AssessmentCycleRules.validTemplate(NewAssessmentTemplate(code: "probation", name: "试用期考核", kind: "probation", items: Self.handScored)) } == nil)
    }

    @Test func everyTemplateItemIsNamed() {
        var items = Self.handScored
        items[1].name = "  "
        #expect(Self.refusal { _ = try AssessmentCycleRules.validTemplate(NewAssessmentTemplate(code: "monthly", name: "月度考核", items: items)) }
                == DomainError.invalid(field: "items[1].name", code: "request.invalid_value", message: "1–100 characters"))
    }

    @Test func aTemplateWhoseWeightsDoNotAddUpToOneHundredIsRefused() {
        var items = Self.handScored
        items[3].weight = 39
        let error = Self.refusal { _ = try AssessmentCycleRules.validTemplate(NewAssessmentTemplate(code: "monthly", name: "月度考核", items: items)) }
        #expect(error?.code == "assessment.template_invalid")
        #expect(error?.fieldErrors.map(\.code) == ["assessment.weights_not_100"])
    }

    @Test func onlyComputedItemsHaveATargetAndItIsPositive() {
        var manualWithTarget = Self.handScored
        manualWithTarget[0].target = 3
        #expect(Self.refusal { _ = try AssessmentCycleRules.validTemplate(NewAssessmentTemplate(code: "monthly", name: "月度考核", items: manualWithTarget)) }
                == DomainError.invalid(field: "items[0].target", code: "request.not_applicable", message: "only computed items (with a metric) have a target"))
        var zeroTarget = Self.withComputedItem
        zeroTarget[2].metric = .complaintsUpheld
        zeroTarget[2].target = 0
        #expect(Self.refusal { _ = try AssessmentCycleRules.validTemplate(NewAssessmentTemplate(code: "monthly", name: "月度考核", items: zeroTarget)) }
                == DomainError.invalid(field: "items[2].target", code: "request.invalid_value", message: "a target is positive"))
        var noTarget = Self.withComputedItem
        noTarget[2].target = nil
        #expect(Self.refusal { _ = try AssessmentCycleRules.validTemplate(NewAssessmentTemplate(code: "monthly", name: "月度考核", items: noTarget)) }
                == DomainError.invalid(field: "items[2].target", code: "request.missing_field", message: "how many resolved tickets earn full marks"))
        #expect(Self.refusal { _ = try AssessmentCycleRules.validTemplate(NewAssessmentTemplate(code: "monthly", name: "月度考核", items: Self.withComputedItem)) } == nil)
    }

    /// 视为申请人主动放弃: a no-show is the applicant's doing, so no new template scores staff on it.
    @Test func aNewTemplateMayNotScoreStaffOnNoShowsForTheyAreTheApplicants() {
        var items = Self.withComputedItem
        items[2] = AssessmentItem(dimension: .diligence, name: "爽约", weight: 20, scaleMax: 5, metric: .noShows, target: 1)
        #expect(Self.refusal { _ = try AssessmentCycleRules.validTemplate(NewAssessmentTemplate(code: "monthly", name: "月度考核", items: items)) }
                == DomainError.invalid(field: "items[2].metric", code: "assessment.metric_not_the_staffs",
                                       message: "a no-show is the applicant's doing (视为申请人主动放弃), not the staff member's; it cannot score staff"))
        #expect(AssessmentMetric.allCases.filter { !$0.countsAgainstStaff } == [.noShows])
    }

    /// A template saved before the rule keeps its `no_shows` item, which earns full marks whatever the no-shows.
    @Test func aNoShowsItemOfAnOlderTemplateEarnsFullMarksAndTheScoreSaysWhy() {
        let older = [Self.handScored[0], Self.handScored[1],
                     AssessmentItem(dimension: .diligence, name: "爽约", weight: 20, scaleMax: 5, metric: .noShows, target: 1), Self.handScored[3]]
        let revision = AssessmentCycleRules.revision(of: Self.member(1), scores: [4, 5, 80], reason: nil, cycle: Self.cycle(.open), template: Self.template(older),
                                                     evidence: AssessmentRules.Evidence())
        #expect(revision.scores == [4, 5, 5, 80])
        #expect(revision.total == 88)  // 4/5·20 + 5/5·20 + 5/5·20 + 80/100·40
        #expect(revision.notCounted == ["爽约"])
        #expect(revision.entry.explanation
                == "scored; 「爽约」 (no_shows) earns full marks: a no-show is the applicant's doing (视为申请人主动放弃) and never counts against staff")
        #expect(AssessmentRules.computedScore(.noShows, target: 50, scaleMax: 100, evidence: AssessmentRules.Evidence()) == 100)
    }

    @Test func aGroupTemplateIsCopiedOnlyWhenEveryNamedSiteIsActive() {
        #expect(Self.refusal { try AssessmentCycleRules.checkCopyTargets(requested: nil, active: ["H01", "H02"]) } == nil)
        #expect(Self.refusal { try AssessmentCycleRules.checkCopyTargets(requested: ["H02", "H01"], active: ["H01", "H02"]) } == nil)
        #expect(Self.refusal { try AssessmentCycleRules.checkCopyTargets(requested: ["H03", "H01", "H02"], active: ["H01"]) }
                == DomainError.invalid(field: "siteCodes", code: "site.not_found", message: "no active site H02, H03"))
    }

    // MARK: Cycles

    static func newCycle(name: String = "2026年11月考核", period: String = "monthly", endsOn: CalendarDate = CalendarDate(year: 2026, month: 11, day: 30),
                         departments: [UUID]? = nil, posts: [UUID]? = nil) -> NewAssessmentCycle {
        NewAssessmentCycle(templateId: templateID, name: name, period: period, startsOn: CalendarDate(year: 2026, month: 11, day: 1), endsOn: endsOn,
                           departmentIds: departments, postIds: posts)
    }

    @Test func aCycleIsMonthlyQuarterlyOrAnnualEndsOnOrAfterItsStartAndIsNamed() throws {
        #expect(try AssessmentCycleRules.validCycle(Self.newCycle(name: "  2026年11月考核 ")) == Self.newCycle(name: "2026年11月考核"))
        #expect(try AssessmentCycleRules.validCycle(Self.newCycle(endsOn: CalendarDate(year: 2026, month: 11, day: 1))).endsOn == CalendarDate(year: 2026, month: 11, day: 1))
        #expect(Self.refusal { _ = try AssessmentCycleRules.validCycle(Self.newCycle(period: "weekly")) }
                == DomainError.invalid(field: "period", code: "request.invalid_value", message: "monthly, quarterly or annual"))
        #expect(Self.refusal { _ = try AssessmentCycleRules.validCycle(Self.newCycle(endsOn: CalendarDate(year: 2026, month: 10, day: 31))) }
                == DomainError.invalid(field: "endsOn", code: "request.invalid_value", message: "the cycle ends on or after its start"))
        #expect(Self.refusal { _ = try AssessmentCycleRules.validCycle(Self.newCycle(name: " \n ")) }
                == DomainError.invalid(field: "name", code: "request.missing_field", message: "name the cycle"))
        #expect(Self.refusal { _ = try AssessmentCycleRules.validCycle(Self.newCycle(name: String(repeating: "考", count: 101))) }
                == DomainError.invalid(field: "name", code: "request.too_long", message: "at most 100 characters"))
    }

    @Test func aCycleNamesOnlyItsOwnSitesTemplateDepartmentsAndPosts() {
        let named = Self.newCycle(departments: [Self.engineering, Self.engineering, Self.cleaning], posts: [Self.plumbers])
        #expect(Self.refusal { try AssessmentCycleRules.checkReferences(named, found: CycleReferences(templateExists: true, departments: 2, posts: 1)) } == nil)
        #expect(Self.refusal { try AssessmentCycleRules.checkReferences(Self.newCycle(), found: CycleReferences(templateExists: true, departments: 0, posts: 0)) } == nil)
        #expect(Self.refusal { try AssessmentCycleRules.checkReferences(named, found: CycleReferences(templateExists: true, departments: 2, posts: 0)) }
                == DomainError.invalid(field: "postIds", code: "assessment.unknown_post", message: "every post must be of this site"))
        let several = Self.refusal { try AssessmentCycleRules.checkReferences(named, found: CycleReferences(templateExists: false, departments: 1, posts: 1)) }
        #expect(several?.code == "request.invalid")
        #expect(several?.problems == ["templateId assessment.unknown_template", "departmentIds assessment.unknown_department"])
    }

    // MARK: Stages

    @Test func aCycleGoesFromDraftThroughOpenReviewAndCalibrationToPublished() {
        #expect(AssessmentCycleRules.stages.map(\.action) == ["open", "review", "calibrate", "publish"])
        #expect(AssessmentCycleRules.stages.map(\.from) == [.draft, .open, .managerReview, .calibrated])
        #expect(AssessmentCycleRules.stages.map(\.to) == [.open, .managerReview, .calibrated, .published])
        #expect(AssessmentCycleRules.stages.map(\.publishes) == [false, false, false, true])
    }

    @Test func aStageActionIsTakenOnlyFromTheStatusItNeeds() throws {
        for stage in AssessmentCycleRules.stages {
            for status in CycleStatus.allCases {
                let error = Self.refusal { try AssessmentCycleRules.checkStage(stage, of: Self.cycle(status)) }
                let expected: DomainError? = status == stage.from ? nil
                    : DomainError(.conflict, code: "assessment.wrong_stage", message: "a \(status.rawValue) cycle cannot \(stage.action); it must be \(stage.from.rawValue)")
                #expect(error == expected, "\(stage.action) on a \(status.rawValue) cycle")
            }
        }
        let publish = try #require(AssessmentCycleRules.stages.last)
        #expect(Self.refusal { try AssessmentCycleRules.checkStage(publish, of: Self.cycle(.open)) }
                == DomainError(.conflict, code: "assessment.wrong_stage", message: "a open cycle cannot publish; it must be calibrated"))
    }

    @Test func publishingNeedsEveryMemberScoredAndNamesTheFirstTenUnscored() {
        let members = [Self.member(1, total: 80)] + (2...13).map { Self.member($0) }
        #expect(Self.refusal { _ = try AssessmentCycleRules.publish(members, policy: .defaults) }
                == DomainError(.invalid, code: "assessment.unscored", message: "12 member(s) are not scored: E002, E003, E004, E005, E006, E007, E008, E009, E010, E011"))
    }

    @Test func publicationFreezesTheLiveRankingOfTheScoredGroup() throws {
        let members = [Self.member(1, total: 80), Self.member(2, total: 90), Self.member(3, total: 70)]
        let results = try AssessmentCycleRules.publish(members, policy: .defaults)
        #expect(results == AssessmentCycleRules.liveRanking(members, policy: .defaults))
        #expect(results.map(\.employeeNo) == ["E002", "E001", "E003"])
        #expect(results.map(\.rank) == [1, 2, 3])
    }

    // MARK: Rankings

    @Test func theLiveRankingRanksScoredMembersInTheGroupAndInTheirPostWithTheUnscoredLast() {
        let members = [Self.member(4, post: Self.plumbers), Self.member(3, post: Self.plumbers, total: 85, revision: 1),
                       Self.member(2, post: Self.engineers, total: 80, revision: 2), Self.member(1, post: Self.engineers, total: 90, revision: 1)]
        let noBottom = "group of 3 is below 20: no bottom group"
        #expect(AssessmentCycleRules.liveRanking(members, policy: .defaults) == [
            RankingEntry(staffId: Self.memberID(1), employeeNo: "E001", name: "员工1", postId: Self.engineers, total: 90, rank: 1, postRank: 1,
                         percentile: Decimal(string: "66.7"), bottom: false, explanation: noBottom, revision: 1),
            RankingEntry(staffId: Self.memberID(3), employeeNo: "E003", name: "员工3", postId: Self.plumbers, total: 85, rank: 2, postRank: 1,
                         percentile: Decimal(string: "33.3"), bottom: false, explanation: noBottom, revision: 1),
            RankingEntry(staffId: Self.memberID(2), employeeNo: "E002", name: "员工2", postId: Self.engineers, total: 80, rank: 3, postRank: 2,
                         percentile: 0, bottom: false, explanation: noBottom, revision: 2),
            RankingEntry(staffId: Self.memberID(4), employeeNo: "E004", name: "员工4", postId: Self.plumbers, bottom: false, explanation: "not scored yet"),
        ])
    }

    @Test func theBottomShareAndMinimumGroupComeFromTheSitePoliciesWithFivePercentFromTwentyByDefault() {
        #expect(RankingPolicy.defaults.bottomShare == Decimal(string: "0.05"))
        #expect("\(RankingPolicy.defaults.bottomShare)" == "0.05")
        #expect(RankingPolicy.defaults.minimumGroup == 20)
        #expect(RankingPolicy(policies: [:]) == .defaults)
        #expect(RankingPolicy(policies: ["assessments.bottom_share": "five percent", "assessments.bottom_minimum_group": "twenty"]) == .defaults)
        let site = RankingPolicy(policies: ["assessments.bottom_share": "0.1", "assessments.bottom_minimum_group": "10"])
        #expect(site == RankingPolicy(bottomShare: Decimal(1) / 10, minimumGroup: 10))
        #expect(SiteRules(timeZone: shanghai, policies: ["assessments.bottom_minimum_group": "10"], calendars: [:]).ranking
                == RankingPolicy(bottomShare: RankingPolicy.defaultBottomShare, minimumGroup: 10))

        let ten = (1...10).map { Self.member($0, total: Decimal(70 - $0)) }
        #expect(AssessmentCycleRules.liveRanking(ten, policy: site).filter(\.bottom).map(\.employeeNo) == ["E010"])
        #expect(AssessmentCycleRules.liveRanking(ten, policy: .defaults).filter(\.bottom).isEmpty)
    }

    @Test func aPublishedCycleShowsItsFrozenResultsByRankThenEmployeeNumber() {
        func result(_ number: Int, rank: Int, bottom: Bool = false) -> RankingEntry {
            RankingEntry(staffId: Self.memberID(number), employeeNo: String(format: "E%03d", number), name: "员工\(number)", total: Decimal(100 - rank), rank: rank,
                         bottom: bottom, explanation: "frozen")
        }
        let frozen = [result(3, rank: 2), result(2, rank: 1), result(1, rank: 2, bottom: true)]
        let live = [Self.member(1, total: 50)]
        let published = AssessmentCycleRules.ranking(of: Self.cycle(.published), members: live, frozen: frozen, policy: .defaults, bottomOnly: false)
        #expect(published == Ranking(cycleId: Self.cycleID, status: .published, frozen: true, items: [frozen[1], frozen[2], frozen[0]]))
        let bottom = AssessmentCycleRules.ranking(of: Self.cycle(.published), members: live, frozen: frozen, policy: .defaults, bottomOnly: true)
        #expect(bottom.items == [frozen[2]])

        let calibrated = AssessmentCycleRules.ranking(of: Self.cycle(.calibrated), members: live, frozen: frozen, policy: .defaults, bottomOnly: false)
        #expect(calibrated == Ranking(cycleId: Self.cycleID, status: .calibrated, frozen: false, items: AssessmentCycleRules.liveRanking(live, policy: .defaults)))
        #expect(calibrated.items.map(\.total) == [50])
    }

    // MARK: Scores

    @Test func aScoreSheetIsTakenOnlyOnceTheCycleIsOpen() {
        #expect(Self.refusal { try AssessmentCycleRules.checkScoreSheet([4, 5, 5, 80], reason: nil, cycle: Self.cycle(.draft), template: Self.template(Self.handScored)) }
                == DomainError(.conflict, code: "assessment.wrong_stage", message: "open the cycle before scoring"))
        for status in [CycleStatus.open, .managerReview, .calibrated] {
            #expect(Self.refusal { try AssessmentCycleRules.checkScoreSheet([4, 5, 5, 80], reason: nil, cycle: Self.cycle(status), template: Self.template(Self.handScored)) } == nil)
        }
    }

    @Test func afterPublicationAScoreIsARevisionWithAReason() {
        #expect(Self.refusal { try AssessmentCycleRules.checkScoreSheet([4, 5, 5, 80], reason: nil, cycle: Self.cycle(.published), template: Self.template(Self.handScored)) }
                == DomainError.invalid(field: "reason", code: "assessment.reason_required", message: "the cycle is published: a later edit is a revision with a reason"))
        #expect(Self.refusal { try AssessmentCycleRules.checkScoreSheet([4, 5, 5, 80], reason: "复核更正", cycle: Self.cycle(.published), template: Self.template(Self.handScored)) } == nil)
    }

    @Test func aSheetHasOneScorePerHandScoredItemEachWithinItsScale() {
        let template = Self.template(Self.withComputedItem)
        #expect(Self.refusal { try AssessmentCycleRules.checkScoreSheet([4, 5, 5, 80], reason: nil, cycle: Self.cycle(.open), template: template) }
                == DomainError.invalid(field: "scores", code: "request.invalid_value", message: "one score per hand-scored item: 3 (computed items are filled in)"))
        #expect(Self.refusal { try AssessmentCycleRules.checkScoreSheet([6, 5, 80], reason: nil, cycle: Self.cycle(.open), template: template) }
                == DomainError.invalid(field: "scores[0]", code: "request.invalid_value", message: "职业道德 is scored 0–5"))
        #expect(Self.refusal { try AssessmentCycleRules.checkScoreSheet([5, 5, -1], reason: nil, cycle: Self.cycle(.open), template: template) }
                == DomainError.invalid(field: "scores[2]", code: "request.invalid_value", message: "工作业绩 is scored 0–100"))
        #expect(Self.refusal { try AssessmentCycleRules.checkScoreSheet([0, 5, 100], reason: nil, cycle: Self.cycle(.open), template: template) } == nil)
    }

    @Test func onlyAMemberOfTheCycleIsScored() throws {
        let members = [Self.member(1), Self.member(2, total: 80, revision: 1)]
        #expect(try AssessmentCycleRules.member(Self.memberID(2), of: members) == members[1])
        let stranger = Self.memberID(99)
        #expect(Self.refusal { _ = try AssessmentCycleRules.member(stranger, of: members) }
                == DomainError(.notFound, code: "staff.not_found", message: "no member 00000000-0000-0000-0000-000000000799 in this cycle"))
    }

    @Test func aRevisionFillsInComputedItemsFromTheEvidenceAndWeighsTheTotal() {
        var evidence = AssessmentRules.Evidence()
        evidence.resolved = 5  // half of the target of 10: 2.5 of 5
        let member = Self.member(1, total: 70, revision: 2)
        let revision = AssessmentCycleRules.revision(of: member, scores: [4, 5, 80], reason: nil, cycle: Self.cycle(.open), template: Self.template(Self.withComputedItem),
                                                     evidence: evidence)
        #expect(revision.scores == [4, 5, Decimal(25) / 10, 80])
        #expect(revision.total == 78)  // 4/5·20 + 5/5·20 + 2.5/5·20 + 80/100·40
        #expect(revision.revision == 3)
        #expect(revision.afterPublication == false)
        #expect(revision.entry == RankingEntry(staffId: Self.memberID(1), employeeNo: "E001", name: "员工1", total: 78, bottom: false, explanation: "scored",
                                               revision: 3, scores: [4, 5, Decimal(25) / 10, 80]))
        #expect(AssessmentCycleRules.usesEvidence(Self.template(Self.withComputedItem)))
        #expect(!AssessmentCycleRules.usesEvidence(Self.template(Self.handScored)))
    }

    @Test func aRevisionAfterPublicationIsRecordedWithItsReasonAndLeavesTheResult() {
        let revision = AssessmentCycleRules.revision(of: Self.member(1, total: 84, revision: 1), scores: [5, 5, 5, 100], reason: "复核更正", cycle: Self.cycle(.published),
                                                     template: Self.template(Self.handScored), evidence: AssessmentRules.Evidence())
        #expect(revision.total == 100)
        #expect(revision.revision == 2)
        #expect(revision.afterPublication)
        #expect(revision.reason == "复核更正")
        #expect(revision.entry.explanation == "revision 2 recorded; the published result is unchanged")
        #expect(AssessmentCycleRules.revision(of: Self.member(2), scores: [1, 1, 1, 10], reason: nil, cycle: Self.cycle(.open), template: Self.template(Self.handScored),
                                              evidence: AssessmentRules.Evidence()).revision == 1)
    }

    @Test func evidenceCountsTheCyclesDaysInTheSiteTimezone() {
        let span = AssessmentCycleRules.evidenceSpan(of: Self.cycle(.open), in: shanghai)
        #expect(span.start == instant("2026-11-01T00:00:00+08:00"))
        #expect(span.end == instant("2026-12-01T00:00:00+08:00"))
    }

    // MARK: Follow-ups

    @Test func followUpsAreRecordedOnPublishedResultsOnly() {
        for status in CycleStatus.allCases where status != .published {
            #expect(Self.refusal { try AssessmentCycleRules.checkFollowUp(on: Self.cycle(status)) }
                    == DomainError(.conflict, code: "assessment.wrong_stage", message: "follow-ups are recorded on published results"), "\(status.rawValue)")
        }
        #expect(Self.refusal { try AssessmentCycleRules.checkFollowUp(on: Self.cycle(.published)) } == nil)
    }

    @Test func onlyAMemberOfThePublishedBottomGroupGetsAFollowUp() throws {
        let notInBottomGroup = DomainError(.invalid, code: "assessment.not_in_bottom_group", message: "only members of the published bottom group get a follow-up")
        #expect(Self.refusal { _ = try AssessmentCycleRules.followedUp(nil) } == notInBottomGroup)
        let above = RankingEntry(staffId: Self.memberID(1), employeeNo: "E001", name: "员工1", total: 90, rank: 1, bottom: false, explanation: "above")
        #expect(Self.refusal { _ = try AssessmentCycleRules.followedUp(above) } == notInBottomGroup)
        let bottom = RankingEntry(staffId: Self.memberID(2), employeeNo: "E002", name: "员工2", total: 60, rank: 20, bottom: true, explanation: "bottom",
                                  followUp: .retraining, followUpNote: "安排安全操作复训")
        #expect(try AssessmentCycleRules.followedUp(bottom) == bottom)
    }
}
