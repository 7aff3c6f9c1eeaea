import Domain
import Foundation
import Postgres
import TestSupport
import Testing

@Suite("Values travel to PostgreSQL and back unchanged")
struct ValueRoundTripTests {
    @Test func everySupportedTypeRoundTrips() async throws {
        try await TestDatabase.with(migrated: false) { database in
            try await database.withConnection(database.superuser) { connection in
                let id = UUID()
                let instant = Date(timeIntervalSince1970: 1_795_000_000.123456)
                let rows = try await connection.query(
                    """
                    SELECT $1::uuid AS id, $2::bigint AS n, $3::float8 AS x, $4::bool AS flag, $5::text AS words,
                           $6::timestamptz AS at, $7::numeric AS amount, $8::text[] AS tags, $9::int[] AS counts,
                           $10::jsonb AS doc, $11::date AS day, $12::uuid[] AS ids
                    """,
                    [id, Int.max, 2.5e-7, true, "漏水 'quoted' \"double\" \\ back", instant, Decimal(string: "12345.6789"),
                     ["a,b", "{c}", "say \"hi\"", "电梯", ""], [1, -2, 3], PostgresJSON(["room": "301", "ward": "三病区"]),
                     CalendarDate(year: 2026, month: 2, day: 28), [id]])
                let row = try #require(rows.first)
                #expect(try row.decode("id", as: UUID.self) == id)
                #expect(try row.decode("n", as: Int.self) == Int.max)
                #expect(try row.decode("x", as: Double.self) == 2.5e-7)
                #expect(try row.decode("flag", as: Bool.self) == true)
                #expect(try row.decode("words", as: String.self) == "漏水 'quoted' \"double\" \\ back")
                let decoded = try row.decode("at", as: Date.self)
                #expect(abs(decoded.timeIntervalSince(instant)) < 0.000_001)
                #expect(try row.decode("amount", as: Decimal.self) == Decimal(string: "12345.6789"))
                #expect(try row.decode("tags", as: [String].self) == ["a,b", "{c}", "say \"hi\"", "电梯", ""])
                #expect(try row.decode("counts", as: [Int].self) == [1, -2, 3])
                #expect(try row.decode("doc", as: PostgresJSON<[String: String]>.self).value == ["room": "301", "ward": "三病区"])
                #expect(try row.decode("day", as: CalendarDate.self) == CalendarDate(year: 2026, month: 2, day: 28))
                #expect(try row.decode("ids", as: [UUID].self) == [id])
            }
        }
    }

    @Test func nullsAreNilAndRejectedWhereAValueIsRequired() async throws {
        try await TestDatabase.with(migrated: false) { database in
            try await database.withConnection(database.superuser) { connection in
                let row = try #require(try await connection.query("SELECT $1::text AS missing, NULL::int AS none", [nil as String?]).first)
                #expect(try row.decodeIfPresent("missing", as: String.self) == nil)
                #expect(try row.decodeIfPresent("none", as: Int.self) == nil)
                #expect(throws: PostgresError.self) { try row.decode("none", as: Int.self) }
            }
        }
    }

    @Test func nilArrayElementsAreNullNotTheWordNull() async throws {
        try await TestDatabase.with(migrated: false) { database in
            try await database.withConnection(database.superuser) { connection in
                let values: [String?] = ["NULL", nil, "a"]
                let row = try #require(try await connection.query(
                    "SELECT array_position($1::text[], NULL) AS null_at, array_position($1::text[], 'NULL') AS word_at, ($2::time[])[1] IS NULL AS no_time",
                    [values, ["09:00"].map { $0 == "" ? $0 : nil as String? }]).first)
                #expect(try row.decode("null_at", as: Int.self) == 2)
                #expect(try row.decode("word_at", as: Int.self) == 1)
                #expect(try row.decode("no_time", as: Bool.self) == true)
            }
        }
    }

    @Test func timestampsWithOffsetsAreParsedToTheSameInstant() async throws {
        try await TestDatabase.with(migrated: false) { database in
            try await database.withConnection(database.superuser) { connection in
                try await connection.script("SET TimeZone = 'Asia/Kathmandu'")  // +05:45
                let row = try #require(try await connection.query("SELECT '2026-11-26 08:00:00+00'::timestamptz AS at").first)
                #expect(try row.raw("at") == "2026-11-26 13:45:00+05:45")
                #expect(try row.decode("at", as: Date.self) == Date(timeIntervalSince1970: 1_795_680_000))
            }
        }
    }

    @Test func calendarDatesRejectImpossibleDaysAndKnowTheirWeekday() {
        #expect(CalendarDate("2026-02-29") == nil)
        #expect(CalendarDate("2024-02-29") != nil)
        #expect(CalendarDate("2026-13-01") == nil)
        #expect(CalendarDate("2026-11-26")?.isoWeekday == 4)  // a Thursday
        #expect(CalendarDate("2026-11-26")?.adding(days: 5).description == "2026-12-01")
    }

    @Test func uuidTextReadsWhatFoundationReadsAndPrintsWhatPostgreSQLPrints() async throws {
        for _ in 0..<1_000 {
            let id = UUID()
            #expect(UUID(text: id.uuidString) == id)
            #expect(UUID(text: id.uuidString.lowercased()) == id)
            #expect(id.lowercasedText == id.uuidString.lowercased())
        }
        let sample = "6f1c2b1e-8f3a-4d2c-9b7e-0a1b2c3d4e5f"
        #expect(UUID(text: sample) == UUID(uuidString: sample))
        #expect(UUID(text: sample[...]) == UUID(uuidString: sample))
        #expect(UUID(text: "6F1C2B1E-8F3A-4D2C-9B7E-0A1B2C3D4E5F") == UUID(uuidString: sample))
        // Not the 8-4-4-4-12 form: too short or long, hyphens elsewhere, a non-hex digit, braces.
        for bad in ["", "6f1c2b1e-8f3a-4d2c-9b7e-0a1b2c3d4e5", "6f1c2b1e-8f3a-4d2c-9b7e-0a1b2c3d4e5f0", "6f1c2b1e8-f3a-4d2c-9b7e-0a1b2c3d4e5f",
                    "6f1c2b1e-8f3a-4d2c-9b7e-0a1b2c3d4e5g", "{6f1c2b1e-8f3a-4d2c-9b7e-0a1b2c3d4e5f}", "6f1c2b1e_8f3a_4d2c_9b7e_0a1b2c3d4e5f",
                    "6f1c2b1e-8f3a-4d2c-9b7e-0a1b2c3d4e 5", "６f1c2b1e-8f3a-4d2c-9b7e-0a1b2c3d4e5f"] {
            #expect(UUID(text: bad) == nil, "\(bad)")
        }
        // PostgreSQL reads the printed form and prints it back the same.
        try await TestDatabase.with(migrated: false) { database in
            try await database.withConnection(database.superuser) { connection in
                let id = UUID()
                let rows = try await connection.query("SELECT $1::uuid::text AS text", [id])
                #expect(try rows.first?.decode("text", as: String.self) == id.lowercasedText)
                // A value PostgreSQL printed, decoded byte for byte as Foundation reads it.
                let printed = try await connection.query("SELECT 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11'::uuid AS id", prepared: false)
                #expect(try printed.first?.decode("id", as: UUID.self) == UUID(uuidString: "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"))
                #expect(try printed.first?.decode("id", as: UUID.self).uuid.0 == 0xa0)
            }
        }
    }

    /// Timestamps and days are written straight into their bytes; PostgreSQL's own printing of
    /// the same instants and days is the reference.
    @Test func timestampsAndDaysPrintAsPostgreSQLPrintsThem() async throws {
        var generator = SystemRandomNumberGenerator()
        // The epoch and the instants around it; whole seconds from year 1 to 9999; any microsecond
        // from 1935 to 2065 (a Date's Double keeps microseconds exact only so near 2001).
        var micros: [Int64] = [0, -1, 1, 999_999, -999_999, 1_795_000_000_123_456, 86_400_000_000 - 1, -86_400_000_000,
                               -62_135_596_800_000_000, 253_402_300_799_000_000]
        micros += (0..<200).map { _ in Int64.random(in: -62_135_596_800 ... 253_402_300_799, using: &generator) * 1_000_000 }
        micros += (0..<500).map { _ in Int64.random(in: -1_104_537_600_000_000 ... 3_029_529_600_000_000, using: &generator) }
        try await TestDatabase.with(migrated: false) { database in
            try await database.withConnection(database.superuser) { connection in
                let rows = try await connection.query(
                    """
                    SELECT to_char(at, 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS printed, at::date::text AS day
                    FROM unnest($1::bigint[]) WITH ORDINALITY AS given(m, n),
                         LATERAL (SELECT timestamp '1970-01-01' + m * interval '1 microsecond' AS at) AS exact
                    ORDER BY n
                    """, [micros.map(Int.init)])
                #expect(rows.count == micros.count)
                for (row, value) in zip(rows, micros) {
                    let instant = Date(timeIntervalSince1970: Double(value) / 1_000_000)
                    let printed = try row.decode("printed", as: String.self)
                    #expect(PostgresTimestamp.format(instant) == printed, "\(value)")
                    let day = try row.decode("day", as: CalendarDate.self)
                    #expect(day.description == (try row.decode("day", as: String.self)))
                    #expect(day.description == String(printed.prefix(10)))
                }
            }
        }
        // Days outside four-digit years print as before, padded but not cut.
        #expect(CalendarDate(year: 12_026, month: 1, day: 2).description == "12026-01-02")
        #expect(CalendarDate(year: 7, month: 12, day: 31).description == "0007-12-31")
        #expect(CalendarDate("0001-01-01")?.description == "0001-01-01")
        #expect(CalendarDate(Substring("2026-11-26")) == CalendarDate(year: 2026, month: 11, day: 26))
    }

    /// Results of a few dozen columns are searched in order, wider ones through an index; both
    /// find the first column of a repeated name.
    @Test func columnsAreFoundByNameInNarrowAndWideResults() async throws {
        try await TestDatabase.with(migrated: false) { database in
            try await database.withConnection(database.superuser) { connection in
                // With the repeated c0, 4 and 32 columns are searched in order, 33 and 61 indexed.
                for width in [3, 31, 32, 60] {
                    let columns = (0..<width).map { "$\($0 + 1)::int AS c\($0)" }.joined(separator: ", ")
                    let values = (0..<width).map { Optional<any PostgresEncodable>($0 * 7) }
                    let row = try #require(try await connection.query("SELECT \(columns), -1 AS c0", values).first)
                    #expect(try row.decode("c0", as: Int.self) == 0)
                    #expect(try row.decode("c\(width - 1)", as: Int.self) == (width - 1) * 7)
                    #expect(throws: PostgresError.self) { try row.decode("c\(width)", as: Int.self) }
                }
            }
        }
    }
}
