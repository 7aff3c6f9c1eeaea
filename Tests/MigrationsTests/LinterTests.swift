import Migrations
import Testing

@Suite("The linter flags DDL that would block a live table")
struct LinterTests {
    func lint(_ sql: String, newTablesFirst: String? = nil, defaultLockTimeout: String? = "5s") -> [MigrationLinter.Finding] {
        var files: [Migration] = []
        if let newTablesFirst { files.append(Migration(version: 1, name: "setup", sql: newTablesFirst)) }
        files.append(Migration(version: 2, name: "change", sql: sql))
        return MigrationLinter(defaultLockTimeout: defaultLockTimeout).lint(files)
    }

    @Test func eachBlockingStatementIsFlaggedWithItsLineAndRule() {
        let findings = lint(
            """
            -- a comment; with a semicolon
            ALTER TABLE sites ADD COLUMN token uuid DEFAULT gen_random_uuid();
            CREATE INDEX staff_name ON staff (name);
            ALTER TABLE staff ADD CONSTRAINT staff_site FOREIGN KEY (site_id) REFERENCES sites (id);
            ALTER TABLE staff ALTER COLUMN phone TYPE varchar(20);
            ALTER TABLE staff ALTER COLUMN phone SET NOT NULL;
            ALTER TABLE staff ADD CONSTRAINT phone_len CHECK (length(phone) > 3);
            """)
        let byRule = Dictionary(grouping: findings, by: \.rule)
        #expect(byRule[.volatileDefault]?.map(\.line) == [2])
        #expect(byRule[.indexNotConcurrent]?.map(\.line) == [3])
        #expect(byRule[.constraintNotValid]?.map(\.line) == [4, 7])
        #expect(byRule[.columnTypeChange]?.map(\.line) == [5])
        #expect(byRule[.setNotNull]?.map(\.line) == [6])
        #expect(findings.allSatisfy { $0.file == "0002_change.sql" })
        #expect(byRule[.missingLockTimeout] == nil)
    }

    @Test func safeFormsAreNotFlagged() {
        let findings = lint(
            """
            -- migrate: no-transaction
            CREATE INDEX CONCURRENTLY staff_name ON staff (name);
            ALTER TABLE staff ADD CONSTRAINT staff_site FOREIGN KEY (site_id) REFERENCES sites (id) NOT VALID;
            ALTER TABLE staff VALIDATE CONSTRAINT staff_site;
            ALTER TABLE sites ADD COLUMN note text DEFAULT 'none';
            ALTER TABLE sites ADD COLUMN created timestamptz DEFAULT now();
            """)
        #expect(findings.isEmpty, "\(findings)")
    }

    @Test func tablesCreatedInThePendingBatchAreNotExisting() {
        let findings = lint(
            "CREATE INDEX fresh_body ON fresh (body); ALTER TABLE fresh ADD CONSTRAINT positive CHECK (id > 0);",
            newTablesFirst: "CREATE TABLE IF NOT EXISTS public.fresh (id int, body text);")
        #expect(findings.isEmpty, "\(findings)")
    }

    @Test func alteringAnExistingTableWithoutALockTimeoutIsFlagged() {
        let noDefault = lint("ALTER TABLE sites ADD COLUMN note text;", defaultLockTimeout: nil)
        #expect(noDefault.map(\.rule) == [.missingLockTimeout])
        let disabled = lint("-- migrate: lock_timeout=0\nALTER TABLE sites ADD COLUMN note text;")
        #expect(disabled.map(\.rule) == [.missingLockTimeout])
        let setInFile = lint("SET lock_timeout = '3s';\nALTER TABLE sites ADD COLUMN note text;", defaultLockTimeout: nil)
        #expect(setInFile.isEmpty)
    }

    @Test func concurrentlyInATransactionalFileIsFlagged() {
        let findings = lint("CREATE INDEX CONCURRENTLY staff_name ON staff (name);")
        #expect(findings.map(\.rule) == [.concurrentlyInTransaction])
    }

    @Test func theShippedMigrationsPassLint() throws {
        let findings = MigrationLinter().lint(try MigrationSource.bundled())
        #expect(findings.isEmpty, "\(findings)")
    }
}

@Suite("SQL scripts split on semicolons outside quotes and comments")
struct SQLScriptTests {
    @Test func semicolonsInsideStringsDollarQuotesAndCommentsDoNotSplit() {
        let script = SQLScript(
            """
            SELECT 'a;b' AS x; -- trailing; comment
            /* block; /* nested; */ still */ SELECT "odd;name" FROM t;
            DO $body$ BEGIN PERFORM 1; END $body$;

            CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 1; $$;
            SELECT E'it\\'s;';
            """)
        #expect(script.statements.count == 5)
        #expect(script.statements.map(\.line) == [1, 2, 3, 5, 6])
        #expect(script.statements[1].tokens == ["SELECT", "ODD;NAME", "FROM", "T"])
        #expect(script.statements[2].tokens == ["DO", "'…'"])
    }
}
