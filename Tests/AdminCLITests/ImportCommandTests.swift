import Foundation
import Platform
import Postgres
import TestSupport
import Testing

@Suite("platform-admin tenant import loads staff and certificates")
struct ImportCommandTests {
    static func write(_ text: String, _ name: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("\(UUID().uuidString)-\(name)").path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    static func counts(_ database: TestDatabase) async throws -> (staff: Int, certificates: Int, versions: Int) {
        try await database.withConnection(database.owner) { connection in
            try await connection.withTransaction([.setLocal("app.scope", "all")]) { connection in
                let row = try await connection.query("SELECT (SELECT count(*) FROM staff)::int AS staff, (SELECT count(*) FROM staff_certificates)::int AS certificates, (SELECT coalesce(sum(version), 0) FROM staff)::int AS versions")[0]
                return (try row.decode("staff"), try row.decode("certificates"), try row.decode("versions"))
            }
        }
    }

    @Test func badRowsAreReportedByLineAndColumnAndNothingIsWritten() async throws {
        try await TestDatabase.with { database in
            let cli = AdminCLI(database: database)
            #expect(try cli.run("tenant", "create", "--kind", "hospital", "--code", "H01", "--name", "市第一人民医院").status == 0)
            let staff = try Self.write("""
                \u{FEFF}employee_no,name,phone,department,post,education,hire_date,probation_until,is_veteran
                E001,李建国,13800000001,engineering,plumber_electrician,vocational,2015-03-01,,是
                E002,"王, 小丽",,customer_service,reception,bachelor,2026-09-01,2026-12-31,否
                E003,张三,12,kitchen,,phd,2026-13-01,,maybe
                E001,重复,,security,,,2020-01-01,,
                E004,赵六,,security,security_guard,,2020-01-01,2020-12-31
                """, "staff.csv")
            let refused = try cli.run("tenant", "import", "H01", "--staff", staff)
            #expect(refused.status == 8, "\(refused.output)")
            // E001 is put on a licensed post (水电工 needs 电工证) with no certificate on record or in a certificates file.
            for expected in ["staff.csv:2: post: 水电工 is a licensed post: no valid 电工证", "staff.csv:4: phone:", "staff.csv:4: department: no active department 'kitchen'", "staff.csv:4: education:", "staff.csv:4: hire_date:",
                             "staff.csv:4: is_veteran:", "staff.csv:5: employee_no: E001 is already on line 2", "staff.csv:6: : 8 fields where the header has 9",
                             "nothing was written"] {
                #expect(refused.output.contains(expected), "missing \(expected) in \(refused.output)")
            }
            #expect(try await Self.counts(database).staff == 0)

            let skipped = try cli.run("tenant", "import", "H01", "--staff", staff, "--skip-bad")
            #expect(skipped.status == 0, "\(skipped.output)")
            #expect(skipped.output.contains("staff: 1 added, 0 updated, 0 unchanged"), "\(skipped.output)")
            #expect(try await Self.counts(database).staff == 1)
        }
    }

    /// The rows of a post assignment meet the post's requirements as the API's do: a licensed
    /// post needs a valid certificate (on record or in the certificates file), the post's level
    /// its education, and a hospital's security guard post a veteran.
    @Test func postsAreAssignedOnlyToStaffWhoMeetTheirRequirements() async throws {
        try await TestDatabase.with { database in
            let cli = AdminCLI(database: database)
            #expect(try cli.run("tenant", "create", "--kind", "hospital", "--code", "H01", "--name", "市第一人民医院").status == 0)
            let staff = try Self.write("""
                employee_no,name,phone,department,post,education,hire_date,probation_until,is_veteran
                E001,李建国,,engineering,plumber_electrician,vocational,2015-03-01,,否
                E002,王电工,,engineering,plumber_electrician,vocational,2015-03-01,,否
                M001,孙经理,,management,manager,senior_high,2015-03-01,,否
                B001,赵保安,,security,security_guard,senior_high,2015-03-01,,否
                B002,钱保安,,security,security_guard,senior_high,2015-03-01,,是
                """, "staff.csv")
            let certificates = try Self.write("""
                employee_no,type,number,issuer,issued_on,expires_on,document_ref
                E001,electrician,DG-101,市应急管理局,2022-01-01,2038-01-01,
                E002,electrician,DG-102,市应急管理局,2022-01-01,2023-01-01,
                """, "certs.csv")
            let refused = try cli.run("tenant", "import", "H01", "--staff", staff, "--certificates", certificates)
            #expect(refused.status == 8, "\(refused.output)")
            for expected in ["staff.csv:3: post: 水电工 is a licensed post: no valid 电工证", "staff.csv:4: education:", "staff.csv:5: is_veteran:",
                             "certs.csv:3: employee_no: the staff row for E002 has problems"] {
                #expect(refused.output.contains(expected), "missing \(expected) in \(refused.output)")
            }
            #expect(!refused.output.contains("staff.csv:2:") && !refused.output.contains("staff.csv:6:"), "\(refused.output)")
            let loaded = try cli.run("tenant", "import", "H01", "--staff", staff, "--certificates", certificates, "--skip-bad")
            #expect(loaded.output.contains("staff: 2 added") && loaded.output.contains("certificates: 1 added"), "\(loaded.output)")
        }
    }

    @Test func loadingTheSameFilesAgainChangesNothingAndChangedRowsAreUpdated() async throws {
        try await TestDatabase.with { database in
            let cli = AdminCLI(database: database)
            #expect(try cli.run("tenant", "create", "--kind", "hospital", "--code", "H01", "--name", "市第一人民医院").status == 0)
            let header = "employee_no,name,phone,department,post,education,hire_date,probation_until,is_veteran\n"
            let staff = try Self.write(header + "E001,李建国,13800000001,engineering,plumber_electrician,vocational,2015-03-01,,true\nD001,刘电梯,,elevator,elevator_operator,senior_high,2018-05-01,,false\n", "staff.csv")
            let certificates = try Self.write("""
                employee_no,type,number,issuer,issued_on,expires_on,document_ref
                E001,electrician,DG-001,市应急管理局,2022-01-01,2038-01-01,scan/dg-001.pdf
                D001,special_equipment_operation,TS-9,市场监督管理局,2021-06-01,2035-06-01,
                """, "certs.csv")
            let first = try cli.run("tenant", "import", "h01", "--staff", staff, "--certificates", certificates)
            #expect(first.status == 0, "\(first.output)")
            #expect(first.output.contains("staff: 2 added") && first.output.contains("certificates: 2 added"))
            let loaded = try await Self.counts(database)
            let again = try cli.run("tenant", "import", "H01", "--staff", staff, "--certificates", certificates)
            #expect(again.output.contains("staff: 0 added, 0 updated, 2 unchanged") && again.output.contains("certificates: 0 added, 0 updated, 2 unchanged"), "\(again.output)")
            #expect(try await Self.counts(database) == loaded)

            let changed = try Self.write(header + "E001,李建国,13800000009,engineering,plumber_electrician,vocational,2015-03-01,,true\n", "staff2.csv")
            let update = try cli.run("tenant", "import", "H01", "--staff", changed)
            #expect(update.output.contains("staff: 0 added, 1 updated, 0 unchanged"), "\(update.output)")
            #expect(try await Self.counts(database).versions == loaded.versions + 1)

            let orphan = try Self.write("employee_no,type,number,issuer,issued_on,expires_on,document_ref\nX999,electrician,DG-2,,2022-01-01,2023-01-01,\n", "certs2.csv")
            let refused = try cli.run("tenant", "import", "H01", "--staff", changed, "--certificates", orphan)
            #expect(refused.status == 8 && refused.output.contains("certs2.csv:2: employee_no: no staff member X999"), "\(refused.output)")
            #expect(try cli.run("tenant", "import", "Z99", "--staff", changed).status == 1)
        }
    }
}
