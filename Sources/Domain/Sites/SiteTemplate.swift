/// What a new site of each kind starts with: the departments and posts usual for it, its
/// working calendars, and the default policies from DOMAIN.md that later rules read.
///
/// Provisioning copies these rows; a site manager changes them afterwards.
public struct SiteTemplate: Sendable {
    public struct Department: Sendable {
        public var code: String
        public var name: String
        public var kind: String
    }

    public struct Post: Sendable {
        public var code: String
        public var name: String
        public var department: String
        public var requiredCertificates: [String]
        /// Management posts need 大专 or above, operator posts 高中 or above (rulebook 000).
        public var level: PostLevel = .operative
        /// Internal security held only by veterans (内保岗位要求是退伍军人).
        public var veteransOnly = false
    }

    /// Opening hours as (ISO weekday, "HH:MM", "HH:MM") intervals.
    public struct Calendar: Sendable {
        public var code: String
        public var name: String
        public var isDefault: Bool
        public var hours: [(weekday: Int, opens: String, closes: String)]
    }

    public var departments: [Department]
    public var posts: [Post]
    public var calendars: [Calendar]
    /// Policy key → JSON text.
    public var policies: [(key: String, json: String)]

    public static func forKind(_ kind: Site.Kind) -> SiteTemplate {
        switch kind {
        case .hospital: hospital
        case .residence: residence
        case .governmentServiceCenter: serviceCenter
        }
    }

    static func every(_ days: ClosedRange<Int>, _ opens: String, _ closes: String) -> [(weekday: Int, opens: String, closes: String)] {
        days.map { ($0, opens, closes) }
    }

    static let roundTheClock = Calendar(code: "repairs", name: "报修 24×7", isDefault: false, hours: every(1...7, "00:00", "24:00"))

    static let facilityPosts: [Post] = [
        Post(code: "reception", name: "客服接待员", department: "customer_service", requiredCertificates: []),
        Post(code: "plumber_electrician", name: "水电工", department: "engineering", requiredCertificates: ["electrician"]),
        Post(code: "elevator_operator", name: "电梯司机", department: "elevator", requiredCertificates: ["special_equipment_operation"]),
        Post(code: "elevator_safety_manager", name: "电梯安全管理员", department: "elevator", requiredCertificates: ["elevator_safety_management"]),
        Post(code: "security_guard", name: "保安员", department: "security", requiredCertificates: []),
        Post(code: "cleaner", name: "保洁员", department: "cleaning", requiredCertificates: []),
        Post(code: "manager", name: "项目经理", department: "management", requiredCertificates: [], level: .management),
    ]

    /// Rulebook 000 is a hospital's: its 内保 (internal security) posts are held by veterans
    /// (内保岗位要求是退伍军人), so a hospital's 保安员 post is veterans-only. Residences and
    /// service centres start without that requirement; a site manager may set it.
    static let hospitalPosts: [Post] = facilityPosts.map { (post: Post) -> Post in
        var post = post
        if post.code == "security_guard" { post.veteransOnly = true }
        return post
    } + [Post(code: "porter", name: "运送员", department: "medical_support", requiredCertificates: [])]

    /// DOMAIN.md's defaults. Durations are in the unit their key names.
    static let defaultPolicies: [(key: String, json: String)] = [
        ("tickets.first_feedback_hours", "24"),
        ("tickets.resolution_targets", #"{"repair":{"emergency":{"minutes":60},"urgent":{"sameDay":true},"normal":{"workingDays":3}},"complaint":{"workingDays":3},"inquiry":{"workingDays":1},"issue_report":{"workingDays":3},"other":{"workingDays":3}}"#),
        ("tickets.follow_up", #"{"complaint":{"share":1.0,"withinDays":3},"repair":{"share":0.3,"withinDays":3},"maintenance":{"share":0.3,"fromDays":30,"toDays":60},"patient_rescue":{"share":1.0,"withinDays":7},"activity":{"share":0.3,"withinDays":30}}"#),
        ("tickets.follow_up_problem_repair_hours", "24"),
        ("tickets.repeat", #"{"windowDays":90,"complaintThreshold":2,"repairThreshold":3}"#),
        ("appointments.confirm_within_working_days", "1"),
        ("appointments.window_notice_hours", "2"),
        ("appointments.home_visit_notice_hours", "8"),
        ("appointments.no_show_minutes", "30"),
        ("assessments.bottom_share", "0.05"),
        ("assessments.bottom_minimum_group", "20"),
        ("licences.expiry_warning_days", "60"),
    ]

    static let hospital = SiteTemplate(
        departments: [
            Department(code: "management", name: "管理处", kind: "management"),
            Department(code: "customer_service", name: "客服中心", kind: "customer_service"),
            Department(code: "engineering", name: "工程部", kind: "engineering"),
            Department(code: "cleaning", name: "保洁部", kind: "cleaning"),
            Department(code: "security", name: "保安部", kind: "security"),
            Department(code: "elevator", name: "电梯班", kind: "elevator"),
            Department(code: "medical_support", name: "医辅中心", kind: "medical_support"),
        ],
        posts: hospitalPosts,
        calendars: [
            Calendar(code: "office", name: "办公时间", isDefault: true, hours: every(1...5, "08:00", "17:30")),
            roundTheClock,
        ],
        policies: defaultPolicies)

    static let residence = SiteTemplate(
        departments: [
            Department(code: "management", name: "管理处", kind: "management"),
            Department(code: "customer_service", name: "客服部", kind: "customer_service"),
            Department(code: "engineering", name: "工程部", kind: "engineering"),
            Department(code: "cleaning", name: "保洁部", kind: "cleaning"),
            Department(code: "security", name: "保安部", kind: "security"),
            Department(code: "elevator", name: "电梯组", kind: "elevator"),
        ],
        posts: facilityPosts,
        calendars: [
            Calendar(code: "office", name: "管理处办公时间", isDefault: true, hours: every(1...6, "08:30", "17:30")),
            roundTheClock,
        ],
        policies: defaultPolicies)

    static let serviceCenter = SiteTemplate(
        departments: [
            Department(code: "management", name: "中心办公室", kind: "management"),
            Department(code: "customer_service", name: "咨询导服台", kind: "customer_service"),
            Department(code: "general_window", name: "综合受理窗口", kind: "service_window"),
            Department(code: "social_security", name: "社会保障窗口", kind: "service_window"),
            Department(code: "real_estate", name: "不动产登记窗口", kind: "service_window"),
            Department(code: "market_regulation", name: "市场监管窗口", kind: "service_window"),
            Department(code: "engineering", name: "后勤保障部", kind: "engineering"),
            Department(code: "security", name: "安保部", kind: "security"),
            Department(code: "cleaning", name: "保洁部", kind: "cleaning"),
        ],
        posts: [
            Post(code: "guide", name: "导服员", department: "customer_service", requiredCertificates: []),
            Post(code: "window_clerk", name: "窗口工作人员", department: "general_window", requiredCertificates: []),
            Post(code: "plumber_electrician", name: "水电工", department: "engineering", requiredCertificates: ["electrician"]),
            Post(code: "security_guard", name: "保安员", department: "security", requiredCertificates: []),
            Post(code: "cleaner", name: "保洁员", department: "cleaning", requiredCertificates: []),
            Post(code: "manager", name: "中心主任", department: "management", requiredCertificates: [], level: .management),
        ],
        calendars: [
            Calendar(code: "office", name: "窗口办公时间", isDefault: true, hours: every(1...5, "09:00", "12:00") + every(1...5, "13:30", "17:30")),
        ],
        policies: defaultPolicies)
}
