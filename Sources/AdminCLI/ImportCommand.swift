import ArgumentParser
import Foundation
import Platform
import Postgres
import Synchronization

extension TenantCommand {
    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "import",
            abstract: "Load a site's staff, and optionally their certificates, from CSV files.",
            discussion: """
                Staff CSV columns: \(StaffImport.staffColumns.joined(separator: ",")) (department and post by code).
                Certificates CSV columns: \(StaffImport.certificateColumns.joined(separator: ",")).
                Every row is checked first and each problem printed as file:line: column: reason. Nothing is written
                unless every row is good, or --skip-bad is given. Staff are matched on employee_no and certificates
                on type and number: loading the same files again changes nothing.
                """)
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "Site code.") var code: String
        @Option(help: "The staff CSV file (UTF-8, with or without BOM).") var staff: String
        @Option(help: "The certificates CSV file.") var certificates: String?
        @Flag(help: "Load the good rows and report the bad ones, instead of refusing the files.") var skipBad = false

        func run() async throws {
            try await runReporting {
                let staffText = try Self.read(staff)
                let certificateText = try certificates.map(Self.read)
                let outcome = try await connection.withDatabase { database -> (StaffImport.Plan, StaffImport.Summary?) in
                    guard let site = try await SiteStore(database: database).find(code: code, scope: .operations) else {
                        throw DomainError(.notFound, code: "site.not_found", message: "no site \(code.uppercased())")
                    }
                    let references = try await StaffImport.references(database, site: site)
                    let plan = StaffImport.plan(staff: staffText, staffFile: staff, certificates: certificateText, certificatesFile: certificates ?? "",
                                                references: references, today: CalendarDate.day(of: Date(), in: site.timezone))
                    for problem in plan.problems { report(problem.description) }
                    guard plan.problems.isEmpty || skipBad else { return (plan, nil) }
                    let bar = ProgressBar()
                    let summary = try await StaffImport.apply(database, site: site, plan: plan) { done, total in bar.show(done, of: total) }
                    bar.finish()
                    return (plan, summary)
                }
                guard let summary = outcome.1 else {
                    report("\(outcome.0.problems.count) problem(s); nothing was written (fix them, or use --skip-bad to load the good rows)")
                    throw AdminExit.importRejected
                }
                print("staff: \(summary.staffAdded) added, \(summary.staffUpdated) updated, \(summary.staffUnchanged) unchanged")
                if certificates != nil {
                    print("certificates: \(summary.certificatesAdded) added, \(summary.certificatesUpdated) updated, \(summary.certificatesUnchanged) unchanged")
                }
                if !outcome.0.problems.isEmpty { print("skipped: \(outcome.0.problems.count) problem(s) reported above") }
            }
        }

        static func read(_ path: String) throws -> String {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw DomainError(.invalid, code: "import.unreadable", message: "cannot read \(path)")
            }
            guard let text = String(data: data, encoding: .utf8) else {
                throw DomainError(.invalid, code: "import.not_utf8", message: "\(path) is not UTF-8; save it as \"CSV UTF-8\"")
            }
            return text
        }
    }
}

/// A one-line progress bar on stderr when it is a terminal; otherwise a line per quarter.
final class ProgressBar: Sendable {
    private let last = Mutex(-1)
    private let terminal = isatty(STDERR_FILENO) == 1
    private let unit: String

    init(unit: String = "rows") {
        self.unit = unit
    }

    func show(_ done: Int, of total: Int) {
        guard total > 0 else { return }
        let percent = done * 100 / total
        let step = terminal ? percent : percent / 25 * 25
        guard last.withLock({ previous in defer { previous = step }; return previous != step }) else { return }
        let width = 30
        let filled = done * width / total
        let line = "[\(String(repeating: "#", count: filled))\(String(repeating: ".", count: width - filled))] \(percent)% \(done)/\(total) \(unit)"
        FileHandle.standardError.write(Data((terminal ? "\r" + line : line + "\n").utf8))
    }

    func finish() {
        if terminal { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}
