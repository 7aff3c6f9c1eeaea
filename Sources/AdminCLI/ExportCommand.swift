import ArgumentParser
import Crypto
import Foundation
import Platform
import Postgres

extension TenantCommand {
    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "export",
            abstract: "Write every row of one site as JSON Lines with a manifest, or check such an export.",
            discussion: """
                tenant export CODE --out DIR writes one file per table that has a site_id column (and the site's own row, \
                sites.jsonl), each row as one JSON object per line, ordered by primary key, all read in one \
                REPEATABLE READ transaction, and manifest.json with the row count, size and SHA-256 of each file. \
                Rows are read in the site's own scope (row-level security) and filtered by site_id besides. \
                tenant export --verify DIR re-reads the files: counts, sizes, checksums, every row's site, no file \
                missing or extra. Exit status 9 when the export does not match its manifest.
                """)
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "Site code.") var code: String?
        @Option(help: "An empty or new folder to write to.") var out: String?
        @Option(help: "A folder written by tenant export, to check.") var verify: String?

        func validate() throws {
            switch (code, out, verify) {
            case (.some, .some, nil), (nil, nil, .some): return
            default: throw ValidationError("use either: tenant export CODE --out DIR, or: tenant export --verify DIR")
            }
        }

        func run() async throws {
            try await runReporting {
                if let verify {
                    let problems = try SiteExport.verify(folder: verify)
                    for problem in problems.problems { report(problem) }
                    guard problems.problems.isEmpty else {
                        report("\(problems.problems.count) problem(s): the export does not match its manifest")
                        throw AdminExit.exportMismatch
                    }
                    print("verified \(problems.tables) files, \(problems.rows) rows of site \(problems.site): counts, sizes and checksums match")
                } else if let code, let out {
                    let manifest = try await SiteExport.write(code: code, folder: out, owner: try connection.owner)
                    print(table(["TABLE", "ROWS", "BYTES"], manifest.tables.map { [$0.table, String($0.rows), String($0.bytes)] }))
                    print("exported site \(manifest.site.code): \(manifest.tables.reduce(0) { $0 + $1.rows }) rows in \(manifest.tables.count) files to \(out)")
                }
            }
        }
    }
}

/// A site's rows as JSON Lines plus a manifest, for audit or hand-over.
enum SiteExport {
    struct Manifest: Codable {
        struct SiteInfo: Codable {
            var id: UUID
            var code: String
            var name: String
            var kind: String
            var region: String?
            var timezone: String
        }

        struct File: Codable {
            var table: String
            var file: String
            var rows: Int
            var bytes: Int
            var sha256: String
        }

        var format: String
        var schemaVersion: Int
        var exportedAt: Date
        var snapshot: String
        var site: SiteInfo
        var tables: [File]
    }

    static let format = "sites-platform site export, JSON Lines, version 1"
    static let batch = 5000

    /// Writes the export; refuses a folder that has anything in it.
    static func write(code: String, folder: String, owner: PostgresConfiguration) async throws -> Manifest {
        let files = FileManager.default
        if let existing = try? files.contentsOfDirectory(atPath: folder), !existing.isEmpty {
            throw DomainError(.invalid, code: "export.folder_not_empty", message: "\(folder) is not empty; export into a new or empty folder")
        }
        try files.createDirectory(atPath: folder, withIntermediateDirectories: true)
        return try await PostgresConnection.with(owner, logger: cliLogger) { connection in
            let found = try await connection.withTransaction(AccessScope.operations.settings) { connection in
                try await connection.query("SELECT id, code, name, kind, region, timezone FROM sites WHERE code = $1", [code.uppercased()]).first.map { row in
                    Manifest.SiteInfo(id: try row.decode("id"), code: try row.decode("code"), name: try row.decode("name"), kind: try row.decode("kind"),
                                      region: try row.decodeIfPresent("region"), timezone: try row.decode("timezone"))
                }
            }
            guard let site = found else { throw DomainError(.notFound, code: "site.not_found", message: "no site \(code.uppercased())") }
            let settings = [PostgresStatement("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY", prepared: false), .setLocal("TimeZone", "UTC")]
                + AccessScope(sites: .only([site.id]), role: "ops").settings
            let (tables, version) = try await connection.withTransaction(settings) { connection -> ([Manifest.File], Int) in
                let version: Int = try await connection.query("SELECT coalesce(max(version), 0)::int AS v FROM schema_migrations")[0].decode("v")
                let catalog = try await connection.query(
                    """
                    SELECT c.relname AS name, string_agg(quote_ident(a.attname), ', ' ORDER BY array_position(i.indkey, a.attnum)) AS key
                    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                    JOIN pg_index i ON i.indrelid = c.oid AND i.indisprimary
                    JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = ANY (i.indkey)
                    WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')
                      AND EXISTS (SELECT 1 FROM pg_attribute s WHERE s.attrelid = c.oid AND s.attname = 'site_id' AND NOT s.attisdropped)
                    GROUP BY c.relname ORDER BY c.relname
                    """).map { (try $0.decode("name", as: String.self), try $0.decode("key", as: String.self)) }
                var written: [Manifest.File] = [try await dump(connection, table: "sites", condition: "id = '\(site.id.uuidString)'", key: "id", folder: folder)]
                for (name, key) in catalog {
                    written.append(try await dump(connection, table: name, condition: "site_id = '\(site.id.uuidString)'", key: key, folder: folder))
                }
                return (written, version)
            }
            let manifest = Manifest(format: format, schemaVersion: version, exportedAt: Date(), snapshot: "one REPEATABLE READ transaction",
                                    site: site, tables: tables)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            encoder.dateEncodingStrategy = .iso8601
            try encoder.encode(manifest).write(to: URL(fileURLWithPath: folder).appendingPathComponent("manifest.json"))
            _ = try await connection.withTransaction(AccessScope.operations.settings) { connection in
                try await connection.execute(AuditLog.record(site: site.id, scope: .operations, action: "site.export", targetType: "site", targetID: site.code,
                                                       detail: ["rows": String(tables.reduce(0) { $0 + $1.rows }), "files": String(tables.count)], requestID: nil))
            }
            return manifest
        }
    }

    /// One table's rows of the site, by primary key, through a cursor (a batch at a time).
    static func dump(_ connection: isolated PostgresConnection, table: String, condition: String, key: String, folder: String) async throws -> Manifest.File {
        let name = "\(table).jsonl"
        let path = URL(fileURLWithPath: folder).appendingPathComponent(name).path
        guard FileManager.default.createFile(atPath: path, contents: nil), let handle = FileHandle(forWritingAtPath: path) else {
            throw DomainError(.invalid, code: "export.unwritable", message: "cannot write \(path)")
        }
        defer { try? handle.close() }
        let identifier = PostgresLiteral.identifier(table)
        try await connection.script("DECLARE site_export NO SCROLL CURSOR FOR SELECT row_to_json(t)::text AS line FROM \(identifier) t WHERE \(condition) ORDER BY \(key)")
        var hasher = SHA256()
        var rows = 0, bytes = 0
        while true {
            let batch = try await connection.query("FETCH \(batch) FROM site_export", prepared: false)
            if batch.isEmpty { break }
            var chunk = Data()
            for row in batch {
                chunk.append(contentsOf: Array(try row.decode("line", as: String.self).utf8))
                chunk.append(0x0A)
            }
            hasher.update(data: chunk)
            handle.write(chunk)
            rows += batch.count
            bytes += chunk.count
        }
        try await connection.script("CLOSE site_export")
        return Manifest.File(table: table, file: name, rows: rows, bytes: bytes, sha256: hex(hasher.finalize()))
    }

    /// A digest as lowercase hexadecimal, as the manifest keeps it.
    static func hex(_ digest: SHA256Digest) -> String {
        digest.map { String(format: "%02x", $0) }.joined()
    }

    struct Verification {
        var site: String
        var tables: Int
        var rows: Int
        var problems: [String]
    }

    /// Re-reads an export: every file of the manifest there with its count, size and checksum,
    /// every row of the manifest's site, and no other files.
    static func verify(folder: String) throws -> Verification {
        let base = URL(fileURLWithPath: folder)
        guard let data = FileManager.default.contents(atPath: base.appendingPathComponent("manifest.json").path) else {
            throw DomainError(.invalid, code: "export.no_manifest", message: "no manifest.json in \(folder)")
        }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        let manifest: Manifest
        do { manifest = try decoder.decode(Manifest.self, from: data) } catch {
            throw DomainError(.invalid, code: "export.bad_manifest", message: "manifest.json is not a site export manifest: \(error)")
        }
        var problems: [String] = []
        let listed = Set(manifest.tables.map(\.file))
        let present = Set((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).subtracting(["manifest.json"])
        for extra in present.subtracting(listed).sorted() { problems.append("\(extra): not in the manifest") }
        let site = manifest.site.id.uuidString.lowercased()
        var total = 0
        for file in manifest.tables {
            guard let handle = FileHandle(forReadingAtPath: base.appendingPathComponent(file.file).path) else {
                problems.append("\(file.file): missing")
                continue
            }
            defer { try? handle.close() }
            var hasher = SHA256()
            var rows = 0, bytes = 0, foreign = 0, unreadable = 0
            var pending = Data()
            let column = file.table == "sites" ? "id" : "site_id"
            func check(_ line: Data) {
                rows += 1
                guard let object = try? JSONSerialization.jsonObject(with: line) as? [String: Any] else { unreadable += 1; return }
                if (object[column] as? String)?.lowercased() != site { foreign += 1 }
            }
            while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
                hasher.update(data: chunk)
                bytes += chunk.count
                pending.append(chunk)
                var start = pending.startIndex
                while let end = pending[start...].firstIndex(of: 0x0A) {
                    check(pending[start..<end])
                    start = end + 1
                }
                pending = Data(pending[start...])
            }
            if !pending.isEmpty { check(pending) }
            total += rows
            let digest = hex(hasher.finalize())
            if rows != file.rows { problems.append("\(file.file): \(rows) rows, the manifest says \(file.rows)") }
            if bytes != file.bytes { problems.append("\(file.file): \(bytes) bytes, the manifest says \(file.bytes)") }
            if digest != file.sha256 { problems.append("\(file.file): SHA-256 \(digest), the manifest says \(file.sha256)") }
            if unreadable > 0 { problems.append("\(file.file): \(unreadable) line(s) are not JSON objects") }
            if foreign > 0 { problems.append("\(file.file): \(foreign) row(s) of another site than \(manifest.site.code)") }
        }
        return Verification(site: manifest.site.code, tables: manifest.tables.count, rows: total, problems: problems)
    }
}
