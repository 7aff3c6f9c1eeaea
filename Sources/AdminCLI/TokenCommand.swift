import ArgumentParser
import Foundation
import Platform

struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token", abstract: "Issue and revoke API bearer tokens.", subcommands: [Issue.self, Revoke.self])

    struct Issue: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Issue a token for a user. It is printed once; only its SHA-256 is stored.")
        @OptionGroup var connection: ConnectionOptions
        @Option(help: "Username.") var user: String
        @Option(help: "Lifetime: a number with m, h, d, w or y (e.g. 90d).") var expires: String = "30d"
        @Option(help: "A note for the token, e.g. the device it is for.") var label: String?

        func validate() throws {
            guard TokenLifetime.seconds(expires) != nil else {
                throw ValidationError("--expires takes a number followed by m, h, d, w or y, e.g. 90d; got '\(expires)'")
            }
        }

        func run() async throws {
            try await runReporting {
                let lifetime = TokenLifetime.seconds(expires) ?? 0
                let issued = try await connection.withDatabase { database in
                    try await TokenStore(database: database).issue(username: user, lifetime: lifetime, label: label, scope: .operations)
                }
                report("token \(issued.id.uuidString.lowercased()) for \(user), expires \(issued.expiresAt.formatted(.iso8601)); store it now, it is not shown again")
                print(issued.token.secret)
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a token by id, or every token of a user.")
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "Token id (printed when it was issued).") var id: String?
        @Option(help: "Revoke every live token of this user instead.") var user: String?

        func validate() throws {
            guard (id == nil) != (user == nil) else { throw ValidationError("give a token id or --user, not both") }
            if let id, UUID(uuidString: id) == nil { throw ValidationError("'\(id)' is not a token id (a UUID)") }
        }

        func run() async throws {
            try await runReporting {
                try await connection.withDatabase { database in
                    let store = TokenStore(database: database)
                    if let id, let uuid = UUID(uuidString: id) {
                        guard try await store.revoke(id: uuid, scope: .operations) else {
                            throw DomainError(.notFound, code: "token.not_found", message: "no token with id \(id)")
                        }
                        print("revoked token \(id)")
                    } else if let user {
                        print("revoked \(try await store.revokeAll(username: user, scope: .operations)) token(s) of \(user)")
                    }
                }
            }
        }
    }
}

enum TokenLifetime {
    /// "90d" → seconds.
    static func seconds(_ text: String) -> TimeInterval? {
        guard let unit = text.last, let amount = Int(text.dropLast()), amount > 0 else { return nil }
        let scale: Double? = switch unit {
        case "m": 60
        case "h": 3600
        case "d": 86_400
        case "w": 7 * 86_400
        case "y": 365 * 86_400
        default: nil
        }
        return scale.map { Double(amount) * $0 }
    }
}
