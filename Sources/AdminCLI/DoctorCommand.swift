import ArgumentParser
import Migrations

struct DoctorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check connectivity, roles, pending migrations and row-level security on every tenant table.")
    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        try await runReporting {
            let checks = await SchemaDoctor(owner: try connection.owner, app: try connection.app, migrations: try MigrationSource.bundled()).run()
            for check in checks { print("\(check.passed ? "ok  " : check.advisory ? "warn" : "FAIL") \(check.name): \(check.detail)") }
            if checks.contains(where: { !$0.passed && !$0.advisory }) {
                report("doctor found problems")
                throw AdminExit.doctorProblems
            }
        }
    }
}
