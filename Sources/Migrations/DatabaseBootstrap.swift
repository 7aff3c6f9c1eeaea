import Postgres

/// The one step that needs a superuser: the owner role and the database it owns.
///
/// Everything after it (roles `platform_app`/`platform_report`, extensions, tables) is done
/// by migrations running as `platform_owner`, so a managed PostgreSQL where ops get a
/// CREATEROLE account but no superuser works the same way.
public enum DatabaseBootstrap {
    /// Creates role `platform_owner` (LOGIN, CREATEROLE) and `database` owned by it, if missing.
    /// With passwords given, sets them (for TCP deployments; the dev cluster trusts its socket).
    public static func prepare(
        superuser: PostgresConfiguration, database: String, ownerPassword: String? = nil
    ) async throws {
        try await PostgresConnection.with(superuser) { connection in
            // Roles are cluster-wide: serialize their creation across concurrent bootstraps.
            try await connection.script(
                """
                BEGIN;
                SELECT pg_advisory_xact_lock(7326001002);
                DO $$ BEGIN
                    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'platform_owner') THEN
                        CREATE ROLE platform_owner LOGIN CREATEROLE NOSUPERUSER NOBYPASSRLS;
                    END IF;
                END $$;
                COMMIT;
                """)
            if let ownerPassword {
                try await connection.script("ALTER ROLE platform_owner PASSWORD \(PostgresLiteral.quote(ownerPassword))")
            }
            let exists = try await connection.query("SELECT 1 FROM pg_database WHERE datname = $1", [database], prepared: false)
            if exists.isEmpty {
                try await connection.script("CREATE DATABASE \(PostgresLiteral.identifier(database)) OWNER platform_owner ENCODING 'UTF8' TEMPLATE template0")
            }
        }
    }

    /// Sets the login passwords of the roles migrations created (run after `migrate up`).
    public static func setPasswords(owner: PostgresConfiguration, app: String?, report: String?) async throws {
        try await PostgresConnection.with(owner) { connection in
            if let app { try await connection.script("ALTER ROLE platform_app PASSWORD \(PostgresLiteral.quote(app))") }
            if let report { try await connection.script("ALTER ROLE platform_report PASSWORD \(PostgresLiteral.quote(report))") }
        }
    }
}
