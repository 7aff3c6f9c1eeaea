import ArgumentParser
import Foundation
import Platform
import Postgres

struct SeedCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "seed", abstract: "Load demonstration data.", subcommands: [Demo.self, Scale.self])

    struct Demo: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "A demo group: one site of each kind and a user per role; prints a fresh token for each user.",
            discussion: "Safe to run again: existing sites and users are kept, and new tokens are issued.")
        @OptionGroup var connection: ConnectionOptions
        @Option(help: "Token lifetime, e.g. 30d.") var expires: String = "30d"

        static let sites = [
            NewSite(code: "H01", name: "市第一人民医院", kind: .hospital, region: "华东"),
            NewSite(code: "R01", name: "锦绣花园小区", kind: .residence, region: "华东"),
            NewSite(code: "G01", name: "高新区政务服务中心", kind: .governmentServiceCenter, region: "华北"),
        ]

        static let users: [(username: String, name: String, global: Role?, grants: [UserStore.Grant])] = [
            ("hq.admin", "集团管理员", .hqAdmin, []),
            ("hq.analyst", "集团分析员", .hqAnalyst, []),
            ("east.manager", "华东区域经理", nil, [.init(siteCode: "H01", role: .regionalManager), .init(siteCode: "R01", role: .regionalManager)]),
            ("h01.manager", "医院项目经理", nil, [.init(siteCode: "H01", role: .siteManager)]),
            ("h01.agent", "医院客服接待员", nil, [.init(siteCode: "H01", role: .siteAgent)]),
            ("h01.staff", "医院工程部员工", nil, [.init(siteCode: "H01", role: .siteStaff)]),
            ("r01.manager", "小区管理处主任", nil, [.init(siteCode: "R01", role: .siteManager)]),
            ("g01.manager", "政务中心主任", nil, [.init(siteCode: "G01", role: .siteManager)]),
            ("g01.agent", "政务中心导服员", nil, [.init(siteCode: "G01", role: .siteAgent)]),
        ]

        /// A few staff records, with the reception and department users linked to theirs, so
        /// tickets can be recorded (the receiving staff member owns them) and worked on.
        static let staffMembers: [(site: String, employeeNo: String, name: String, department: String, user: String?)] = [
            ("H01", "K001", "王丽", "customer_service", "h01.agent"),
            ("H01", "G001", "李建国", "engineering", "h01.staff"),
            ("H01", "G002", "张师傅", "engineering", nil),
            ("H01", "D001", "刘电梯", "elevator", nil),
            ("R01", "K001", "陈静", "customer_service", nil),
            ("R01", "G001", "赵师傅", "engineering", nil),
            ("G01", "K001", "周敏", "customer_service", "g01.agent"),
            ("G01", "C001", "吴窗口", "general_window", nil),
        ]

        static func staff(_ database: PlatformDatabase) async throws {
            var statements: [PostgresStatement] = []
            for member in staffMembers {
                statements.append(PostgresStatement(
                    """
                    INSERT INTO staff (site_id, employee_no, name, department_id, hire_date)
                    SELECT s.id, $2, $3, d.id, '2020-03-01' FROM sites s JOIN departments d ON d.site_id = s.id AND d.code = $4 WHERE s.code = $1
                    ON CONFLICT (site_id, employee_no) DO NOTHING
                    """, [member.site, member.employeeNo, member.name, member.department]))
                if let user = member.user {
                    statements.append(PostgresStatement(
                        """
                        UPDATE user_site_roles r SET staff_id = st.id FROM sites s, staff st, users u
                        WHERE s.code = $1 AND st.site_id = s.id AND st.employee_no = $2 AND u.username = $3 AND r.site_id = s.id AND r.user_id = u.id
                        """, [member.site, member.employeeNo, user]))
                }
            }
            _ = try await database.pipeline(.operations, statements + [PrincipalChanges.notify("user_site_roles")])
        }

        func validate() throws {
            guard TokenLifetime.seconds(expires) != nil else { throw ValidationError("--expires takes e.g. 30d; got '\(expires)'") }
        }

        func run() async throws {
            try await runReporting {
                let lifetime = TokenLifetime.seconds(expires) ?? 0
                let rows = try await connection.withDatabase { database -> [[String]] in
                    for site in Self.sites { _ = try await SiteStore(database: database).create(site, scope: .operations) }
                    let users = UserStore(database: database)
                    var rows: [[String]] = []
                    for user in Self.users {
                        if try await users.find(username: user.username, scope: .operations) == nil {
                            _ = try await users.create(username: user.username, displayName: user.name, globalRole: user.global, grants: user.grants, scope: .operations)
                        }
                        let issued = try await TokenStore(database: database).issue(username: user.username, lifetime: lifetime, label: "demo", scope: .operations)
                        let reach = user.global?.rawValue ?? user.grants.map { "\($0.siteCode):\($0.role.rawValue)" }.joined(separator: ",")
                        rows.append([user.username, reach, issued.token.secret])
                    }
                    try await Self.staff(database)
                    return rows
                }
                print("demo group ready: sites \(Self.sites.map(\.code).joined(separator: ", "))")
                print(table(["USER", "ROLE", "TOKEN"], rows))
            }
        }
    }
}
