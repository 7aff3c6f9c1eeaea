import Foundation
import HTTPTypes
import NIOCore
@testable import Domain
@testable import Platform
import Testing

/// `ResponseJSONEncoder` against the definition of the format, Foundation's `JSONEncoder` as
/// `PlatformJSONEncoder.foundationEncode` configures it: every case compares the bytes.
@Suite("Responses are written byte for byte as Foundation writes them")
struct ResponseJSONEncoderTests {
    // MARK: What the API returns

    @Test func sitesDepartmentsAndPlaces() throws {
        let f = Fixtures.self
        for site in f.sites { try expectSameBytes(site) }
        try expectSameBytes(Page(items: f.sites, nextCursor: "eyJsaXN0aW5nIjoic2l0ZXMifQ"))
        try expectSameBytes(Page(items: f.departments, nextCursor: nil))
        try expectSameBytes(Page(items: f.places, nextCursor: "a/b+c="))
        try expectSameBytes(Page(items: [Place](), nextCursor: nil))
        try expectSameBytes(CalendarRoutes.CalendarList(items: f.calendars))
        try expectSameBytes(CalendarRoutes.WorkingDayList(calendar: "default", timezone: "Asia/Shanghai", items: f.workingDays))
        try expectSameBytes(CalendarRoutes.WorkingDayList(calendar: "", timezone: "UTC", items: []))
    }

    @Test func staffPostsCertificatesAndUsers() throws {
        let f = Fixtures.self
        for member in f.staff { try expectSameBytes(member) }
        try expectSameBytes(Page(items: f.staff, nextCursor: nil))
        try expectSameBytes(Page(items: f.posts, nextCursor: "next"))
        try expectSameBytes(Page(items: f.certificates, nextCursor: nil))
        try expectSameBytes(Page(items: f.siteUsers, nextCursor: nil))
        try expectSameBytes(AuthRoutes.Issued(token: "pt_abc/def+ghi=", tokenId: f.ids[0], expiresAt: f.fractional))
        try expectSameBytes([Principal.SiteGrant(siteId: f.ids[1], siteCode: "H01", role: .siteManager, staffId: f.ids[2]),
                             Principal.SiteGrant(siteId: f.ids[3], siteCode: "R01", role: .hqAdmin)])
    }

    @Test func ticketsAndTheirRecords() throws {
        let f = Fixtures.self
        for ticket in f.tickets { try expectSameBytes(ticket) }
        try expectSameBytes(Page(items: f.tickets, nextCursor: "2026-11-26T01:30:00.000000Z"))
        try expectSameBytes(TicketRoutes.Listing(items: f.ticketEvents))
        try expectSameBytes(TicketRoutes.Listing(items: f.followUpRecords))
        try expectSameBytes(TicketRoutes.Listing(items: f.nonconformities))
        try expectSameBytes(TicketRoutes.Listing(items: [TicketEvent]()))
        for statistics in f.ticketStatistics { try expectSameBytes(statistics) }
        try expectSameBytes(Page(items: f.repairItems, nextCursor: nil))
        for day in f.suggestionDays { try expectSameBytes(day) }
        try expectSameBytes(f.suggestionMonth)
        for archive in f.archives { try expectSameBytes(archive) }
        try expectSameBytes(f.archives[0].filing)
    }

    @Test func appointments() throws {
        let f = Fixtures.self
        for appointment in f.appointments { try expectSameBytes(appointment) }
        try expectSameBytes(Page(items: f.appointments, nextCursor: nil))
        try expectSameBytes(Page(items: f.serviceItems, nextCursor: "x"))
        try expectSameBytes(Page(items: f.serviceWindows, nextCursor: nil))
        try expectSameBytes(f.availability)
        for statistics in f.appointmentStatistics { try expectSameBytes(statistics) }
    }

    @Test func assessmentsReportsAndAudit() throws {
        let f = Fixtures.self
        try expectSameBytes(TicketRoutes.Listing(items: f.templates))
        try expectSameBytes(TicketRoutes.Listing(items: f.cycles))
        for cycle in f.cycles { try expectSameBytes(cycle) }
        try expectSameBytes(TemplateCopies(created: ["H01", "R01"], skipped: []))
        for ranking in f.rankings { try expectSameBytes(ranking) }
        try expectSameBytes(f.rankings[0].items[0])
        try expectSameBytes(f.assessmentSummary)
        try expectSameBytes(f.portfolio)
        try expectSameBytes(f.trend)
        try expectSameBytes(Page(items: f.auditEntries, nextCursor: nil))
    }

    @Test func operationsAndProblems() throws {
        let f = Fixtures.self
        try expectSameBytes(OperationalRoutes.Health(status: "ok"))
        try expectSameBytes(OperationalRoutes.Readiness(status: "ready", database: "ok", appliedMigrations: 23, pendingMigrations: []))
        try expectSameBytes(OperationalRoutes.Readiness(status: "not_ready", database: "ok", appliedMigrations: 0, pendingMigrations: [1, 2, 10]))
        try expectSameBytes(Problem(status: .unprocessableContent, code: "request.invalid", detail: f.awkward,
                                    errors: [.init(field: "items[0].name", code: "request.missing_field", message: "'name' is required")], retryAfter: 5))
        try expectSameBytes(Problem(status: .notFound, code: "site.not_found", detail: "no site X99"))
    }

    // MARK: Scalars

    @Test func strings() throws {
        for text in Fixtures.strings {
            try expectSameBytes(text)
            try expectSameBytes([text])
            try expectSameBytes([text: text])
            try expectSameBytes(Labelled(label: text, note: text))
        }
        try expectSameBytes(Fixtures.strings)
    }

    @Test func numbers() throws {
        for number in Fixtures.doubles {
            try expectSameBytes(number)
            try expectSameBytes(Measure(value: number, optional: number, float: Float(number).isFinite ? Float(number) : 1))
            try expectSameBytes(Wrapped(value: number))
        }
        try expectSameBytes(Fixtures.doubles)
        try expectSameBytes(Fixtures.doubles.map { Float($0) }.filter(\.isFinite))
        for number in Fixtures.floats {
            try expectSameBytes(number)
            try expectSameBytes([number])
            try expectSameBytes(Measure(value: Double(number), optional: nil, float: number))
        }
        try expectSameBytes(Integers.extremes)
        try expectSameBytes(Integers.zero)
        try expectSameBytes([Int.min, -1, 0, 1, Int.max])
        try expectSameBytes([UInt64.max, 0])
        try expectSameBytes([Int8.min, Int8.max])
        try expectSameBytes(Int.min)
        try expectSameBytes(UInt.max)
        try expectSameBytes(Fixtures.decimals)
        for decimal in Fixtures.decimals { try expectSameBytes(decimal) }
    }

    @available(macOS 15.0, *)
    @Test func wideIntegers() throws {
        try expectSameBytes(WideIntegers(int128: .min, uint128: .max))
        try expectSameBytes(WideIntegers(int128: -1, uint128: 0))
        try expectSameBytes(Int128.min)
        try expectSameBytes([UInt128.max, 1])
    }

    @Test func datesIdsDataAndURLs() throws {
        let f = Fixtures.self
        for date in f.dates {
            try expectSameBytes(date)
            try expectSameBytes(["at": date])
            try expectSameBytes(Wrapped(value: date))
            try expectSameBytes(Stamp(at: date, maybe: date))
        }
        try expectSameBytes(Stamp(at: f.whole, maybe: nil))
        try expectSameBytes(f.dates)
        for id in f.ids {
            try expectSameBytes(id)
            try expectSameBytes([id])
            try expectSameBytes(Wrapped(value: Wrapped(value: id)))
        }
        let optionalIDs: [UUID?] = [f.ids[0], nil, f.ids[1]]
        try expectSameBytes(optionalIDs)
        for data in [Data(), Data([0]), Data([0xFB, 0xFF, 0xBF]), Data("张三/ab?".utf8), Data((0...255).map { UInt8($0) })] {
            try expectSameBytes(data)
            try expectSameBytes(["data": data])
        }
        let urls = [URL(string: "https://example.com/a/b?q=1&r=%20#frag"), URL(string: "b/c", relativeTo: URL(string: "https://example.com/a/")),
                    URL(fileURLWithPath: "/tmp/a b/c.json"), URL(string: "mailto:someone@example.com")]
        for url in urls.compactMap({ $0 }) {
            try expectSameBytes(url)
            try expectSameBytes(["url": url])
        }
    }

    @Test func topLevelFragmentsAndOptionals() throws {
        try expectSameBytes(true)
        try expectSameBytes(false)
        try expectSameBytes(0)
        try expectSameBytes(-0.0)
        try expectSameBytes("")
        try expectSameBytes(Int?.none)
        try expectSameBytes(Int?.some(3))
        try expectSameBytes(String??.some(nil))
        try expectSameBytes([Int?.none, 1])
        try expectSameBytes(Optional(Fixtures.sites[0]))
        try expectSameBytes(Labelled(label: "only the label", note: nil))
    }

    // MARK: Containers

    @Test func dictionaries() throws {
        let f = Fixtures.self
        // "é" and "e\u{301}" are one key to a dictionary.
        try expectSameBytes(Dictionary(f.keys.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first }))
        try expectSameBytes([-1: "minus one", 10: "ten", 9: "nine", 100: "hundred", Int.min: "min", 0: "zero"])
        try expectSameBytes(["外": ["z": 1.5, "a": -0.0, "中": 0.1], "a": [:], "": ["": 1e21]])
        try expectSameBytes(["first": f.ids[0], "none": nil, "second": f.ids[1]] as [String: UUID?])
        try expectSameBytes([TicketStatus.received: 1, .inProgress: 2])
        try expectSameBytes([f.ids[0]: "keyed by a UUID, so an array of pairs"])
        try expectSameBytes([String: Int]())
        try expectSameBytes([Int: [String]]())
        try expectSameBytes(["nested": [["a": [1, 2]], [:]]])
    }

    @Test func keyOrderAndRewrittenKeys() throws {
        try expectSameBytes(Unsorted())
        try expectSameBytes(Rewritten())
        try expectSameBytes(Wrapped(value: Rewritten()))
        try expectSameBytes([Rewritten(), Rewritten()])
    }

    @Test func nestedContainersAndSuperEncoders() throws {
        try expectSameBytes(Nesting())
        try expectSameBytes([Nesting()])
        try expectSameBytes(Cat())
        try expectSameBytes(Dog())
        try expectSameBytes([Cat(), Dog()] as [Animal])
        try expectSameBytes(ListWithSuperEncoders())
        try expectSameBytes(Shape.all)
        try expectSameBytes(Wrapped(value: Wrapped(value: Fixtures.tickets[0])))
    }

    @Test func emptyAndUnwrittenContainers() throws {
        try expectSameBytes([Int]())
        try expectSameBytes([[Int]]())
        try expectSameBytes(UnwrittenKeyed())
        try expectSameBytes(UnwrittenUnkeyed())
        try expectSameBytes([UnwrittenKeyed()])
        try expectSameBytes(Holder(value: Nothing()))
        try expectSameBytes([Nothing(), Nothing()])
        try expectSameBytes(Wrapped(value: Nothing()))
        try expectSameBytes(["nothing": Nothing()])
    }

    // MARK: Errors and what is left to Foundation

    @Test func nonFiniteNumbersThrowAsFoundationThrows() throws {
        let values: [any Encodable] = [Double.nan, Double.infinity, -Double.infinity, Float.nan, Float.infinity,
                                       [1, Double.nan], Measure(value: .infinity, optional: nil, float: 1), Measure(value: 1, optional: .nan, float: 1),
                                       Measure(value: 1, optional: nil, float: .nan), Wrapped(value: -Double.infinity), ["x": Double.nan]]
        for value in values {
            #expect(throws: ResponseJSONEncoder.NeedsFoundation.self) { try ResponseJSONEncoder.encode(value) }
            let error = try #require(throws: EncodingError.self) { try PlatformJSONEncoder.encode(value) }
            guard case .invalidValue(_, _) = error else {
                Issue.record("expected EncodingError.invalidValue, got \(error)")
                continue
            }
            #expect(throws: EncodingError.self) { try PlatformJSONEncoder.foundationEncode(value) }
        }
    }

    @Test func aTopLevelValueThatEncodesNothingThrows() {
        #expect(throws: EncodingError.self) { try PlatformJSONEncoder.foundationEncode(Nothing()) }
        #expect(throws: EncodingError.self) { try PlatformJSONEncoder.encode(Nothing()) }
    }

    @Test func whatItDoesNotReproduceGoesToFoundation() throws {
        let values: [any Encodable] = [Interleaved(), SameNestedKeyTwice(), SwallowedError(), Deep(levels: 520, throughNestedObjects: false)]
        for value in values {
            #expect(throws: ResponseJSONEncoder.NeedsFoundation.self) { try ResponseJSONEncoder.encode(value) }
            // Foundation refuses containers nested 512 deep; the others it encodes.
            let expected = Result { try PlatformJSONEncoder.foundationEncode(value) }
            let actual = Result { try PlatformJSONEncoder.encode(value) }
            let body = Result { Data(try PlatformJSONEncoder.buffer(value).readableBytesView) }
            #expect((try? body.get()) == (try? expected.get()), "\(type(of: value)) as a response body")
            switch (expected, actual) {
            case (.success(let expected), .success(let actual)): #expect(actual == expected, "\(type(of: value))")
            case (.failure, .failure): break
            default: Issue.record("\(type(of: value)): Foundation gave \(expected), the encoder \(actual)")
            }
        }
        try expectSameBytes(Deep(levels: 300, throughNestedObjects: false))
        try expectSameBytes(Deep(levels: 150, throughNestedObjects: true))
    }

    // MARK: Random values

    /// Thousands of random values (seeded, so a failure can be repeated) through every kind
    /// of container and every scalar.
    @Test(arguments: [1, 2, 3])
    func randomValues(seed: UInt64) throws {
        var values = RandomValues(seed: seed)
        for index in 0..<1_200 {
            let value = values.value(depth: 0)
            try expectSameBytes(value, "seed \(seed), value \(index)")
        }
    }
}

/// Expects `ResponseJSONEncoder` to write exactly Foundation's bytes for `value`, by itself
/// (not by handing the value back), and `PlatformJSONEncoder.encode` to return them.
private func expectSameBytes<Value: Encodable>(_ value: Value, _ comment: String = "", sourceLocation: SourceLocation = #_sourceLocation) throws {
    let expected = try PlatformJSONEncoder.foundationEncode(value)
    let actual = Data(try ResponseJSONEncoder.encode(value))
    #expect(actual == expected, "\(comment)\n  direct:     \(String(decoding: actual, as: UTF8.self))\n  Foundation: \(String(decoding: expected, as: UTF8.self))",
            sourceLocation: sourceLocation)
    #expect(try PlatformJSONEncoder.encode(value) == expected, sourceLocation: sourceLocation)
    // The response body the routes send.
    #expect(Data(try PlatformJSONEncoder.buffer(value).readableBytesView) == expected, sourceLocation: sourceLocation)
}

// MARK: - Fixtures

/// Values of every response type, each with optionals set and unset.
private enum Fixtures {
    static let ids = ["E621E1F8-C36C-495A-93FC-0C247A3E6E5F", "00000000-0000-0000-0000-000000000000", "ffffffff-ffff-ffff-ffff-ffffffffffff",
                      "0123abcd-4567-89ef-fedc-ba9876543210", "9A3B5C7D-1E2F-4A6B-8C0D-E1F2A3B4C5D6"].map { UUID(uuidString: $0)! }
    static let whole = Date(timeIntervalSince1970: 1_764_120_600)
    static let fractional = Date(timeIntervalSince1970: 1_764_120_600.123456)
    static let dates = [whole, fractional, Date(timeIntervalSince1970: 0), Date(timeIntervalSince1970: -1.5), Date(timeIntervalSince1970: 1_764_120_600.5),
                        Date(timeIntervalSince1970: 951_782_400.000001), Date(timeIntervalSince1970: 4_102_444_799.999999), Date(timeIntervalSince1970: -2_208_988_800)]
    static let day = CalendarDate(year: 2026, month: 11, day: 26)
    /// Text with everything that needs care: quotes, backslash, slash, controls, CJK, emoji.
    static let awkward = "北京市朝阳区\"望京\" 1/2 号\\B座\n\t😀 <b>&amp;</b>\u{7}"
    static let strings = ["", "plain", "张三", awkward, "\"", "\\", "/", "//a/b\\/c", "\u{2028}\u{2029}", "😀👩‍👩‍👧‍👦🇨🇳", "e\u{301} é", "\u{212A}K",
                          "\u{FEFF}bom", "\u{0}nul", "\r\n", "'single' `back`", String(decoding: (UInt8(0)..<0x20).map { $0 } + [0x7F], as: UTF8.self),
                          String(repeating: "长文本/long text ", count: 200), "\u{10FFFF}\u{E000}\u{FF61}\u{1F600}"]
    static let keys = ["id", "Id", "ID", "_id", "a", "aa", "ab", "b", "B", "", " ", "名字", "é", "e\u{301}", "key\"quote", "back\\slash", "slash/",
                       "new\nline", "\u{0}", "\u{1F}", "\u{7F}", "10", "9", "\u{FF61}", "😀", "z"]
    static let doubles: [Double] = [0, -0.0, 0.1, 0.2, 0.1 + 0.2, 1, -1, 1.5, 2.5e-5, 1e-4, 1e-5, 1e-7, 123456789.125, 1e15, 1e16, 1e21, 1e22,
                                    9_007_199_254_740_992, 18_014_398_509_481_984, 1.0 / 3, -2.0 / 3, 100, 12345.678, 6.02214076e23, 4.35,
                                    .greatestFiniteMagnitude, -.greatestFiniteMagnitude, .leastNormalMagnitude, .leastNonzeroMagnitude, .pi, Double(Int.max)]
    static let floats: [Float] = [0, -0.0, 0.1, 1.5, 1e-7, 16_777_216, 1e10, 3.4028235e38, .leastNormalMagnitude, .leastNonzeroMagnitude, .pi, 1.0 / 3]
    static let decimals: [Decimal] = [0, 1, -1, Decimal(25) / 10, Decimal(1) / 3, Decimal(1_230) / 100, Decimal(string: "0.000001")!,
                                      Decimal(string: "12345678901234567890.123")!, Decimal(string: "-99.5")!, Decimal(Int64.max)]

    static let sites = [
        Site(id: ids[0], code: "H01", name: awkward, kind: .governmentServiceCenter, timezone: "Asia/Shanghai", region: "华北/North", status: .active,
             createdAt: whole, version: 3),
        Site(id: ids[1], code: "R01", name: "住宅小区", kind: .residence, timezone: "UTC", status: .suspended, createdAt: fractional, version: 1),
    ]
    static let departments = [
        Department(id: ids[0], code: "eng", name: "工程部", kind: .engineering, active: true, version: 2, createdAt: whole, updatedAt: fractional),
        Department(id: ids[1], code: "cs", name: awkward, kind: .customerService, active: false, version: 1, createdAt: whole, updatedAt: whole),
    ]
    static let places = [
        Place(id: ids[0], code: "3-2-101", kind: .household, name: "3号楼2单元101", building: "3", floor: "1", unit: "2", ward: "内科", bed: "12",
              window: "A", contactName: "王五", contactPhone: "+86 138 0000 0000", active: true, version: 4, createdAt: whole, updatedAt: fractional),
        Place(id: ids[2], code: "W1", kind: .window, name: "窗口", active: false, version: 1, createdAt: whole, updatedAt: whole),
    ]
    static let calendars = [
        CalendarResource(code: "default", name: "默认日历", isDefault: true, version: 5,
                         weeklyHours: [.init(weekday: 1, opens: "08:00", closes: "12:00"), .init(weekday: 1, opens: "13:30", closes: "17:30")],
                         exceptions: [.init(date: day, working: false, note: "国庆"), .init(date: CalendarDate(year: 2026, month: 10, day: 11), working: true,
                                                                                         opens: "09:00", closes: "15:00")]),
        CalendarResource(code: "empty", name: "", isDefault: false, version: 1, weeklyHours: [], exceptions: []),
    ]
    static let workingDays = [
        WorkingDay(date: day, weekday: 4, working: true, reason: .weekly, hours: [.init(weekday: 4, opens: "08:00", closes: "17:30")]),
        WorkingDay(date: CalendarDate(year: 2026, month: 10, day: 1), weekday: 4, working: false, reason: .holiday, hours: [], note: "国庆节"),
        WorkingDay(date: CalendarDate(year: 2026, month: 10, day: 11), weekday: 7, working: true, reason: .makeUpDay, hours: [], note: nil),
    ]

    static let staff: [StaffMember] = {
        var full = StaffMember(id: ids[0], employeeNo: "E0001", name: "张三", phone: "13800000000", departmentId: ids[1], postId: ids[2],
                               education: .juniorHigh, hireDate: day, probationUntil: CalendarDate(year: 2027, month: 2, day: 28), mentorId: ids[3],
                               isVeteran: true, status: "active", version: 9, createdAt: whole, updatedAt: fractional)
        full.supervisorId = ids[4]
        let sparse = StaffMember(id: ids[1], employeeNo: "E0002", name: awkward, departmentId: ids[1], hireDate: day, isVeteran: false,
                                 status: "left", version: 1, createdAt: whole, updatedAt: whole)
        return [full, sparse]
    }()
    static let posts = [
        Post(id: ids[0], code: "electrician", name: "电工", departmentId: ids[1], requiredCertificates: ["electrician", "height_work"], level: .management,
             veteransOnly: true, active: true, holders: 3, unlicensedHolders: 1, version: 2, createdAt: whole, updatedAt: fractional),
        Post(id: ids[1], code: "guard", name: "保安", requiredCertificates: [], active: false, holders: 0, version: 1, createdAt: whole, updatedAt: whole),
    ]
    static let certificates = [
        StaffCertificate(id: ids[0], siteCode: "H01", staffId: ids[1], employeeNo: "E0001", staffName: "张三", type: "electrician", typeName: "电工证",
                         number: "T-123/45", issuer: "应急管理局", issuedOn: CalendarDate(year: 2020, month: 1, day: 1), expiresOn: day, documentRef: "s3://docs/a.pdf",
                         daysLeft: -3, valid: false, renewalDue: true, version: 2, createdAt: whole, updatedAt: fractional),
        StaffCertificate(id: ids[2], siteCode: "R01", staffId: ids[3], employeeNo: "E0002", staffName: "李四", type: "x", typeName: "x", number: "1",
                         issuedOn: day, expiresOn: day, daysLeft: 0, valid: true, version: 1, createdAt: whole, updatedAt: whole),
    ]
    static let siteUsers = [
        SiteUserRoutes.SiteUser(userId: ids[0], username: "h01.manager", displayName: "项目经理", role: .siteManager, staffId: ids[1], status: "active",
                                grantedAt: fractional),
        SiteUserRoutes.SiteUser(userId: ids[2], username: "h01.desk", displayName: awkward, role: .siteAgent, staffId: nil, status: "disabled", grantedAt: whole),
    ]

    static let tickets: [Ticket] = {
        let deadlines = TicketDeadlines(feedbackDueAt: whole, firstFeedbackAt: fractional, promisedReplyAt: whole, replyGivenAt: whole, resolveDueAt: whole,
                                        followUpDueFrom: whole, followUpDueAt: fractional, overdue: ["feedback", "reply"])
        var full = Ticket(id: ids[0], number: "T-2026-0001", channel: .phone, category: .complaint, priority: .urgent, status: .inProgress,
                          reporter: TicketReporter(name: "王五", phone: "+86 138-0000-0000", unit: "3号楼/2单元"), location: awkward, description: awkward,
                          ownerId: ids[1], departmentId: ids[2], handlerId: ids[3], requiredPostId: ids[4], causeClass: 2, receivedAt: whole, deadlines: deadlines,
                          dispatchedAt: whole, acknowledgedAt: whole, startedAt: fractional, resolution: "换了\"灯泡\"",
                          materials: [TicketMaterial(item: "灯泡", quantity: Decimal(25) / 10, unit: "个", unitCost: Decimal(1_230) / 100),
                                      TicketMaterial(item: "wire", quantity: 3)],
                          timeOnSiteMinutes: 45, acceptance: TicketAcceptance(name: "李四", signedAt: fractional), resolvedAt: whole, verifiedAt: whole,
                          verifiedBy: ids[1], followedUpAt: whole, closedAt: whole, cancelledAt: whole, withdrawnInWriting: false, reply: "已答复",
                          suggestionAdopted: true,
                          followUp: TicketFollowUpPlan(followUpClass: .patientRescue, month: "2026-11", ordinal: 4, sampled: true, explanation: "⌈4×0.3⌉ = 2"),
                          reopenCount: 1, nonconformityOpen: true, repeatOf: ids[2], relatedTicketId: ids[3], appointmentId: ids[4],
                          allowedActions: [.resolve, .cancel, .followUp, .escalate], version: 7, createdAt: whole, updatedAt: fractional)
        full.placeId = ids[0]
        full.repairItemId = ids[1]
        full.subject = "电梯/Elevator"
        full.referral = TicketReferral(to: "街道办", contact: "010-12345678", at: whole, by: ids[2], feedbackDueAt: fractional, followedUpAt: whole)
        full.customerOpinion = "满意"
        full.siteCleared = true
        full.severity = .serious
        full.subjectStaffId = ids[3]
        full.escalatedTo = ids[4]
        full.escalatedToRole = .regionalManager
        full.escalatedAt = whole
        full.escalationImportance = .critical
        full.apology = TicketApology(method: .visit, note: "上门致歉", at: whole, recordedBy: ids[0])
        full.followUpConfirmedBy = "主管"
        let sparse = Ticket(id: ids[1], number: "T-2026-0002", channel: .patrol, category: .issueReport, priority: .normal, status: .received,
                            reporter: TicketReporter(), description: "", ownerId: ids[0], receivedAt: whole,
                            deadlines: TicketDeadlines(feedbackDueAt: whole, overdue: []), materials: [], reopenCount: 0, nonconformityOpen: false,
                            allowedActions: [], version: 1, createdAt: whole, updatedAt: whole)
        return [full, sparse]
    }()
    static let ticketEvents = [
        TicketEvent(seq: 1, at: whole, action: "ticket.created", toStatus: .received, actorRole: "site_agent", detail: [:]),
        TicketEvent(seq: 2, at: fractional, action: "ticket.dispatched", fromStatus: .received, toStatus: .dispatched, actorId: ids[1], actorRole: "site_manager",
                    note: awkward, detail: ["departmentId": ids[2].uuidString, "handler": "张三", "a/b": "\"q\"", "": ""]),
    ]
    static let followUpRecords: [TicketFollowUpRecord] = {
        var full = TicketFollowUpRecord(id: ids[0], at: whole, method: "phone", satisfaction: 5, rating: .satisfied, comments: awkward, recordedBy: ids[1])
        full.confirmedBy = "主管"
        return [full, TicketFollowUpRecord(id: ids[1], at: fractional, method: "visit", rating: .unsatisfied)]
    }()
    static let nonconformities = [
        TicketNonconformity(id: ids[0], ticketId: ids[1], kind: "repeat", detectedAt: whole, reason: "同一问题重复投诉", matchedTicketIds: [ids[2], ids[3]],
                            cause: "cause", action: "action", actionOwnerId: ids[4], dueDate: day, actionRecordedAt: whole, closedAt: fractional, closedBy: ids[0],
                            version: 3),
        TicketNonconformity(id: ids[1], ticketId: ids[2], kind: "repeat", detectedAt: whole, reason: "", matchedTicketIds: [], version: 1),
    ]
    static let ticketStatistics = [
        TicketStatistics(month: "2026-11", timezone: "Asia/Shanghai", received: 37, byCategory: ["complaint": 5, "repair": 30, "inquiry": 2],
                         byCauseClass: ["1": 2, "2": 3, "10": 1], byDepartment: [ids[0].uuidString: 12, "none": 1], byChannel: ["phone": 20, "visit": 17],
                         onTimeFeedback: .init(35, 36), onTimeResolution: .init(1, 3),
                         followUp: [.init(followUpClass: .complaint, quota: 1, resolved: 5, required: 5, sampled: 5, followedUp: 4, coverage: 0.8),
                                    .init(followUpClass: .repair, quota: 0.3, resolved: 30, required: 9, sampled: 10, followedUp: 9)],
                         satisfaction: .init(2, 3), repeats: 1, reopened: 2, withdrawn: 1, withdrawnFollowUp: .init(1, 1), repliesPromised: 4, onTimeReply: .init(3, 4)),
        TicketStatistics(month: "2026-12", timezone: "UTC", received: 0, byCategory: [:], byCauseClass: [:], byDepartment: [:], byChannel: [:],
                         onTimeFeedback: .init(0, 0), onTimeResolution: .init(0, 0), followUp: [], satisfaction: .init(0, 0), repeats: 0, reopened: 0),
    ]
    static let repairItems = [
        RepairItem(id: ids[0], code: "bulb", name: "换灯泡", scale: .small, fee: Decimal(1_550) / 100, feeUnit: "元/个", feeNote: "含材料",
                   active: true, version: 2, createdAt: whole, updatedAt: fractional),
        RepairItem(id: ids[1], code: "pipe", name: "管道", scale: .large, active: false, version: 1, createdAt: whole, updatedAt: whole),
    ]
    static let suggestions = [
        SuggestionEntry(id: ids[0], number: "T-1", receivedAt: whole, reporter: TicketReporter(name: "王五"), summary: awkward, departmentId: ids[1],
                        departmentCode: "eng", departmentName: "工程部", status: .resolved, adopted: true, answeredAt: fractional, reply: "谢谢"),
        SuggestionEntry(id: ids[2], number: "T-2", receivedAt: fractional, reporter: TicketReporter(), summary: "", status: .received),
    ]
    static let suggestionDays = [
        SuggestionDay(date: day, timezone: "Asia/Shanghai", total: 2,
                      groups: [SuggestionGroup(departmentId: ids[1], departmentCode: "eng", departmentName: "工程部", count: 1, items: [suggestions[0]]),
                               SuggestionGroup(departmentCode: "none", count: 1, items: [suggestions[1]])]),
        SuggestionDay(date: day, timezone: "UTC", total: 0, groups: []),
    ]
    static let suggestionMonth = SuggestionMonth(month: "2026-11", timezone: "Asia/Shanghai",
                                                 totals: SuggestionTotals(received: 2, adopted: 1, notAdopted: 0, pending: 1, told: 1), items: suggestions)
    static let archives = [
        TicketArchive(quarter: "2026-Q4", timezone: "Asia/Shanghai", from: CalendarDate(year: 2026, month: 10, day: 1),
                      through: CalendarDate(year: 2026, month: 12, day: 31), dueOn: CalendarDate(year: 2027, month: 1, day: 10),
                      filing: TicketArchiveFiling(quarter: "2026-Q4", from: CalendarDate(year: 2026, month: 10, day: 1), through: CalendarDate(year: 2026, month: 12, day: 31),
                                                  dueOn: CalendarDate(year: 2027, month: 1, day: 10), filedAt: fractional, filedBy: ids[0], tickets: 2, followUps: 2, late: true),
                      tickets: 2, followUps: 2,
                      records: [TicketArchiveRecord(ticket: tickets[0], followUps: followUpRecords), TicketArchiveRecord(ticket: tickets[1], followUps: [])]),
        TicketArchive(quarter: "2026-Q1", timezone: "UTC", from: day, through: day, dueOn: day, tickets: 0, followUps: 0, records: []),
    ]

    static let appointments: [Appointment] = [
        Appointment(id: ids[0], itemId: ids[1], windowId: ids[2], start: whole, end: whole.addingTimeInterval(1_800), localStart: "2026-11-26 09:30",
                    localEnd: "2026-11-26 10:00", timezone: "Asia/Shanghai", seat: 2, channel: .onSite, status: .confirmed,
                    applicant: Applicant(name: "赵六", phone: "13800000000", idNumber: "11010519491231002X"), homeVisit: HomeVisit(reason: .keyProject, address: awkward),
                    assignedStaffId: ids[3], note: "带\"材料\"", requestedAt: whole, confirmDueAt: fractional, confirmedAt: whole, documents: ["身份证", "户口本"],
                    refusedAt: whole, refusalReason: "x", checkedInAt: whole, completedAt: whole, result: "ok", satisfaction: .basicallySatisfied,
                    cancelledAt: whole, cancelReason: "r", lateCancellation: true, noShowAt: whole, overdue: true, rescheduleCount: 2, complaintTicketId: ids[4],
                    contactFailedAt: whole, contactFailedNote: "无人接听", needsAction: true, lateReschedules: 1,
                    allowedActions: [.checkIn, .cancelByCenter, .rescheduleByCenter], version: 3, createdAt: whole, updatedAt: fractional),
        Appointment(id: ids[1], itemId: ids[1], windowId: ids[2], start: fractional, end: fractional, localStart: "", localEnd: "", timezone: "UTC", seat: 0,
                    channel: .phone, status: .noShow, applicant: Applicant(name: "", phone: ""), requestedAt: whole, confirmDueAt: whole,
                    lateCancellation: false, overdue: false, rescheduleCount: 0, allowedActions: [], version: 1, createdAt: whole, updatedAt: whole),
    ]
    static let serviceItems = [
        ServiceItem(id: ids[0], code: "id_card", name: "身份证办理", departmentId: ids[1], durationMinutes: 15, capacityPerSlot: 3, documents: ["照片", "户口本"],
                    homeVisitAllowed: true, postId: ids[2], active: true, version: 2, createdAt: whole, updatedAt: fractional),
        ServiceItem(id: ids[1], code: "x", name: "x", departmentId: ids[1], durationMinutes: 30, capacityPerSlot: 1, documents: [], homeVisitAllowed: false,
                    active: false, version: 1, createdAt: whole, updatedAt: whole),
    ]
    static let serviceWindows = [
        ServiceWindow(id: ids[0], code: "W1", name: "1号窗口", kind: "counter", departmentId: ids[1], calendar: "default", itemIds: [ids[2], ids[3]], active: true,
                      version: 2, createdAt: whole, updatedAt: fractional),
        ServiceWindow(id: ids[1], code: "W2", name: "", kind: "", departmentId: ids[1], calendar: "", itemIds: [], active: false, version: 1, createdAt: whole,
                      updatedAt: whole),
    ]
    static let availability = Availability(itemId: ids[0], timezone: "Asia/Shanghai", items: [
        AvailableSlot(windowId: ids[1], windowCode: "W1", start: whole, end: fractional, localStart: "09:30", remaining: 2),
        AvailableSlot(windowId: ids[2], windowCode: "W2", start: whole, end: whole, localStart: "10:00", remaining: 0),
    ])
    static let appointmentStatistics = [
        AppointmentStatistics(month: "2026-11", timezone: "Asia/Shanghai", requests: 40, answeredInTime: .init(38, 40), refusals: 2,
                              refusalReasons: ["材料不全": 1, "超出范围/other": 1], lateCancellationsByCenter: 1, noShows: 3, completion: .init(30, 37),
                              satisfaction: .init(29, 30),
                              byWindow: ["W1": .init(requests: 30, lateCancellationsByCenter: 1, noShows: 2, completed: 25),
                                         "W10": .init(requests: 10, lateCancellationsByCenter: 0, noShows: 1, completed: 5)]),
        AppointmentStatistics(month: "2026-12", timezone: "UTC", requests: 0, answeredInTime: .init(0, 0), refusals: 0, refusalReasons: [:],
                              lateCancellationsByCenter: 0, noShows: 0, completion: .init(0, 0), satisfaction: .init(0, 0), byWindow: [:]),
    ]

    static let templates = [
        AssessmentTemplate(id: ids[0], code: "monthly", name: "月度考核", kind: "regular",
                           items: [AssessmentItem(dimension: .conduct, name: "职业道德", weight: 20, scaleMax: 10),
                                   AssessmentItem(dimension: .results, name: "工作业绩", weight: Decimal(335) / 10, scaleMax: 10, metric: .onTimeResolutionRate,
                                                  target: Decimal(95) / 100)],
                           version: 2, createdAt: fractional),
        AssessmentTemplate(id: ids[1], code: "empty", name: "", kind: "", items: [], version: 1, createdAt: whole),
    ]
    static let cycles = [
        AssessmentCycle(id: ids[0], templateId: ids[1], name: "2026年11月", period: "2026-11", startsOn: CalendarDate(year: 2026, month: 11, day: 1),
                        endsOn: CalendarDate(year: 2026, month: 11, day: 30), departmentIds: [ids[2], ids[3]], postIds: [ids[4]], status: .managerReview,
                        publishedAt: fractional, version: 4, createdAt: whole, updatedAt: fractional),
        AssessmentCycle(id: ids[1], templateId: ids[1], name: "", period: "", startsOn: day, endsOn: day, departmentIds: [], postIds: [], status: .draft,
                        version: 1, createdAt: whole, updatedAt: whole),
    ]
    static let rankings = [
        Ranking(cycleId: ids[0], status: .published, frozen: true, items: [
            RankingEntry(staffId: ids[1], employeeNo: "E0001", name: "张三", postId: ids[2], total: Decimal(8_755) / 100, rank: 1, postRank: 1,
                         percentile: Decimal(1_000) / 10, bottom: false, explanation: awkward, revision: 2, scores: [9, Decimal(85) / 10, 0], followUp: .retraining,
                         followUpNote: "培训"),
            RankingEntry(staffId: ids[3], employeeNo: "E0002", name: "李四", bottom: true, explanation: ""),
        ]),
        Ranking(cycleId: ids[1], status: .open, frozen: false, items: []),
    ]
    static let assessmentSummary = AssessmentSummaryRoutes.Summary(
        period: "2026-11", cycles: 3,
        distributions: [.init(siteCode: "H01", post: "电工", count: 4, min: 60, p25: Decimal(725) / 10, median: 80, p75: Decimal(8_825) / 100, max: 99,
                              mean: Decimal(1) / 3)],
        bottom: [.init(siteCode: "H01", cycleId: ids[0], employeeNo: "E0009", name: "王五", post: nil, total: 55, rank: 12, followUp: "retraining"),
                 .init(siteCode: "R01", cycleId: ids[1], employeeNo: "E0010", name: "赵六", post: "保安", total: Decimal(5_525) / 100, rank: 9, followUp: nil)])

    static let measures: [ReportMeasures] = {
        let counters = ["tickets_received": 37, "feedback_on_time": 35, "feedback_due": 36, "resolution_on_time": 1, "resolution_due": 3,
                        "category_complaint": 5, "category_repair": 30, "follow_up_done": 9, "follow_up_required": 10, "satisfaction_satisfied": 2,
                        "satisfaction_rated": 3, "appointment_requests": 40, "answered_in_time": 38, "answer_due": 40, "no_shows": 3,
                        "appointments_due": 37, "scored_results": 3, "score_centi_sum": 25_001, "late_cancellations": 1, "repeat_nonconformities": 1]
        var figures = ReportMeasures(counters, current: ["open": 4, "overdue": 1, "repeat_open": 0, "licences": 2])
        figures.complaintsByCause = ["1": .init(count: 2, rate: 2.0 / 37), "环境": .init(count: 1, rate: nil)]
        return [figures, ReportMeasures([:], current: nil), ReportMeasures(medianOf: [figures, ReportMeasures([:], current: nil)])]
    }()
    static let portfolio = ReportRoutes.Portfolio(
        period: "2026-11", from: CalendarDate(year: 2026, month: 11, day: 1), through: CalendarDate(year: 2026, month: 11, day: 30), computedAt: fractional,
        sites: [.init(siteCode: "H01", name: "医院", kind: "hospital", region: "华北", measures: measures[0]),
                .init(siteCode: "R01", name: awkward, kind: "residence", region: nil, measures: measures[1])],
        kinds: [.init(kind: "hospital", sites: 2, total: measures[0], median: measures[2])],
        targets: ReportTarget.group)
    static let trend = ReportRoutes.Trend(through: "2026-11", siteCode: nil, kind: "hospital", region: nil, sites: 2,
                                          months: [.init(month: "2026-10", measures: measures[1]), .init(month: "2026-11", measures: measures[0])],
                                          targets: [:])
    static let auditEntries = [
        AuditEntry(id: ids[0], at: fractional, actorId: ids[1], actorRole: "site_manager", action: "staff.updated", targetType: "staff",
                   targetId: ids[2].uuidString, detail: ["name": "张三", "before": "{\"a\":1}", "path": "/api/v1"], requestId: "trace-42"),
        AuditEntry(id: ids[1], at: whole, actorId: nil, actorRole: "system", action: "ticket.swept", targetType: "ticket", targetId: "", detail: [:], requestId: nil),
    ]
}

// MARK: - Hand-written encodings

/// A key made of any string, for containers written by hand.
private struct AnyKey: CodingKey, ExpressibleByStringLiteral {
    var stringValue: String
    var intValue: Int?

    init(_ string: String) { stringValue = string }
    init(stringValue: String) { self.stringValue = stringValue }
    init(intValue: Int) { (stringValue, self.intValue) = (String(intValue), intValue) }
    init(stringLiteral value: String) { stringValue = value }
}

/// Synthesized: a nil optional is left out.
private struct Labelled: Encodable {
    var label: String
    var note: String?
}

private struct Measure: Encodable {
    var value: Double
    var optional: Double?
    var float: Float
}

private struct Stamp: Encodable {
    var at: Date
    var maybe: Date?
}

/// Every integer type through the keyed container's own methods.
private struct Integers: Encodable {
    var int: Int, int8: Int8, int16: Int16, int32: Int32, int64: Int64
    var uint: UInt, uint8: UInt8, uint16: UInt16, uint32: UInt32, uint64: UInt64

    static let extremes = Integers(int: .min, int8: .min, int16: .min, int32: .min, int64: .min, uint: .max, uint8: .max, uint16: .max, uint32: .max, uint64: .max)
    static let zero = Integers(int: 0, int8: -1, int16: 0, int32: 7, int64: .max, uint: 0, uint8: 0, uint16: 0, uint32: 0, uint64: 0)
}

@available(macOS 15.0, *)
private struct WideIntegers: Encodable {
    var int128: Int128
    var uint128: UInt128
}

/// Encodes its value through a single-value container, as wrappers do.
private struct Wrapped<Value: Encodable>: Encodable {
    var value: Value

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(value)
    }
}

/// Synthesized, holding any value.
private struct Holder<Value: Encodable>: Encodable {
    var value: Value
}

/// Encodes nothing: Foundation writes `{}` in its place, and refuses it at the top level.
private struct Nothing: Encodable {
    func encode(to encoder: any Encoder) throws {}
}

private struct UnwrittenKeyed: Encodable {
    func encode(to encoder: any Encoder) throws {
        _ = encoder.container(keyedBy: AnyKey.self)
    }
}

private struct UnwrittenUnkeyed: Encodable {
    func encode(to encoder: any Encoder) throws {
        _ = encoder.unkeyedContainer()
    }
}

/// Members written in reverse order, with keys that need escaping and sort by UTF-8 bytes
/// (U+FF61 before U+1F600, unlike UTF-16).
private struct Unsorted: Encodable {
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: AnyKey.self)
        for (index, key) in Fixtures.keys.reversed().enumerated() {
            try container.encode(index, forKey: AnyKey(key))
        }
        try container.encode(Fixtures.keys, forKey: "all")
    }
}

/// Keys written more than once: the last value stays, under the first spelling of the key
/// (canonically equivalent spellings are one key to Swift and to Foundation).
private struct Rewritten: Encodable {
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: AnyKey.self)
        try container.encode(1, forKey: "a")
        try container.encode("two", forKey: "b")
        try container.encode(3, forKey: "a")
        var nested = container.nestedContainer(keyedBy: AnyKey.self, forKey: "n")
        try nested.encode(1, forKey: "x")
        try container.encode([4], forKey: "n")
        try container.encode("precomposed", forKey: "\u{E9}")
        try container.encode("combining", forKey: "e\u{301}")
        try container.encode("kelvin", forKey: "\u{212A}")
        try container.encode("K", forKey: "K")
        try container.encodeNil(forKey: "b")
        try container.encode(Fixtures.sites[1], forKey: "site")
        try container.encode(Fixtures.sites[0], forKey: "site")
    }
}

/// Containers inside containers, written depth-first as encoding code does, with some asked
/// for and never written to.
private struct Nesting: Encodable {
    func encode(to encoder: any Encoder) throws {
        var root = encoder.container(keyedBy: AnyKey.self)
        try root.encode("last", forKey: "z")
        var inner = root.nestedContainer(keyedBy: AnyKey.self, forKey: "inner")
        try inner.encode(2, forKey: "b")
        try inner.encodeNil(forKey: "a")
        var list = inner.nestedUnkeyedContainer(forKey: "list")
        try list.encode(1)
        var object = list.nestedContainer(keyedBy: AnyKey.self)
        try object.encode(true, forKey: "y")
        try object.encode(false, forKey: "x")
        var sublist = list.nestedUnkeyedContainer()
        try sublist.encode("deep")
        _ = sublist.nestedUnkeyedContainer()
        _ = list.nestedContainer(keyedBy: AnyKey.self)
        try list.encodeNil()
        try list.encode(Fixtures.whole)
        try inner.encode(3.5, forKey: "c")
        _ = root.nestedUnkeyedContainer(forKey: "emptyList")
        _ = root.nestedContainer(keyedBy: AnyKey.self, forKey: "emptyObject")
        try root.encode([1, 2], forKey: "after")
        try root.encode(UInt8(7), forKey: "byte")
    }
}

/// A class and subclasses encoding their superclass's members into the same container, or
/// through super encoders (under `super` or a key of their own).
private class Animal: Encodable {
    var name = "猫/cat"

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: AnyKey.self)
        try container.encode(name, forKey: "name")
    }
}

private final class Cat: Animal {
    var lives = 9

    override func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: AnyKey.self)
        try container.encode(lives, forKey: "lives")
        try super.encode(to: encoder)
    }
}

private final class Dog: Animal {
    override func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: AnyKey.self)
        try container.encode("woof", forKey: "says")
        try super.encode(to: container.superEncoder())
        try super.encode(to: container.superEncoder(forKey: "parent"))
        _ = container.superEncoder(forKey: "unused")
        try container.encode(true, forKey: "good")
    }
}

/// Super encoders in an array: their values go where the next element would.
private struct ListWithSuperEncoders: Encodable {
    func encode(to encoder: any Encoder) throws {
        var container = encoder.unkeyedContainer()
        try container.encode(1)
        try Animal().encode(to: container.superEncoder())
        try container.encode(2)
        _ = container.superEncoder()
        try container.encode(3)
    }
}

/// Synthesized for an enum with associated values: nested keyed containers.
private enum Shape: Encodable {
    case circle(radius: Double)
    case rectangle(Double, Double)
    case point
    case labelled(String, tags: [String], at: Date?)

    static let all: [Shape] = [.circle(radius: 1.5), .rectangle(2, 0.1), .point, .labelled("标签", tags: ["a", "b"], at: Fixtures.whole),
                               .labelled("", tags: [], at: nil)]
}

/// Writes to a nested container after a later one was written to: the encoder hands it back.
private struct Interleaved: Encodable {
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: AnyKey.self)
        var first = container.nestedContainer(keyedBy: AnyKey.self, forKey: "first")
        var second = container.nestedContainer(keyedBy: AnyKey.self, forKey: "second")
        try second.encode(2, forKey: "y")
        try first.encode(1, forKey: "x")
    }
}

/// Asks twice for a nested container under one key: Foundation merges them.
private struct SameNestedKeyTwice: Encodable {
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: AnyKey.self)
        var first = container.nestedContainer(keyedBy: AnyKey.self, forKey: "a")
        try first.encode(1, forKey: "x")
        var again = container.nestedContainer(keyedBy: AnyKey.self, forKey: "a")
        try again.encode(2, forKey: "y")
    }
}

/// Ignores the error of one member and goes on.
private struct SwallowedError: Encodable {
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: AnyKey.self)
        try container.encode(1, forKey: "before")
        try? container.encode(Double.nan, forKey: "bad")
        try? container.encode(Holder(value: Double.infinity), forKey: "worse")
        try container.encode(2, forKey: "after")
    }
}

/// Arrays nested `levels` deep, each level a value of its own, or an array holding an object
/// (a nested container) holding the next level.
private struct Deep: Encodable {
    var levels: Int
    var throughNestedObjects: Bool

    func encode(to encoder: any Encoder) throws {
        var container = encoder.unkeyedContainer()
        try container.encode(levels)
        guard levels > 1 else { return }
        if throughNestedObjects {
            var nested = container.nestedContainer(keyedBy: AnyKey.self)
            try nested.encode(Deep(levels: levels - 1, throughNestedObjects: true), forKey: "next")
        } else {
            try container.encode(Deep(levels: levels - 1, throughNestedObjects: false))
        }
    }
}

// MARK: - Random values

/// SplitMix64: seeded, so every run makes the same values.
private struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// A value encoded through every kind of container and every scalar method.
private indirect enum RandomValue: Encodable {
    case null
    case bool(Bool)
    case int(Int)
    case int8(Int8)
    case uint64(UInt64)
    case double(Double)
    case float(Float)
    case string(String)
    case date(Date)
    case uuid(UUID)
    case decimal(Decimal)
    /// Left out where it is a member (`encodeIfPresent(nil)`), nothing at all elsewhere.
    case absent
    case array([RandomValue])
    /// Members in the order written; a key may repeat.
    case object([(key: String, value: RandomValue)])
    case dictionary([String: RandomValue])
    case intDictionary([Int: RandomValue])
    case wrapped(RandomValue)

    func encode(to encoder: any Encoder) throws {
        switch self {
        case .null:
            var container = encoder.singleValueContainer()
            try container.encodeNil()
        case .bool(let value):
            var container = encoder.singleValueContainer()
            try container.encode(value)
        case .int(let value):
            var container = encoder.singleValueContainer()
            try container.encode(value)
        case .int8(let value):
            var container = encoder.singleValueContainer()
            try container.encode(value)
        case .uint64(let value):
            var container = encoder.singleValueContainer()
            try container.encode(value)
        case .double(let value):
            var container = encoder.singleValueContainer()
            try container.encode(value)
        case .float(let value):
            var container = encoder.singleValueContainer()
            try container.encode(value)
        case .string(let value):
            var container = encoder.singleValueContainer()
            try container.encode(value)
        case .date(let value):
            var container = encoder.singleValueContainer()
            try container.encode(value)
        case .uuid(let value):
            var container = encoder.singleValueContainer()
            try container.encode(value)
        case .decimal(let value):
            var container = encoder.singleValueContainer()
            try container.encode(value)
        case .absent:
            break
        case .array(let items):
            var container = encoder.unkeyedContainer()
            for item in items { try item.encode(into: &container) }
        case .object(let members):
            var container = encoder.container(keyedBy: AnyKey.self)
            try Self.encode(members, into: &container)
        case .dictionary(let dictionary):
            try dictionary.encode(to: encoder)
        case .intDictionary(let dictionary):
            try dictionary.encode(to: encoder)
        case .wrapped(let value):
            var container = encoder.singleValueContainer()
            try container.encode(value)
        }
    }

    static func encode(_ members: [(key: String, value: RandomValue)], into container: inout KeyedEncodingContainer<AnyKey>) throws {
        for (index, member) in members.enumerated() {
            // Foundation stops the program when a nested container is asked for under a key
            // already written with a value of another kind: only a key's first use nests.
            let repeated = members[..<index].contains { $0.key == member.key }
            try member.value.encode(into: &container, forKey: AnyKey(member.key), mayNest: !repeated)
        }
    }

    /// Writes this value as a member, the way synthesized and hand-written code do.
    func encode(into container: inout KeyedEncodingContainer<AnyKey>, forKey key: AnyKey, mayNest: Bool) throws {
        switch self {
        case .null: try container.encodeNil(forKey: key)
        case .bool(let value): try container.encode(value, forKey: key)
        case .int(let value): try container.encodeIfPresent(value, forKey: key)
        case .int8(let value): try container.encode(value, forKey: key)
        case .uint64(let value): try container.encode(value, forKey: key)
        case .double(let value): try container.encodeIfPresent(value, forKey: key)
        case .float(let value): try container.encode(value, forKey: key)
        case .string(let value): try container.encodeIfPresent(value, forKey: key)
        case .date(let value): try container.encode(value, forKey: key)
        case .uuid(let value): try container.encodeIfPresent(value, forKey: key)
        case .decimal(let value): try container.encode(value, forKey: key)
        case .absent: try container.encodeIfPresent(String?.none, forKey: key)
        case .array(let items) where mayNest && items.count % 2 == 0:
            var nested = container.nestedUnkeyedContainer(forKey: key)
            for item in items { try item.encode(into: &nested) }
        case .object(let members) where mayNest && members.count % 2 == 1:
            var nested = container.nestedContainer(keyedBy: AnyKey.self, forKey: key)
            try Self.encode(members, into: &nested)
        default: try container.encode(self, forKey: key)
        }
    }

    /// Writes this value as the next element.
    func encode(into container: inout any UnkeyedEncodingContainer) throws {
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .int(let value): try container.encode(value)
        case .int8(let value): try container.encode(value)
        case .uint64(let value): try container.encode(value)
        case .double(let value): try container.encode(value)
        case .float(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .date(let value): try container.encode(value)
        case .uuid(let value): try container.encode(value)
        case .decimal(let value): try container.encode(value)
        case .array(let items) where items.count % 2 == 0:
            var nested = container.nestedUnkeyedContainer()
            for item in items { try item.encode(into: &nested) }
        case .object(let members) where members.count % 2 == 1:
            var nested = container.nestedContainer(keyedBy: AnyKey.self)
            try Self.encode(members, into: &nested)
        default: try container.encode(self)
        }
    }
}

/// Makes random values from a seed.
private struct RandomValues {
    var generator: SeededGenerator

    init(seed: UInt64) {
        generator = SeededGenerator(state: seed)
    }

    private mutating func below(_ bound: Int) -> Int {
        Int.random(in: 0..<bound, using: &generator)
    }

    /// A value: containers (fewer deeper down) or scalars. Never `.absent`, which is only a member.
    mutating func value(depth: Int) -> RandomValue {
        if below(100) < (depth < 4 ? 40 : 0) {
            var count = below(6)
            switch below(5) {
            case 0:
                var items: [RandomValue] = []
                while count > 0 { items.append(value(depth: depth + 1)); count -= 1 }
                return .array(items)
            case 1, 2:
                var members: [(key: String, value: RandomValue)] = []
                while count > 0 {
                    members.append((key(), below(8) == 0 ? .absent : value(depth: depth + 1)))
                    count -= 1
                }
                return .object(members)
            case 3:
                var dictionary: [String: RandomValue] = [:]
                while count > 0 { dictionary[key()] = value(depth: depth + 1); count -= 1 }
                return below(2) == 0 ? .dictionary(dictionary) : .intDictionary(Dictionary(uniqueKeysWithValues: dictionary.values.enumerated().map {
                    ($0.offset * 7 - 10, $0.element)
                }))
            default:
                return .wrapped(value(depth: depth + 1))
            }
        }
        return scalar()
    }

    mutating func scalar() -> RandomValue {
        switch below(12) {
        case 0: return .null
        case 1: return .bool(below(2) == 0)
        case 2: return .int([Int.min, Int.max, 0, -1].randomElement(using: &generator) ?? 0)
        case 3: return .int(Int(truncatingIfNeeded: generator.next()) >> below(64))
        case 4: return .int8(Int8(truncatingIfNeeded: generator.next()))
        case 5: return .uint64(generator.next() >> below(64))
        case 6: return .double(double())
        case 7: return .float(float())
        case 8, 9: return .string(string())
        case 10:
            let seconds = Double(Int.random(in: -2_000_000_000...4_000_000_000, using: &generator))
            return .date(Date(timeIntervalSince1970: seconds + (below(2) == 0 ? 0 : Double(below(1_000_000)) / 1_000_000)))
        default:
            if below(2) == 0 {
                return .decimal(Decimal(Int.random(in: -1_000_000_000...1_000_000_000, using: &generator)) / Decimal(below(10_000) + 1))
            }
            let bytes = (0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) }
            return .uuid(UUID(uuid: (bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                                     bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15])))
        }
    }

    mutating func double() -> Double {
        switch below(6) {
        case 0: return Double(Int.random(in: -1_000...1_000, using: &generator))
        case 1: return Double(Int.random(in: -1_000_000...1_000_000, using: &generator)) / 1_000
        case 2:
            let bits = Double(bitPattern: generator.next())
            return bits.isFinite ? bits : 0.5
        case 3: return Fixtures.doubles.randomElement(using: &generator) ?? 0
        case 4: return Double.random(in: -1e-3...1e-3, using: &generator)
        default: return Double.random(in: -1e22...1e22, using: &generator)
        }
    }

    mutating func float() -> Float {
        let value = below(2) == 0 ? Float(bitPattern: UInt32(truncatingIfNeeded: generator.next())) : Float(double())
        return value.isFinite ? value : 0.25
    }

    /// Pieces that need care, and random scalars: controls, ASCII, CJK, beyond the BMP.
    mutating func string() -> String {
        let pieces = ["", "a", "Z", "张三", "\"", "\\", "/", "\u{7F}", "\u{2028}", "\u{2029}", "😀", "👩‍👩‍👧", "é", "e\u{301}", "\u{212A}", "K",
                      "<>&'", " ", "\u{FEFF}", "\u{10FFFF}", "\r\n", "null", "1e5"]
        var text = ""
        for _ in 0..<below(6) {
            switch below(5) {
            case 0: text.unicodeScalars.append(Unicode.Scalar(UInt8(below(0x20))))
            case 1: text.unicodeScalars.append(Unicode.Scalar(UInt8(0x20 + below(0x60))))
            case 2: text.unicodeScalars.append(Unicode.Scalar(UInt32(0x4E00 + below(0x5000))) ?? "?")
            case 3: text.unicodeScalars.append(Unicode.Scalar(UInt32(0x10000 + below(0x100000))) ?? "?")
            default: text += pieces[below(pieces.count)]
            }
        }
        return text
    }

    /// Mostly from a small set, so keys repeat; sometimes anything.
    mutating func key() -> String {
        below(4) == 0 ? string() : Fixtures.keys[below(Fixtures.keys.count)]
    }
}
