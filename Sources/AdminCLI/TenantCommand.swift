import ArgumentParser
import Foundation
import Platform

struct TenantCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tenant",
        abstract: "Create, list, show, suspend and resume sites; import their staff; export all their rows.",
        subcommands: [Create.self, List.self, Show.self, Suspend.self, Resume.self, Import.self, Export.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a site ready to work: departments, posts, calendars and default policies for its kind.",
            discussion: "Running it again with the same arguments changes nothing; a different site under the same code is an error.")
        @OptionGroup var connection: ConnectionOptions

        @Option(help: "hospital, residence or government_service_center.")
        var kind: Site.Kind

        @Option(help: "Short immutable code, e.g. H01.")
        var code: String

        @Option(help: "Display name, e.g. 市第一人民医院.")
        var name: String

        @Option(help: "IANA timezone.")
        var timezone: String = "Asia/Shanghai"

        @Option(help: "Region for headquarters grouping, e.g. 华东.")
        var region: String?

        func run() async throws {
            try await runReporting {
                let request = try NewSite(code: code, name: name, kind: kind, timezone: timezone, region: region).validated()
                let (site, created) = try await connection.withDatabase { database in
                    try await SiteStore(database: database).create(request, scope: .operations)
                }
                print(created ? "created site \(site.code) (\(site.kind.rawValue), \(site.id.uuidString.lowercased()))" : "site \(site.code) already exists with these settings; nothing changed")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List sites.")
        @OptionGroup var connection: ConnectionOptions
        @Option var kind: Site.Kind?
        @Option var region: String?
        @Option var status: Site.Status?
        @Flag(help: "Print JSON instead of a table.") var json = false

        func run() async throws {
            try await runReporting {
                let sites = try await connection.withDatabase { database in
                    try await SiteStore(database: database).list(kind: kind, region: region, status: status, scope: .operations)
                }
                if json { return try printJSON(sites) }
                print(table(["CODE", "KIND", "NAME", "REGION", "TIMEZONE", "STATUS"],
                            sites.map { [$0.code, $0.kind.rawValue, $0.name, $0.region ?? "", $0.timezone, $0.status.rawValue] }))
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one site and what it has.")
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "Site code.") var code: String
        @Flag(help: "Print JSON.") var json = false

        struct Shown: Encodable {
            var site: Site
            var counts: [String: Int]
        }

        func run() async throws {
            try await runReporting {
                let shown = try await connection.withDatabase { database -> Shown in
                    let store = SiteStore(database: database)
                    guard let site = try await store.find(code: code, scope: .operations) else {
                        throw DomainError(.notFound, code: "site.not_found", message: "no site with code \(code.uppercased())")
                    }
                    return Shown(site: site, counts: try await store.inventory(siteID: site.id, scope: .operations))
                }
                if json { return try printJSON(shown) }
                let site = shown.site
                print(table(["FIELD", "VALUE"], [
                    ["code", site.code], ["name", site.name], ["kind", "\(site.kind.rawValue) (\(site.kind.chineseName))"],
                    ["timezone", site.timezone], ["region", site.region ?? "-"], ["status", site.status.rawValue],
                    ["id", site.id.uuidString.lowercased()], ["created", site.createdAt.formatted(.iso8601)],
                ] + shown.counts.sorted { $0.key < $1.key }.map { [$0.key, String($0.value)] }))
            }
        }
    }

    struct Suspend: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Suspend a site: its users can no longer sign in; its data is kept.")
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "Site code.") var code: String

        func run() async throws {
            try await runReporting {
                let site = try await connection.withDatabase { try await SiteStore(database: $0).setStatus(code: code, .suspended, scope: .operations) }
                print("site \(site.code) is suspended")
            }
        }
    }

    struct Resume: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Re-activate a suspended site.")
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "Site code.") var code: String

        func run() async throws {
            try await runReporting {
                let site = try await connection.withDatabase { try await SiteStore(database: $0).setStatus(code: code, .active, scope: .operations) }
                print("site \(site.code) is active")
            }
        }
    }
}

extension Site.Kind: ExpressibleByArgument {}
extension Site.Status: ExpressibleByArgument {}
extension Role: ExpressibleByArgument {}
