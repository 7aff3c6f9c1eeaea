import Foundation
import Postgres
import TestSupport
import Testing

/// The schema stays distributable by `site_id` (DESIGN.md, docs/scaling.md): checked in the
/// catalog of a fully migrated database, so a new table that breaks a rule fails here.
@Suite("The schema is ready to distribute by site_id")
struct CitusReadinessTests {
    /// Site-independent tables: reference tables under Citus (or coordinator-only).
    static let referenceTables: Set<String> = ["api_tokens", "certificate_types", "schema_migrations", "sites", "users"]

    func strings(_ database: TestDatabase, _ sql: String) async throws -> [String] {
        try await database.withConnection(database.superuser) { connection in
            try await connection.query(sql, prepared: false).map { try $0.decode(at: 0, as: String.self) }
        }
    }

    static let tenantTables = """
        SELECT t.oid FROM pg_class t JOIN pg_namespace n ON n.oid = t.relnamespace
        WHERE n.nspname = 'public' AND t.relkind = 'r' AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = t.oid AND a.attname = 'site_id' AND NOT a.attisdropped)
        """

    @Test func everyTableIsATenantTableOrAKnownReferenceTable() async throws {
        try await TestDatabase.with { database in
            let others = try await strings(database, """
                SELECT t.relname::text FROM pg_class t JOIN pg_namespace n ON n.oid = t.relnamespace
                WHERE n.nspname = 'public' AND t.relkind = 'r' AND t.oid NOT IN (\(Self.tenantTables)) ORDER BY 1
                """)
            #expect(Set(others) == Self.referenceTables)
            let nullable = try await strings(database, """
                SELECT a.attrelid::regclass::text FROM pg_attribute a WHERE a.attrelid IN (\(Self.tenantTables)) AND a.attname = 'site_id' AND NOT a.attnotnull
                """)
            #expect(nullable.isEmpty, "site_id may be null in \(nullable)")
        }
    }

    @Test func keysUniqueIndexesAndExclusionsOfTenantTablesIncludeSiteID() async throws {
        try await TestDatabase.with { database in
            let offenders = try await strings(database, """
                SELECT i.indexrelid::regclass::text FROM pg_index i
                WHERE i.indrelid IN (\(Self.tenantTables)) AND (i.indisunique OR i.indisexclusion OR i.indisprimary)
                  AND NOT EXISTS (SELECT 1 FROM unnest(i.indkey) k JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k WHERE a.attname = 'site_id')
                ORDER BY 1
                """)
            #expect(offenders.isEmpty, "unique or exclusion without site_id: \(offenders)")
            let constraints = try await strings(database, """
                SELECT count(*)::text FROM pg_constraint c WHERE c.conrelid IN (\(Self.tenantTables)) AND c.contype IN ('p', 'u', 'x')
                """)
            #expect(Int(constraints.first ?? "0") ?? 0 > 30)
        }
    }

    @Test func foreignKeysBetweenTenantTablesCarrySiteIDOnBothSides() async throws {
        try await TestDatabase.with { database in
            let offenders = try await strings(database, """
                SELECT c.conname::text FROM pg_constraint c
                WHERE c.contype = 'f' AND c.conrelid IN (\(Self.tenantTables)) AND c.confrelid IN (\(Self.tenantTables))
                  AND NOT EXISTS (SELECT 1 FROM unnest(c.conkey, c.confkey) AS k(mine, theirs)
                                  JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.mine
                                  JOIN pg_attribute b ON b.attrelid = c.confrelid AND b.attnum = k.theirs
                                  WHERE a.attname = 'site_id' AND b.attname = 'site_id')
                ORDER BY 1
                """)
            #expect(offenders.isEmpty, "foreign keys between tenant tables without site_id = site_id: \(offenders)")
            // The others point at reference tables only.
            let targets = try await strings(database, """
                SELECT DISTINCT c.confrelid::regclass::text FROM pg_constraint c
                WHERE c.contype = 'f' AND c.conrelid IN (\(Self.tenantTables)) AND c.confrelid NOT IN (\(Self.tenantTables))
                """)
            #expect(Set(targets).isSubset(of: Self.referenceTables), "\(targets)")
        }
    }

    @Test func tenantTablesHaveNoTriggersAndForcedRowSecurity() async throws {
        try await TestDatabase.with { database in
            let triggers = try await strings(database, "SELECT tgname::text FROM pg_trigger WHERE NOT tgisinternal AND tgrelid IN (\(Self.tenantTables))")
            #expect(triggers.isEmpty, "triggers on tenant tables: \(triggers)")
            let unprotected = try await strings(database, """
                SELECT relname::text FROM pg_class WHERE oid IN (\(Self.tenantTables)) AND NOT (relrowsecurity AND relforcerowsecurity) ORDER BY 1
                """)
            #expect(unprotected.isEmpty, "\(unprotected)")
        }
    }

    /// The policies parse the request's site list and compare its scope with 'all' once per
    /// query (InitPlans), never once per row: a cast outside the sub-select made every
    /// filtered row parse the array again (0021), and a comparison outside it compared the
    /// scope's text again for every row (0023). A row's filter is then `$0 OR x = ANY ($1)`.
    @Test func everySitePolicyParsesTheSiteListOncePerQuery() async throws {
        try await TestDatabase.with { database in
            let tables = try await strings(database, """
                SELECT c.relname::text FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid WHERE p.polname = 'site_isolation' ORDER BY 1
                """)
            #expect(tables.count >= 30)
            // Writes are checked by the same rule as reads.
            let uneven = try await strings(database, """
                SELECT c.relname::text FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid
                WHERE p.polname = 'site_isolation' AND pg_get_expr(p.polwithcheck, p.polrelid) IS DISTINCT FROM pg_get_expr(p.polqual, p.polrelid) ORDER BY 1
                """)
            #expect(uneven.isEmpty, "\(uneven)")
            let plans = try await database.withConnection(database.app) { connection in
                try await connection.withTransaction([.setLocal("app.scope", "sites"), .setLocal("app.site_ids", "{\(UUID())}")]) { connection in
                    var plans: [String: String] = [:]
                    for table in tables {
                        plans[table] = try await connection.query("EXPLAIN (COSTS OFF) SELECT * FROM \(table)", prepared: false)
                            .map { try $0.decode(at: 0, as: String.self) }.joined(separator: "\n")
                    }
                    return plans
                }
            }
            let perRow = plans.filter { !$0.value.contains("($0 OR (") || !$0.value.contains(" = ANY ($1)") || $0.value.contains("::uuid[]")
                || $0.value.contains("'all'::text") }
            #expect(perRow.isEmpty, "\(perRow)")
        }
    }
}
