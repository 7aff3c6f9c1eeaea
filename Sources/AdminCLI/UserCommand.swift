import ArgumentParser
import Platform

struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user", abstract: "Create users, grant them roles, set passwords.", subcommands: [Create.self, SetPassword.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a user with a headquarters role, or roles at sites.",
            discussion: "Examples:\n  platform-admin user create --username hq.li --name 李娜 --global-role hq_analyst\n  platform-admin user create --username h01.wang --name 王强 --site H01:site_manager")
        @OptionGroup var connection: ConnectionOptions
        @Option(help: "Sign-in name: lower-case letters, digits, '.', '_', '-'.") var username: String
        @Option(help: "Name shown to people.") var name: String
        @Option(help: "hq_admin or hq_analyst.") var globalRole: Role?
        @Option(name: .customLong("site"), help: "CODE:ROLE, repeatable (regional_manager, site_manager, site_agent, site_staff).")
        var sites: [String] = []

        func grants() throws -> [UserStore.Grant] {
            try sites.map { text in
                let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
                guard parts.count == 2, let role = Role(rawValue: parts[1]) else {
                    throw ValidationError("--site takes CODE:ROLE with ROLE one of regional_manager, site_manager, site_agent, site_staff; got '\(text)'")
                }
                return UserStore.Grant(siteCode: parts[0], role: role)
            }
        }

        func validate() throws { _ = try grants() }

        func run() async throws {
            try await runReporting {
                let grants = try grants()
                let user = try await connection.withDatabase { database in
                    try await UserStore(database: database).create(username: username, displayName: name, globalRole: globalRole, grants: grants, scope: .operations)
                }
                print("created user \(user.username) (\(user.id.uuidString.lowercased()))")
            }
        }
    }

    struct SetPassword: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set-password",
            abstract: "Set a user's sign-in password, read from the first line of standard input.",
            discussion: "Example: printf '%s\\n' \"$NEW_PASSWORD\" | platform-admin user set-password --username h01.wang")
        @OptionGroup var connection: ConnectionOptions
        @Option(help: "Username.") var username: String

        func run() async throws {
            try await runReporting {
                guard let line = readLine(strippingNewline: true), !line.isEmpty else {
                    throw DomainError.invalid(field: "password", code: "user.missing_password", message: "give the password on standard input")
                }
                let changed = try await connection.withDatabase { try await UserStore(database: $0).setPassword(username: username, password: line, scope: .operations) }
                guard changed else { throw DomainError(.notFound, code: "user.not_found", message: "no user named \(username)") }
                print("password of \(username) set")
            }
        }
    }
}
