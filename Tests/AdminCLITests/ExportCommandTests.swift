import Foundation
import Postgres
import TestSupport
import Testing

@Suite("platform-admin seed scale and tenant export")
struct ExportCommandTests {
    /// Runs `sql` as the owner over every site and returns the first column of each row.
    func column(_ database: TestDatabase, _ sql: String, _ parameters: [(any PostgresEncodable)?] = []) async throws -> [String] {
        try await database.withConnection(database.owner) { connection in
            try await connection.withTransaction([.setLocal("app.scope", "all")]) { connection in
                try await connection.query(sql, parameters).map { try $0.decode(at: 0, as: String.self) }
            }
        }
    }

    @Test func scaleSeedingAddsOnlyTheDifferenceAndItsRollupsAddUpToTheTickets() async throws {
        try await TestDatabase.with { database in
            let cli = AdminCLI(database: database)
            let first = try cli.run("seed", "scale", "--sites", "3", "--tickets", "300", "--through", "2026-10")
            #expect(first.status == 0, "\(first.output)")
            #expect(first.output.contains("100% 300/300 tickets") && first.output.contains("3 sites, 300 tickets, 36 site-months"))
            #expect(try await column(database, "SELECT count(*)::text FROM tickets") == ["300"])
            #expect(try await column(database, "SELECT string_agg(code || ':' || kind, ' ' ORDER BY code) FROM sites") == ["S0001:hospital S0002:residence S0003:government_service_center"])
            // Every ticket is counted once in the month it was received at its site.
            let received = """
                SELECT (SELECT sum(tickets_received) FROM site_month_figures)::text || '/' ||
                       (SELECT count(*) FROM tickets t JOIN sites s ON s.id = t.site_id
                        WHERE t.status <> 'cancelled' AND t.received_at >= '2025-11-01T00:00:00+08:00' AND t.received_at < '2026-11-01T00:00:00+08:00')::text
                """
            let sums = try await column(database, received)
            #expect(sums.first?.split(separator: "/").count == 2 && sums.first?.split(separator: "/").first == sums.first?.split(separator: "/").last, "\(sums)")
            #expect(try await column(database, "SELECT count(*)::text FROM report_refresh_queue") == ["0"])
            #expect(try await column(database, "SELECT count(*)::text FROM appointments") == ["15"])  // one per 20 tickets
            #expect(try await column(database, "SELECT count(*)::text FROM assessment_results") == ["720"])  // 3 sites × 12 months × 20 staff

            let more = try cli.run("seed", "scale", "--sites", "3", "--tickets", "450", "--through", "2026-10")
            #expect(more.status == 0, "\(more.output)")
            #expect(more.output.contains("seeding 150 tickets over 3 sites (300 there already)"))
            #expect(try await column(database, "SELECT count(*)::text FROM tickets") == ["450"])
            #expect(try await column(database, "SELECT count(DISTINCT number)::text FROM tickets") == ["450"])
            #expect(try await column(database, "SELECT count(*)::text FROM assessment_results") == ["720"])
            #expect(try await column(database, "SELECT (sum(tickets_received) = 450)::text FROM site_month_figures") == ["true"])
            #expect(try cli.run("seed", "scale", "--sites", "0").status != 0)
        }
    }

    /// A site past 999,999 records in a year (one site at a million tickets) kept failing with a
    /// duplicate number: the seven-digit sequence was cut to six. Seeded here from a counter
    /// just below a million instead of a million tickets.
    @Test func scaleSeedingPastAMillionRecordsInAYearKeepsNumbersUnique() async throws {
        try await TestDatabase.with { database in
            let cli = AdminCLI(database: database)
            #expect(try cli.run("seed", "scale", "--sites", "1", "--tickets", "10", "--through", "2026-10").status == 0)
            try await database.withConnection(database.owner) { connection in
                try await connection.withTransaction([.setLocal("app.scope", "all")]) { connection in
                    try await connection.query("UPDATE ticket_counters SET last_number = 999990")
                }
            }
            let more = try cli.run("seed", "scale", "--sites", "1", "--tickets", "60", "--through", "2026-10", "--workers", "1")
            #expect(more.status == 0, "\(more.output)")
            #expect(try await column(database, "SELECT count(DISTINCT number)::text FROM tickets") == ["60"])
            // The 2026 counter (ten months of the window) passes a million; those numbers carry seven digits, none is cut to six.
            #expect(try await column(database, "SELECT (count(*) > 0)::text FROM tickets WHERE number LIKE 'S0001-2026-1000___'") == ["true"])
            #expect(try await column(database, "SELECT count(*)::text FROM tickets WHERE number LIKE 'S0001-____-1_____'") == ["0"])
        }
    }

    /// One large site has more bookings (one per 20 tickets) than its window has half-hour
    /// slots (a million tickets: 50,000 bookings in about 16,000 slots), which took a place
    /// already held. Reproduced with one month of history: 1,500 bookings, 1,488 slots.
    @Test func scaleSeedingMoreBookingsThanSlotsFillsFurtherPlaces() async throws {
        try await TestDatabase.with { database in
            let cli = AdminCLI(database: database)
            let run = try cli.run("seed", "scale", "--sites", "1", "--tickets", "30000", "--through", "2026-10", "--months", "1")
            #expect(run.status == 0, "\(run.output)")
            #expect(try await column(database, "SELECT count(*)::text FROM appointments") == ["1500"])
            #expect(try await column(database, "SELECT count(DISTINCT (lower(slot), seat))::text FROM appointments") == ["1500"])
            #expect(try await column(database, "SELECT max(seat)::text || '/' || (SELECT capacity_per_slot FROM service_items WHERE code = 'scale_service')::text FROM appointments") == ["2/2"])
            #expect(try await column(database, "SELECT count(*)::text FROM appointments WHERE lower(slot) < '2026-10-01T00:00:00+08:00' OR upper(slot) > '2026-11-01T00:00:00+08:00'") == ["0"])
            #expect(try cli.run("seed", "scale", "--sites", "1", "--months", "0").status != 0)
        }
    }

    @Test func anExportHoldsEveryRowOfItsSiteAndNothingOfAnother() async throws {
        try await TestDatabase.with { database in
            let cli = AdminCLI(database: database)
            #expect(try cli.run("seed", "scale", "--sites", "2", "--tickets", "200", "--through", "2026-10").status == 0)
            let ids = try await column(database, "SELECT id::text FROM sites ORDER BY code")
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("export-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: folder) }

            let export = try cli.run("tenant", "export", "s0001", "--out", folder.path)
            #expect(export.status == 0, "\(export.output)")
            let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("manifest.json"))) as? [String: Any] ?? [:]
            #expect((manifest["site"] as? [String: Any])?["code"] as? String == "S0001")
            let files = manifest["tables"] as? [[String: Any]] ?? []
            // Every table with a site_id column is there, with the site's row count.
            let tenantTables = try await column(database, """
                SELECT c.relname::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = 'public' AND c.relkind = 'r' AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'site_id')
                ORDER BY 1
                """)
            #expect(Set(files.compactMap { $0["table"] as? String }) == Set(tenantTables + ["sites"]))
            for file in files {
                guard let table = file["table"] as? String, let rows = file["rows"] as? Int else { continue }
                let key = table == "sites" ? "id" : "site_id"
                // The export's own audit line is written after its snapshot.
                let later = table == "audit_log" ? " AND action <> 'site.export'" : ""
                let expected = try await column(database, "SELECT count(*)::text FROM \(table) WHERE \(key) = $1\(later)", [UUID(uuidString: ids[0])])
                #expect(expected == [String(rows)], "\(table)")
            }
            #expect((files.first { $0["table"] as? String == "tickets" }?["rows"] as? Int) == 100)
            // Nothing of S0002 anywhere in the files.
            for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) {
                let text = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
                #expect(!text.contains(ids[1]) && !text.contains("S0002"), "\(name)")
            }
            let audit = try await column(database, "SELECT action FROM audit_log WHERE site_id = $1 AND action = 'site.export'", [UUID(uuidString: ids[0])])
            #expect(audit == ["site.export"])

            let verified = try cli.run("tenant", "export", "--verify", folder.path)
            #expect(verified.status == 0, "\(verified.output)")
            #expect(verified.output.contains("verified \(files.count) files"))

            // A changed line, a missing file and an extra file are each named; the exit status is 9.
            let tickets = folder.appendingPathComponent("tickets.jsonl")
            var text = try String(contentsOf: tickets, encoding: .utf8)
            text = text.replacingOccurrences(of: ids[0], with: ids[1], options: [], range: text.range(of: ids[0]))
            try text.write(to: tickets, atomically: true, encoding: .utf8)
            try FileManager.default.removeItem(at: folder.appendingPathComponent("staff.jsonl"))
            try Data("{}\n".utf8).write(to: folder.appendingPathComponent("extra.jsonl"))
            let broken = try cli.run("tenant", "export", "--verify", folder.path)
            #expect(broken.status == 9)
            #expect(broken.output.contains("tickets.jsonl: SHA-256") && broken.output.contains("tickets.jsonl: 1 row(s) of another site than S0001"))
            #expect(broken.output.contains("staff.jsonl: missing") && broken.output.contains("extra.jsonl: not in the manifest"))

            // A folder with files in it is refused; an unknown site is an error; so are mixed modes.
            let again = try cli.run("tenant", "export", "S0001", "--out", folder.path)
            #expect(again.status == 1 && again.output.contains("is not empty"))
            let unknown = try cli.run("tenant", "export", "X99", "--out", folder.appendingPathComponent("x").path)
            #expect(unknown.status == 1 && unknown.output.contains("no site X99"))
            #expect(try cli.run("tenant", "export", "S0001", "--verify", folder.path).status == 64)
        }
    }
}
