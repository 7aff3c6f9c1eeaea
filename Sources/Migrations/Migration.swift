import Crypto
import Foundation

/// One versioned SQL migration: `NNNN_name.sql`, with optional directives in its header.
///
/// Directives are comment lines at the top of the file:
/// - `-- migrate: no-transaction` runs each statement on its own (for `CREATE INDEX CONCURRENTLY`);
/// - `-- migrate: lock_timeout=10s` and `-- migrate: statement_timeout=0` override the defaults.
public struct Migration: Sendable, Equatable {
    public var version: Int
    public var name: String
    public var sql: String
    /// SHA-256 of the file's bytes, hex; an applied file whose checksum changes is drift.
    public var checksum: String
    public var transactional: Bool
    public var lockTimeout: String?
    public var statementTimeout: String?

    public var fileName: String { "\(Self.fileStem(version: version, name: name)).sql" }

    /// `0007_add_tickets`: the version zero-padded to four digits, then the name.
    public static func fileStem(version: Int, name: String) -> String {
        let digits = String(version)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits + "_" + name
    }

    public init(version: Int, name: String, sql: String) {
        self.version = version
        self.name = name
        self.sql = sql
        self.checksum = SHA256.hash(data: Data(sql.utf8)).map { String(format: "%02x", $0) }.joined()
        var transactional = true
        var lockTimeout: String?
        var statementTimeout: String?
        for line in sql.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { continue }
            guard trimmed.hasPrefix("--") else { break }
            guard let range = trimmed.range(of: "migrate:") else { continue }
            let directive = trimmed[range.upperBound...].trimmingCharacters(in: .whitespaces)
            if directive == "no-transaction" {
                transactional = false
            } else if directive.hasPrefix("lock_timeout=") {
                lockTimeout = String(directive.dropFirst("lock_timeout=".count))
            } else if directive.hasPrefix("statement_timeout=") {
                statementTimeout = String(directive.dropFirst("statement_timeout=".count))
            }
        }
        self.transactional = transactional
        self.lockTimeout = lockTimeout
        self.statementTimeout = statementTimeout
    }

    /// Parses `0007_add_tickets.sql` into (7, "add_tickets").
    static func parseFileName(_ fileName: String) -> (version: Int, name: String)? {
        guard fileName.hasSuffix(".sql") else { return nil }
        let stem = fileName.dropLast(4)
        guard let underscore = stem.firstIndex(of: "_"), let version = Int(stem[..<underscore]), version > 0 else { return nil }
        return (version, String(stem[stem.index(after: underscore)...]))
    }

    /// The 1-based line of a 1-based character offset in `sql` (PostgreSQL's error position).
    public func line(ofCharacterOffset offset: Int) -> Int {
        sql.prefix(max(0, offset - 1)).reduce(1) { $1 == "\n" ? $0 + 1 : $0 }
    }
}

/// Where migrations come from: the files built into the binary, or a folder (tests, `--dir`).
public enum MigrationSource {
    /// The migrations shipped with this build (`Sources/Migrations/SQL`).
    public static func bundled() throws -> [Migration] {
        guard let folder = Bundle.module.url(forResource: "SQL", withExtension: nil) else {
            throw MigrationError(code: .invalidFile, message: "the bundled SQL folder is missing from this build")
        }
        return try directory(folder)
    }

    /// Every `NNNN_name.sql` in `folder`, in version order; duplicate versions are refused.
    public static func directory(_ folder: URL) throws -> [Migration] {
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        var migrations: [Migration] = []
        for fileName in names.sorted() where fileName.hasSuffix(".sql") {
            guard let (version, name) = Migration.parseFileName(fileName) else {
                throw MigrationError(code: .invalidFile, message: "\(fileName): expected a name like 0001_create_sites.sql")
            }
            let sql = try String(contentsOf: folder.appendingPathComponent(fileName), encoding: .utf8)
            migrations.append(Migration(version: version, name: name, sql: sql))
        }
        migrations.sort { $0.version < $1.version }
        for (previous, next) in zip(migrations, migrations.dropFirst()) where previous.version == next.version {
            throw MigrationError(code: .invalidFile, message: "two files share version \(next.version): \(previous.fileName), \(next.fileName)")
        }
        return migrations
    }
}
