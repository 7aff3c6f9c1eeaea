import Postgres

/// The health checks behind `platform-admin doctor`: can we connect, are the roles safe, is
/// the schema current, and does every tenant table have forced row-level security.
public struct SchemaDoctor: Sendable {
    public struct Check: Sendable, Equatable {
        public var name: String
        public var passed: Bool
        public var detail: String
        /// A failed advisory check (slower, not unsafe): reported, but `doctor` still succeeds.
        public var advisory: Bool = false
    }

    public var owner: PostgresConfiguration
    public var app: PostgresConfiguration
    public var migrations: [Migration]

    public init(owner: PostgresConfiguration, app: PostgresConfiguration, migrations: [Migration]) {
        self.owner = owner
        self.app = app
        self.migrations = migrations
    }

    public func run() async -> [Check] {
        var checks: [Check] = []
        let ownerConnection: PostgresConnection
        do {
            ownerConnection = try await PostgresConnection.connect(owner)
            checks.append(Check(name: "owner connection", passed: true, detail: "connected as the migration role"))
        } catch {
            return [Check(name: "owner connection", passed: false, detail: "\(error)")]
        }
        checks.append(await appRole())
        do {
            checks += try await schemaChecks(ownerConnection)
        } catch {
            checks.append(Check(name: "schema checks", passed: false, detail: "\(error)"))
        }
        await ownerConnection.close()
        return checks
    }

    private func appRole() async -> Check {
        do {
            let row = try await PostgresConnection.with(app) { connection in
                try await connection.query("SELECT current_user AS name, rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user", prepared: false)[0]
            }
            let name: String = try row.decode("name")
            if try row.decode("rolsuper", as: Bool.self) || row.decode("rolbypassrls", as: Bool.self) {
                return Check(name: "app connection", passed: false, detail: "the server's role \(name) bypasses row-level security; it must be platform_app")
            }
            return Check(name: "app connection", passed: true, detail: "connected as \(name), subject to row-level security")
        } catch {
            return Check(name: "app connection", passed: false, detail: "\(error)")
        }
    }

    private func schemaChecks(_ connection: PostgresConnection) async throws -> [Check] {
        var checks: [Check] = []
        let roles = try await connection.query(
            "SELECT rolname, rolcanlogin, rolsuper, rolbypassrls FROM pg_roles WHERE rolname IN ('platform_owner', 'platform_app', 'platform_report') ORDER BY rolname",
            prepared: false)
        let found = try roles.map { try $0.decode("rolname", as: String.self) }
        let missing = ["platform_app", "platform_owner", "platform_report"].filter { !found.contains($0) }
        let unsafe = try roles.filter { try $0.decode("rolsuper", as: Bool.self) || $0.decode("rolbypassrls", as: Bool.self) }.map { try $0.decode("rolname", as: String.self) }
        checks.append(Check(
            name: "roles", passed: missing.isEmpty && unsafe.isEmpty,
            detail: !missing.isEmpty ? "missing roles: \(missing.joined(separator: ", "))"
                : !unsafe.isEmpty ? "superuser or BYPASSRLS: \(unsafe.joined(separator: ", "))" : "platform_owner, platform_app, platform_report exist without SUPERUSER or BYPASSRLS"))

        // Ticket search keeps its GIN index through app.ticket_search_ids (migrations 0020, 0022), owned
        // by platform_search; no superuser grant is needed.
        let search = try await connection.query(
            """
            SELECT (SELECT pg_get_userbyid(p.proowner) FROM pg_proc p WHERE p.oid = to_regprocedure('app.ticket_search_ids(text[], text, text, text, text)')) AS owner,
                   (SELECT p.prosecdef FROM pg_proc p WHERE p.oid = to_regprocedure('app.ticket_search_ids(text[], text, text, text, text)')) AS definer,
                   EXISTS (SELECT 1 FROM pg_policies WHERE tablename = 'tickets' AND policyname = 'ticket_search') AS policy
            """, prepared: false)
        let searchOwner = try search.first?.decodeIfPresent("owner", as: String.self)
        let definer = try search.first?.decodeIfPresent("definer", as: Bool.self) ?? false
        let policy = try search.first?.decode("policy", as: Bool.self) ?? false
        let searchReady = searchOwner == "platform_search" && definer && policy
        checks.append(Check(
            name: "text search under RLS", passed: searchReady,
            detail: searchReady ? "ticket search uses its GIN index through app.ticket_search_ids (owned by platform_search), no superuser needed"
                : "app.ticket_search_ids or its policy is missing: run `platform-admin migrate up`",
            advisory: true))

        let bypassing = try await connection.query(
            "SELECT rolname FROM pg_roles WHERE rolcanlogin AND rolbypassrls AND NOT rolsuper ORDER BY rolname", prepared: false
        ).map { try $0.decode("rolname", as: String.self) }
        checks.append(Check(
            name: "no login role bypasses RLS", passed: bypassing.isEmpty,
            detail: bypassing.isEmpty ? "no non-superuser login role has BYPASSRLS" : "login roles with BYPASSRLS: \(bypassing.joined(separator: ", "))"))

        let history = try await Migrator(configuration: owner, migrations: migrations).history(connection)
        let status = Migrator.status(files: migrations, history: history)
        let drift = Migrator.drift(files: migrations, history: history)
        let pending = status.filter { $0.state == .pending || $0.state == .failed }
        checks.append(Check(
            name: "migrations", passed: pending.isEmpty && drift.isEmpty,
            detail: !drift.isEmpty ? "drift: \(drift.map(\.description).joined(separator: "; "))"
                : !pending.isEmpty ? "pending: \(pending.map { String($0.version) }.joined(separator: ", ")); run platform-admin migrate up"
                : "\(status.count) applied, none pending"))

        let tables = try await connection.query(
            """
            SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity,
                   (SELECT count(*) FROM pg_policy p WHERE p.polrelid = c.oid) AS policies
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')
              AND (c.relname = 'sites' OR EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'site_id' AND NOT a.attisdropped))
            ORDER BY c.relname
            """, prepared: false)
        var unprotected: [String] = []
        for table in tables {
            let name: String = try table.decode("relname")
            var problems: [String] = []
            if !(try table.decode("relrowsecurity", as: Bool.self)) { problems.append("RLS disabled") }
            if !(try table.decode("relforcerowsecurity", as: Bool.self)) { problems.append("RLS not forced") }
            if try table.decode("policies", as: Int.self) == 0 { problems.append("no policy") }
            if !problems.isEmpty { unprotected.append("\(name) (\(problems.joined(separator: ", ")))") }
        }
        checks.append(Check(
            name: "row-level security", passed: unprotected.isEmpty && !tables.isEmpty,
            detail: tables.isEmpty ? "no tenant tables found; run platform-admin migrate up"
                : unprotected.isEmpty ? "\(tables.count) tenant tables have RLS enabled, forced, with a policy"
                : "unprotected: \(unprotected.joined(separator: "; "))"))
        return checks
    }
}
