import Domain
import Foundation
import Testing

@Suite("Assessment rules: weights, scores, ranking, bottom group")
struct AssessmentRulesTests {
    static func items(_ weights: [Decimal]) -> [AssessmentRules.Item] {
        weights.enumerated().map { AssessmentRules.Item(dimension: AssessmentDimension.allCases[$0.offset % 4], weight: $0.element, scaleMax: 100) }
    }

    @Test func weightsMustAddUpToExactlyOneHundredOverAllFourDimensions() throws {
        try AssessmentRules.checkWeights(Self.items([20, 30, 20, 30]))
        try AssessmentRules.checkWeights(Self.items([12.5, 12.5, 25, 25, 25]))
        #expect(throws: DomainError.self) { try AssessmentRules.checkWeights(Self.items([20, 30, 20, 29.99])) }
        #expect(throws: DomainError.self) { try AssessmentRules.checkWeights(Self.items([20, 30, 20, 40])) }
        #expect(throws: DomainError.self) { try AssessmentRules.checkWeights(Self.items([50, 50])) }  // two dimensions missing
        #expect(throws: DomainError.self) { try AssessmentRules.checkWeights(Self.items([110, -10, 0, 0])) }
        do {
            try AssessmentRules.checkWeights(Self.items([20, 30, 20, 40]))
        } catch let error as DomainError {
            #expect(error.fieldErrors.map(\.code) == ["assessment.weights_not_100"])
        }
    }

    @Test func theWeightedScoreScalesEachItemToItsWeight() {
        let items = [AssessmentRules.Item(dimension: .conduct, weight: 20, scaleMax: 5), AssessmentRules.Item(dimension: .results, weight: 80, scaleMax: 100)]
        #expect(AssessmentRules.weightedScore([(items[0], 4), (items[1], 90)]) == 88)  // 4/5·20 + 90/100·80
        #expect(AssessmentRules.weightedScore([(items[0], 7), (items[1], -3)]) == 20)  // clamped to the scale
        #expect(AssessmentRules.weightedScore([(items[0], 1), (items[1], 33.333)]) == Decimal(string: "30.67"))
    }

    static func group(_ scores: [Decimal]) -> [(staffId: UUID, employeeNo: String, score: Decimal)] {
        scores.enumerated().map { (UUID(), String(format: "E%03d", $0.offset + 1), $0.element) }
    }

    @Test func tiesShareARankAndAreListedByEmployeeNumber() {
        let ranked = AssessmentRules.rank(Self.group([90, 95, 90, 80]), share: 0.05, minimumGroup: 20)
        #expect(ranked.map(\.employeeNo) == ["E002", "E001", "E003", "E004"])
        #expect(ranked.map(\.rank) == [1, 2, 2, 4])
        #expect(ranked.map(\.percentile) == [75, 25, 25, 0])
        #expect(ranked.allSatisfy { !$0.bottom } && ranked[0].explanation.contains("below 20"))
    }

    /// 末位淘汰, 淘汰率在5%左右: about 5 %, rounded to the nearest whole person (halves up),
    /// at least one from the group-size floor (20 by default), none below it.
    @Test(arguments: [(19, 0), (20, 1), (21, 1), (29, 1), (30, 2), (101, 5), (110, 6)])
    func theBottomGroupIsAboutFivePercentRoundedToTheNearestPerson(size: Int, expected: Int) {
        let ranked = AssessmentRules.rank(Self.group((0..<size).map { Decimal(60 + $0) }), share: 0.05, minimumGroup: 20)
        #expect(ranked.filter(\.bottom).count == expected)
        #expect(ranked.filter(\.bottom).map(\.score) == Array(ranked.suffix(expected).map(\.score)))
    }

    @Test func aTieAtTheBoundaryKeepsEveryoneTiedInTheBottomGroup() {
        var scores = (0..<20).map { Decimal(70 + $0) }
        scores[1] = 70  // two members share the lowest score
        let ranked = AssessmentRules.rank(Self.group(scores), share: 0.05, minimumGroup: 20)
        #expect(ranked.filter(\.bottom).count == 2)
        #expect(ranked.filter(\.bottom).allSatisfy { $0.score == 70 && $0.rank == 19 && $0.explanation.contains("tied") })
    }
}
