/// Flags DDL in pending migrations that would block reads or writes on a live table.
///
/// A table counts as *existing* (and so dangerous to lock) unless it is created earlier in the
/// same batch of pending files: DDL on a table nobody uses yet is harmless.
public struct MigrationLinter: Sendable {
    public struct Finding: Sendable, Equatable, CustomStringConvertible {
        public var file: String
        public var line: Int
        public var rule: Rule
        public var message: String
        public var description: String { "\(file):\(line): [\(rule.rawValue)] \(message)" }
    }

    public enum Rule: String, Sendable, CaseIterable {
        case volatileDefault = "volatile-default"
        case indexNotConcurrent = "index-not-concurrent"
        case constraintNotValid = "constraint-not-valid"
        case columnTypeChange = "column-type-change"
        case setNotNull = "set-not-null"
        case missingLockTimeout = "missing-lock-timeout"
        case concurrentlyInTransaction = "concurrently-in-transaction"
    }

    /// The lock timeout `up` sets when a file does not say; `nil` or "0" means none.
    public var defaultLockTimeout: String?

    public init(defaultLockTimeout: String? = "5s") {
        self.defaultLockTimeout = defaultLockTimeout
    }

    static let volatileFunctions = ["GEN_RANDOM_UUID", "RANDOM", "CLOCK_TIMESTAMP", "TIMEOFDAY", "NEXTVAL", "UUID_GENERATE_V4", "UUID_GENERATE_V1", "STATEMENT_TIMESTAMP"]

    /// Lints `pending` in order.
    public func lint(_ pending: [Migration]) -> [Finding] {
        var newTables: Set<String> = []
        var findings: [Finding] = []
        for migration in pending {
            var fileLockTimeout = migration.lockTimeout ?? defaultLockTimeout
            var locksExisting: Int?
            for statement in SQLScript(migration.sql).statements {
                let tokens = statement.tokens
                func finding(_ rule: Rule, _ message: String) {
                    findings.append(Finding(file: migration.fileName, line: statement.line, rule: rule, message: message))
                }
                if let value = Self.settingValue("LOCK_TIMEOUT", in: tokens) { fileLockTimeout = value }
                if let table = Self.createdTable(tokens) {
                    newTables.insert(table)
                    continue
                }
                if let (table, concurrently) = Self.indexedTable(tokens) {
                    if concurrently && migration.transactional {
                        finding(.concurrentlyInTransaction, "CREATE INDEX CONCURRENTLY cannot run in a transaction; start the file with `-- migrate: no-transaction`")
                    }
                    if !concurrently && !newTables.contains(table) {
                        finding(.indexNotConcurrent, "CREATE INDEX on existing table \(table) blocks writes; use CREATE INDEX CONCURRENTLY in a no-transaction file")
                    }
                    continue
                }
                guard let table = Self.alteredTable(tokens), !newTables.contains(table) else { continue }
                locksExisting = locksExisting ?? statement.line
                let text = " " + tokens.joined(separator: " ") + " "
                if text.contains(" ADD ") && text.contains(" DEFAULT ") {
                    if let function = Self.volatileFunctions.first(where: { text.contains(" \($0) (") }) {
                        finding(.volatileDefault, "ADD COLUMN with volatile default \(function.lowercased())() rewrites \(table) under an exclusive lock; add the column without a default, backfill in batches, then set the default")
                    }
                }
                if text.contains(" ADD "), text.contains(" FOREIGN KEY ") || text.contains(" REFERENCES ") || text.contains(" CHECK "), !text.contains(" NOT VALID ") {
                    finding(.constraintNotValid, "adding a foreign key or check on \(table) scans it under lock; add it NOT VALID, then VALIDATE CONSTRAINT in a later statement")
                }
                if text.contains(" ALTER COLUMN ") || text.contains(" ALTER "), text.contains(" TYPE ") {
                    finding(.columnTypeChange, "changing a column type on \(table) rewrites the table under an exclusive lock; add a new column and backfill instead")
                }
                if text.contains(" SET NOT NULL ") {
                    finding(.setNotNull, "SET NOT NULL on \(table) scans it under an exclusive lock; add CHECK (… IS NOT NULL) NOT VALID and validate it first")
                }
            }
            if let line = locksExisting, fileLockTimeout == nil || Self.isZero(fileLockTimeout) {
                findings.append(Finding(file: migration.fileName, line: line, rule: .missingLockTimeout,
                    message: "ALTER TABLE on an existing table with no lock_timeout: it can queue behind a long query and block every other session; set `-- migrate: lock_timeout=5s`"))
            }
        }
        return findings
    }

    static func isZero(_ value: String?) -> Bool {
        guard let value else { return false }
        let digits = value.trimmingWhitespace().lowercased().filter { $0.isNumber }
        return !digits.isEmpty && digits.allSatisfy { $0 == "0" }
    }

    /// `SET [LOCAL] lock_timeout = '…'` → the value.
    static func settingValue(_ name: String, in tokens: [String]) -> String? {
        guard tokens.first == "SET" else { return nil }
        var rest = tokens.dropFirst()
        if rest.first == "LOCAL" || rest.first == "SESSION" { rest = rest.dropFirst() }
        guard rest.first == name else { return nil }
        rest = rest.dropFirst()
        if rest.first == "=" || rest.first == "TO" { rest = rest.dropFirst() }
        // Quoted values are masked as '…'; treat them as non-zero unless literally 0.
        guard let value = rest.first else { return nil }
        return value == "'…'" ? "set" : value
    }

    static func tableName(_ token: String) -> String {
        let name = token.split(separator: ".").last.map(String.init) ?? token
        return name.lowercased()
    }

    /// `CREATE [UNLOGGED|TEMP] TABLE [IF NOT EXISTS] name` → name.
    static func createdTable(_ tokens: [String]) -> String? {
        guard tokens.first == "CREATE", let tableIndex = tokens.prefix(4).firstIndex(of: "TABLE") else { return nil }
        var index = tableIndex + 1
        if tokens.count > index + 2, tokens[index] == "IF", tokens[index + 1] == "NOT", tokens[index + 2] == "EXISTS" { index += 3 }
        return index < tokens.count ? tableName(tokens[index]) : nil
    }

    /// `CREATE [UNIQUE] INDEX [CONCURRENTLY] … ON [ONLY] table` → (table, concurrently).
    static func indexedTable(_ tokens: [String]) -> (String, Bool)? {
        guard tokens.first == "CREATE", let indexPosition = tokens.prefix(3).firstIndex(of: "INDEX"),
            let on = tokens.firstIndex(of: "ON"), on + 1 < tokens.count
        else { return nil }
        var tableIndex = on + 1
        if tokens[tableIndex] == "ONLY", tableIndex + 1 < tokens.count { tableIndex += 1 }
        return (tableName(tokens[tableIndex]), tokens[indexPosition...].prefix(3).contains("CONCURRENTLY"))
    }

    /// `ALTER TABLE [IF EXISTS] [ONLY] table …` → table.
    static func alteredTable(_ tokens: [String]) -> String? {
        guard tokens.count > 2, tokens[0] == "ALTER", tokens[1] == "TABLE" else { return nil }
        var index = 2
        if tokens.count > index + 1, tokens[index] == "IF", tokens[index + 1] == "EXISTS" { index += 2 }
        if index < tokens.count, tokens[index] == "ONLY" { index += 1 }
        return index < tokens.count ? tableName(tokens[index]) : nil
    }
}
