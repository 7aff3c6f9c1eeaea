import Domain
import Foundation
import Postgres

/// Comma-separated values as spreadsheet programs write them (RFC 4180): quoted fields with
/// commas, quotes and line breaks, CRLF or LF, and an optional UTF-8 byte order mark.
public enum CSV {
    public struct Row: Sendable {
        /// The 1-based line the record starts on.
        public var line: Int
        public var fields: [String]
    }

    public static func parse(_ text: String) -> [Row] {
        var rows: [Row] = []
        var fields: [String] = []
        var field = ""
        var quoted = false
        var line = 1
        var rowStart = 1
        var scalars = text.unicodeScalars[...]
        if scalars.first == "\u{FEFF}" { scalars = scalars.dropFirst() }
        var iterator = scalars.makeIterator()
        var pending: Unicode.Scalar? = iterator.next()
        func endRow() {
            fields.append(field)
            field = ""
            if !(fields.count == 1 && fields[0].isEmpty) { rows.append(Row(line: rowStart, fields: fields)) }
            fields = []
        }
        while let scalar = pending {
            pending = iterator.next()
            if quoted {
                if scalar == "\"" {
                    if pending == "\"" {
                        field.unicodeScalars.append("\"")
                        pending = iterator.next()
                    } else {
                        quoted = false
                    }
                } else {
                    if scalar == "\n" { line += 1 }
                    field.unicodeScalars.append(scalar)
                }
                continue
            }
            switch scalar {
            case "\"" where field.isEmpty: quoted = true
            case ",":
                fields.append(field)
                field = ""
            case "\r":
                if pending == "\n" { pending = iterator.next() }
                endRow()
                line += 1
                rowStart = line
            case "\n":
                endRow()
                line += 1
                rowStart = line
            default: field.unicodeScalars.append(scalar)
            }
        }
        if !field.isEmpty || !fields.isEmpty { endRow() }
        return rows
    }
}

/// Bulk onboarding of a site's staff (and their certificates) from spreadsheet exports.
///
/// Every row is checked first and each bad one reported by line, column and reason; nothing
/// is written unless all rows are good (or `skipBad`). Rows are loaded with COPY into a
/// temporary table and merged on the employee number: new staff are added, changed ones
/// updated, identical ones left alone, so loading the same file twice changes nothing.
public enum StaffImport {
    public static let staffColumns = ["employee_no", "name", "phone", "department", "post", "education", "hire_date", "probation_until", "is_veteran"]
    public static let certificateColumns = ["employee_no", "type", "number", "issuer", "issued_on", "expires_on", "document_ref"]

    public struct Problem: Sendable, Equatable, CustomStringConvertible {
        public var file: String
        public var line: Int
        public var column: String
        public var reason: String
        public var description: String { "\(file):\(line): \(column): \(reason)" }
    }

    public struct Summary: Sendable, Equatable {
        public var staffAdded = 0
        public var staffUpdated = 0
        public var staffUnchanged = 0
        public var certificatesAdded = 0
        public var certificatesUpdated = 0
        public var certificatesUnchanged = 0
        public var skipped = 0
    }

    /// Checked rows, ready for COPY (text values, nil for NULL).
    public struct Plan: Sendable {
        public var staff: [[String?]] = []
        public var certificates: [[String?]] = []
        public var problems: [Problem] = []
    }

    /// What the checks need from the database: codes of the site's departments and posts,
    /// the certificate types, and employee numbers already on record; for the post
    /// requirements (`PostRequirements`), what each post asks, the names of the certificate
    /// types, what staff on record hold now and the certificates they have.
    public struct References: Sendable {
        public var departments: [String: UUID]
        public var posts: [String: UUID]
        public var certificateTypes: Set<String>
        public var employees: Set<String>
        public var requirements: [UUID: PostRequirements] = [:]
        public var certificateNames: [String: String] = [:]
        public var current: [String: Holding] = [:]
        public var certificatesHeld: [String: [PostRequirements.HeldCertificate]] = [:]
    }

    /// A staff member on record: their post, education and veteran flag.
    public struct Holding: Sendable, Equatable {
        public var post: UUID?
        public var education: Education?
        public var isVeteran: Bool
    }

    public static func references(_ database: PlatformDatabase, site: Site) async throws -> References {
        let scope = AccessScope(sites: .only([site.id]), role: "ops")
        let results = try await database.pipeline(scope, [
            PostgresStatement("SELECT code, id FROM departments WHERE site_id = $1 AND active", [site.id]),
            PostgresStatement("SELECT code, id, name, level, veterans_only, required_certificates FROM posts WHERE site_id = $1 AND active", [site.id]),
            PostgresStatement("SELECT code, name_zh FROM certificate_types", []),
            PostgresStatement("SELECT employee_no, post_id, education, is_veteran FROM staff WHERE site_id = $1", [site.id]),
            PostgresStatement(
                """
                SELECT st.employee_no, c.certificate_type, c.issued_on, c.expires_on
                FROM staff_certificates c JOIN staff st ON st.site_id = c.site_id AND st.id = c.staff_id WHERE c.site_id = $1
                """, [site.id]),
        ])
        func codes(_ rows: PostgresRows) throws -> [String: UUID] {
            Dictionary(try rows.map { (try $0.decode("code", as: String.self), try $0.decode("id", as: UUID.self)) }, uniquingKeysWith: { first, _ in first })
        }
        var references = References(departments: try codes(results[0]), posts: try codes(results[1]),
                                    certificateTypes: Set(try results[2].map { try $0.decode("code", as: String.self) }),
                                    employees: Set(try results[3].map { try $0.decode("employee_no", as: String.self) }))
        for row in results[1] {
            references.requirements[try row.decode("id", as: UUID.self)] = PostRequirements(
                postName: try row.decode("name"), level: PostLevel(rawValue: try row.decode("level")) ?? .operative,
                veteransOnly: try row.decode("veterans_only"), requiredCertificates: try row.decode("required_certificates"))
        }
        for row in results[2] { references.certificateNames[try row.decode("code", as: String.self)] = try row.decode("name_zh", as: String.self) }
        for row in results[3] {
            references.current[try row.decode("employee_no", as: String.self)] = Holding(
                post: try row.decodeIfPresent("post_id"), education: try row.decodeIfPresent("education", as: String.self).flatMap(Education.init(rawValue:)),
                isVeteran: try row.decode("is_veteran"))
        }
        for row in results[4] {
            references.certificatesHeld[try row.decode("employee_no", as: String.self), default: []].append(PostRequirements.HeldCertificate(
                type: try row.decode("certificate_type"), issuedOn: try row.decode("issued_on"), expiresOn: try row.decode("expires_on")))
        }
        return references
    }

    /// Checks both files against the references; `today` is the site's calendar day.
    ///
    /// A row that assigns a post (a new staff member with one, or one on record moved to
    /// another) must meet `PostRequirements` with the certificates on record and in the
    /// certificates file; a row that keeps the post but changes the education or veteran flag
    /// must still meet the education and veteran requirements.
    public static func plan(staff: String, staffFile: String, certificates: String?, certificatesFile: String, references: References, today: CalendarDate) -> Plan {
        var plan = Plan()
        var seen: [String: Int] = [:]
        var badEmployees: Set<String> = []
        var assignments: [(index: Int, line: Int, employee: String, post: UUID, education: Education?, isVeteran: Bool)] = []
        for (index, row) in table(staff, file: staffFile, columns: staffColumns, plan: &plan).enumerated() {
            let line = row.line
            var problems: [Problem] = []
            func problem(_ column: String, _ reason: String) { problems.append(Problem(file: staffFile, line: line, column: column, reason: reason)) }
            let value = row.values
            let employee = value["employee_no"] ?? ""
            let draft = StaffRules.Draft(employeeNo: employee, name: value["name"] ?? "", phone: value["phone"].flatMap { $0.isEmpty ? nil : $0 },
                                         hireDate: CalendarDate(value["hire_date"] ?? "") ?? today, probationUntil: value["probation_until"].flatMap { CalendarDate($0) },
                                         mentorId: nil, id: nil)
            if CalendarDate(value["hire_date"] ?? "") == nil { problem("hire_date", "a date is YYYY-MM-DD") }
            if let text = value["probation_until"], !text.isEmpty, CalendarDate(text) == nil { problem("probation_until", "a date is YYYY-MM-DD") }
            do {
                _ = try StaffRules.validate(draft, today: today)
            } catch let error as DomainError {
                for field in error.fieldErrors { problem(Self.column(field.field), field.message) }
            } catch {
                problem("", "\(error)")
            }
            if let first = seen[employee] { problem("employee_no", "\(employee) is already on line \(first)") } else { seen[employee] = line }
            let department = references.departments[value["department"] ?? ""]
            if department == nil { problem("department", "no active department '\(value["department"] ?? "")' at this site") }
            var post: UUID?
            if let code = value["post"], !code.isEmpty {
                post = references.posts[code]
                if post == nil { problem("post", "no active post '\(code)' at this site") }
            }
            let education = value["education"].flatMap { $0.isEmpty ? nil : $0 }
            if let education, Education(rawValue: education) == nil {
                problem("education", "one of \(Education.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            let veteran = Self.boolean(value["is_veteran"])
            if veteran == nil { problem("is_veteran", "true/false, 1/0, 是/否 or empty") }
            guard problems.isEmpty else {
                plan.problems += problems
                badEmployees.insert(employee)
                continue
            }
            _ = index
            if let post { assignments.append((plan.staff.count, line, employee.trimmingCharacters(in: .whitespaces), post, education.flatMap(Education.init(rawValue:)), veteran ?? false)) }
            plan.staff.append([employee.trimmingCharacters(in: .whitespaces), draft.name.trimmingCharacters(in: .whitespacesAndNewlines),
                               draft.phone?.trimmingCharacters(in: .whitespaces), department?.uuidString, post?.uuidString, education,
                               draft.hireDate.description, draft.probationUntil?.description, String(veteran ?? false)])
        }
        let certificateLines = certificates.map { checkCertificates($0, file: certificatesFile, references: references, badEmployees: badEmployees, plan: &plan) } ?? []
        checkPostRequirements(assignments, staffFile: staffFile, certificatesFile: certificatesFile, certificateLines: certificateLines, references: references,
                              today: today, plan: &plan)
        return plan
    }

    /// The certificate rows: each for a staff member on record or in the file, of a known type,
    /// with good dates and a number not repeated. Returns the line of each accepted row.
    static func checkCertificates(_ certificates: String, file certificatesFile: String, references: References, badEmployees: Set<String>, plan: inout Plan) -> [Int] {
        var lines: [Int] = []
        let known = references.employees.union(plan.staff.compactMap { $0[0] })
        var numbers: [String: Int] = [:]
        for row in table(certificates, file: certificatesFile, columns: certificateColumns, plan: &plan) {
            var problems: [Problem] = []
            func problem(_ column: String, _ reason: String) { problems.append(Problem(file: certificatesFile, line: row.line, column: column, reason: reason)) }
            let value = row.values
            let employee = (value["employee_no"] ?? "").trimmingCharacters(in: .whitespaces)
            if !known.contains(employee) {
                problem("employee_no", badEmployees.contains(employee) ? "the staff row for \(employee) has problems" : "no staff member \(employee) at this site or in the staff file")
            }
            let type = value["type"] ?? ""
            if !references.certificateTypes.contains(type) { problem("type", "not a certificate type: \(references.certificateTypes.sorted().joined(separator: ", "))") }
            let issued = CalendarDate(value["issued_on"] ?? "")
            let expires = CalendarDate(value["expires_on"] ?? "")
            if issued == nil { problem("issued_on", "a date is YYYY-MM-DD") }
            if expires == nil { problem("expires_on", "a date is YYYY-MM-DD") }
            if let issued, let expires, expires < issued { problem("expires_on", "a certificate cannot expire before it is issued") }
            let number = (value["number"] ?? "").trimmingCharacters(in: .whitespaces)
            if number.isEmpty || number.count > 64 { problem("number", "the certificate number, 1–64 characters") }
            if let first = numbers["\(type) \(number)"] { problem("number", "\(type) \(number) is already on line \(first)") } else { numbers["\(type) \(number)"] = row.line }
            if (value["issuer"]?.count ?? 0) > 100 { problem("issuer", "at most 100 characters") }
            if (value["document_ref"]?.count ?? 0) > 300 { problem("document_ref", "at most 300 characters") }
            guard problems.isEmpty else {
                plan.problems += problems
                continue
            }
            plan.certificates.append([employee, type, number, value["issuer"].flatMap { $0.isEmpty ? nil : $0 }, issued?.description, expires?.description,
                                      value["document_ref"].flatMap { $0.isEmpty ? nil : $0 }])
            lines.append(row.line)
        }
        return lines
    }

    /// Rows that assign a post, or change the education or veteran flag of someone keeping
    /// one, against `PostRequirements`; a refused row is dropped with its problems, and so
    /// are the certificates of a new staff member whose row is dropped.
    static func checkPostRequirements(_ assignments: [(index: Int, line: Int, employee: String, post: UUID, education: Education?, isVeteran: Bool)],
                                      staffFile: String, certificatesFile: String, certificateLines: [Int], references: References, today: CalendarDate,
                                      plan: inout Plan) {
        var inFile: [String: [PostRequirements.HeldCertificate]] = [:]
        for row in plan.certificates {
            guard let employee = row[0], let type = row[1], let issued = row[4].flatMap(CalendarDate.init), let expires = row[5].flatMap(CalendarDate.init) else { continue }
            inFile[employee, default: []].append(PostRequirements.HeldCertificate(type: type, issuedOn: issued, expiresOn: expires))
        }
        var refused: [Int: String] = [:]
        for assignment in assignments {
            guard let requirements = references.requirements[assignment.post] else { continue }
            let candidate = PostRequirements.Candidate(education: assignment.education, isVeteran: assignment.isVeteran)
            let current = references.current[assignment.employee]
            let recheck = PostRequirements.Recheck(postChanged: current?.post != assignment.post,
                                                   from: current.map { .init(education: $0.education, isVeteran: $0.isVeteran) }, to: candidate)
            guard recheck != .none else { continue }
            do {
                if recheck == .everything {
                    let held = (references.certificatesHeld[assignment.employee] ?? []) + (inFile[assignment.employee] ?? [])
                    try requirements.check(staff: candidate, certificates: held, today: today, certificateNames: references.certificateNames)
                } else {
                    try requirements.checkQualifications(staff: candidate)
                }
            } catch let error as DomainError {
                for field in error.fieldErrors { plan.problems.append(Problem(file: staffFile, line: assignment.line, column: column(field.field), reason: field.message)) }
                refused[assignment.index] = assignment.employee
            } catch {
                plan.problems.append(Problem(file: staffFile, line: assignment.line, column: "post", reason: "\(error)"))
                refused[assignment.index] = assignment.employee
            }
        }
        guard !refused.isEmpty else { return }
        plan.staff = plan.staff.enumerated().filter { refused[$0.offset] == nil }.map(\.element)
        let dropped = Set(refused.values).subtracting(references.employees)
        guard !dropped.isEmpty else { return }
        var kept: [[String?]] = []
        for (index, row) in plan.certificates.enumerated() {
            guard let employee = row[0], dropped.contains(employee) else {
                kept.append(row)
                continue
            }
            let line = index < certificateLines.count ? certificateLines[index] : 0
            plan.problems.append(Problem(file: certificatesFile, line: line, column: "employee_no", reason: "the staff row for \(employee) has problems"))
        }
        plan.certificates = kept
    }

    struct Record {
        var line: Int
        var values: [String: String]
    }

    /// The data rows as column → value, after checking the header.
    static func table(_ text: String, file: String, columns: [String], plan: inout Plan) -> [Record] {
        let rows = CSV.parse(text)
        guard let header = rows.first else {
            plan.problems.append(Problem(file: file, line: 1, column: "", reason: "the file is empty; the first line names the columns: \(columns.joined(separator: ","))"))
            return []
        }
        let names = header.fields.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        let missing = columns.filter { !names.contains($0) && ($0 == "employee_no" || $0 == "name" || $0 == "department" || $0 == "hire_date" || $0 == "type" || $0 == "number" || $0 == "issued_on" || $0 == "expires_on") }
        let unknown = names.filter { !columns.contains($0) }
        if !missing.isEmpty || !unknown.isEmpty {
            plan.problems.append(Problem(file: file, line: 1, column: (missing + unknown).joined(separator: ","),
                                         reason: (missing.isEmpty ? "" : "missing column(s) \(missing.joined(separator: ", ")); ")
                                            + (unknown.isEmpty ? "" : "unknown column(s) \(unknown.joined(separator: ", ")); ") + "expected \(columns.joined(separator: ","))"))
            return []
        }
        var records: [Record] = []
        for row in rows.dropFirst() {
            guard row.fields.count == names.count else {
                plan.problems.append(Problem(file: file, line: row.line, column: "", reason: "\(row.fields.count) fields where the header has \(names.count)"))
                continue
            }
            records.append(Record(line: row.line, values: Dictionary(zip(names, row.fields), uniquingKeysWith: { first, _ in first })))
        }
        return records
    }

    static func column(_ field: String) -> String {
        switch field {
        case "employeeNo": "employee_no"
        case "hireDate": "hire_date"
        case "probationUntil": "probation_until"
        case "postId": "post"
        case "isVeteran": "is_veteran"
        default: field
        }
    }

    static func boolean(_ text: String?) -> Bool? {
        switch text?.trimmingCharacters(in: .whitespaces).lowercased() ?? "" {
        case "", "false", "0", "否", "no": false
        case "true", "1", "是", "yes": true
        default: nil
        }
    }

    /// Loads a checked plan in one transaction; `progress(done, total)` is called as rows are copied.
    public static func apply(_ database: PlatformDatabase, site: Site, plan: Plan, progress: @escaping @Sendable (Int, Int) -> Void) async throws -> Summary {
        let scope = AccessScope(sites: .only([site.id]), role: "ops")
        let (staff, certificates) = (plan.staff, plan.certificates)
        return try await database.transaction(scope) { connection -> Summary in
            var summary = Summary()
            let total = staff.count + certificates.count
            try await connection.script(
                """
                CREATE TEMP TABLE import_staff (employee_no text, name text, phone text, department_id uuid, post_id uuid, education text,
                    hire_date date, probation_until date, is_veteran boolean) ON COMMIT DROP;
                CREATE TEMP TABLE import_certificates (employee_no text, certificate_type text, number text, issuer text, issued_on date,
                    expires_on date, document_ref text) ON COMMIT DROP
                """)
            let chunk = 5_000
            var done = 0
            for start in stride(from: 0, to: staff.count, by: chunk) {
                done += try await connection.copyIn("COPY import_staff FROM STDIN", rows: Array(staff[start..<min(start + chunk, staff.count)]))
                progress(done, total)
            }
            for start in stride(from: 0, to: certificates.count, by: chunk) {
                done += try await connection.copyIn("COPY import_certificates FROM STDIN", rows: Array(certificates[start..<min(start + chunk, certificates.count)]))
                progress(done, total)
            }
            let merged = try await connection.query(
                """
                WITH merged AS (
                    INSERT INTO staff AS s (site_id, employee_no, name, phone, department_id, post_id, education, hire_date, probation_until, is_veteran)
                    SELECT $1, employee_no, name, phone, department_id, post_id, education, hire_date, probation_until, is_veteran FROM import_staff
                    ON CONFLICT (site_id, employee_no) DO UPDATE SET name = excluded.name, phone = excluded.phone, department_id = excluded.department_id,
                        post_id = excluded.post_id, education = excluded.education, hire_date = excluded.hire_date, probation_until = excluded.probation_until,
                        is_veteran = excluded.is_veteran, version = s.version + 1, updated_at = now()
                    WHERE (s.name, s.phone, s.department_id, s.post_id, s.education, s.hire_date, s.probation_until, s.is_veteran)
                        IS DISTINCT FROM (excluded.name, excluded.phone, excluded.department_id, excluded.post_id, excluded.education, excluded.hire_date,
                                          excluded.probation_until, excluded.is_veteran)
                    RETURNING (xmax = 0) AS added
                )
                SELECT count(*) FILTER (WHERE added)::int AS added, count(*) FILTER (WHERE NOT added)::int AS updated FROM merged
                """, [site.id])[0]
            summary.staffAdded = try merged.decode("added")
            summary.staffUpdated = try merged.decode("updated")
            summary.staffUnchanged = staff.count - summary.staffAdded - summary.staffUpdated
            let certified = try await connection.query(
                """
                WITH merged AS (
                    INSERT INTO staff_certificates AS c (site_id, staff_id, certificate_type, number, issuer, issued_on, expires_on, document_ref)
                    SELECT $1, s.id, i.certificate_type, i.number, i.issuer, i.issued_on, i.expires_on, i.document_ref
                    FROM import_certificates i JOIN staff s ON s.site_id = $1 AND s.employee_no = i.employee_no
                    ON CONFLICT (site_id, certificate_type, number) DO UPDATE SET staff_id = excluded.staff_id, issuer = excluded.issuer,
                        issued_on = excluded.issued_on, expires_on = excluded.expires_on, document_ref = excluded.document_ref, version = c.version + 1, updated_at = now()
                    WHERE (c.staff_id, c.issuer, c.issued_on, c.expires_on, c.document_ref)
                        IS DISTINCT FROM (excluded.staff_id, excluded.issuer, excluded.issued_on, excluded.expires_on, excluded.document_ref)
                    RETURNING (xmax = 0) AS added
                )
                SELECT count(*) FILTER (WHERE added)::int AS added, count(*) FILTER (WHERE NOT added)::int AS updated FROM merged
                """, [site.id])[0]
            summary.certificatesAdded = try certified.decode("added")
            summary.certificatesUpdated = try certified.decode("updated")
            summary.certificatesUnchanged = certificates.count - summary.certificatesAdded - summary.certificatesUpdated
            try await connection.execute(AuditLog.record(site: site.id, scope: scope, action: "staff.import", targetType: "site", targetID: site.code,
                                                   detail: ["staffAdded": String(summary.staffAdded), "staffUpdated": String(summary.staffUpdated),
                                                            "certificatesAdded": String(summary.certificatesAdded), "certificatesUpdated": String(summary.certificatesUpdated)],
                                                   requestID: nil))
            return summary
        }
    }
}
