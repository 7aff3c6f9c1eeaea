import Foundation
import Postgres

/// Runs the built `platform-admin` binary against a test database, as an operator would.
public struct AdminCLI: Sendable {
    public let database: TestDatabase

    public init(database: TestDatabase) {
        self.database = database
    }

    /// The products folder: the test bundle sits next to the executables.
    static let binaries = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()

    public struct Outcome: Sendable {
        public var status: Int32
        public var output: String
    }

    public func run(_ arguments: String...) throws -> Outcome {
        var environment = ProcessInfo.processInfo.environment
        environment["DATABASE_URL"] = database.app.connectionString
        environment["MIGRATION_DATABASE_URL"] = database.owner.connectionString
        let result = try Subprocess.run([AdminCLI.binaries.appendingPathComponent("platform-admin").path] + arguments, environment: environment)
        return Outcome(status: result.status, output: result.output)
    }
}
