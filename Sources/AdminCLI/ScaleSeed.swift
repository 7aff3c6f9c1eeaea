import ArgumentParser
import Foundation
import Platform
import Postgres

extension SeedCommand {
    struct Scale: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "A group at benchmark scale: sites S0001… of the three kinds with tickets over the last 12 months (--months), appointments and assessments in proportion, and their report rollups.",
            discussion: """
                Tops up: run again with a larger --tickets and only the difference is added, spread over the same \
                sites and months. Per site: 20 staff, one service window, one booking per 20 tickets, one published \
                monthly assessment cycle per month. Seeded tickets have no timeline entries. Ends by computing the \
                rollups of every scale site's months (what the report job does).
                """)
        @OptionGroup var connection: ConnectionOptions
        @Option(help: "How many sites (codes S0001 …).") var sites: Int = 1000
        @Option(help: "Tickets in total over the scale sites.") var tickets: Int = 1_000_000
        @Option(help: "The last month of the window, YYYY-MM (default: this month).") var through: String?
        @Option(help: "Months of history, ending with --through.") var months: Int = 12
        @Option(help: "Sites seeded at once.") var workers: Int = 2

        func validate() throws {
            guard (1...9999).contains(sites) else { throw ValidationError("--sites is 1 … 9999") }
            guard tickets >= 0 else { throw ValidationError("--tickets is 0 or more") }
            guard (1...16).contains(workers) else { throw ValidationError("--workers is 1 … 16") }
            guard (1...36).contains(months) else { throw ValidationError("--months is 1 … 36") }
            if let through, CalendarDate.month(through) == nil { throw ValidationError("--through is YYYY-MM, e.g. 2026-11; got '\(through)'") }
        }

        static let regions = ["华东", "华北", "华南", "西南", "东北"]
        static let kinds: [Site.Kind] = [.hospital, .residence, .governmentServiceCenter]

        func run() async throws {
            try await runReporting {
                let now = Date()
                let last = through.flatMap(CalendarDate.month) ?? CalendarDate.day(of: now, in: "Asia/Shanghai").firstOfMonth(adding: 0)
                // The months ending with `last`, as instants in China time (the window; each site's own timezone decides its months).
                // Nothing is received in the future: a window ending this month ends now.
                let window = (start: Self.instant(last.firstOfMonth(adding: -(months - 1))), end: min(now, Self.instant(last.firstOfMonth(adding: 1))))
                let (sites, tickets, workers) = (self.sites, self.tickets, self.workers)
                try await connection.withDatabase(connections: workers) { database in
                    let started = ContinuousClock.now
                    let scale = try await Self.ensureSites(database, count: sites)
                    let existing = try await database.pipeline(.operations, [PostgresStatement(
                        "SELECT site_id, count(*)::int AS n FROM tickets WHERE site_id = ANY($1) GROUP BY 1", [scale.map(\.id)])])[0]
                    var have: [UUID: Int] = [:]
                    for row in existing { have[try row.decode("site_id")] = try row.decode("n") }
                    let plan = scale.enumerated().map { index, site in
                        (site: site, have: have[site.id] ?? 0, add: max(0, tickets / sites + (index < tickets % sites ? 1 : 0) - (have[site.id] ?? 0)))
                    }
                    let adding = plan.reduce(0) { $0 + $1.add }
                    report("seeding \(adding) tickets over \(sites) sites (\(plan.reduce(0) { $0 + $1.have }) there already), \(window.start) … \(window.end)")
                    let bar = ProgressBar(unit: "tickets")
                    try await withThrowingTaskGroup(of: Int.self) { group in
                        var next = plan.makeIterator()
                        func start() {
                            guard let job = next.next() else { return }
                            group.addTask {
                                try await Self.seed(database, site: job.site, have: job.have, add: job.add, window: window, now: now)
                                return job.add
                            }
                        }
                        for _ in 0..<workers { start() }
                        var done = 0
                        while let added = try await group.next() {
                            done += added
                            bar.show(done, of: max(adding, 1))
                            start()
                        }
                    }
                    bar.finish()
                    report("tickets seeded in \(Self.seconds(since: started)); computing the report rollups")
                    _ = try await database.pipeline(.operations, [PostgresStatement(
                        """
                        INSERT INTO report_refresh_queue (site_id, month)
                        SELECT s.id, m::date FROM sites s, generate_series(date_trunc('month', $2::timestamptz AT TIME ZONE 'Asia/Shanghai'),
                            date_trunc('month', ($3::timestamptz - interval '1 microsecond') AT TIME ZONE 'Asia/Shanghai'), interval '1 month') m
                        WHERE s.id = ANY($1)
                        """, [scale.map(\.id), window.start, window.end])])
                    let rollupBar = ProgressBar(unit: "sites")
                    let rollup = ReportRollup(database: database, clock: .system, interval: .seconds(60), logger: cliLogger)
                    let months = try await rollup.refresh(now: Date()) { done, total in rollupBar.show(done, of: total) }
                    rollupBar.finish()
                    report("done in \(Self.seconds(since: started)): \(sites) sites, \(tickets) tickets, \(months) site-months of figures")
                }
            }
        }

        static func seconds(since start: ContinuousClock.Instant) -> String {
            let elapsed = start.duration(to: .now)
            return "\(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds / 100_000_000_000_000_000) / 10) s"
        }

        /// Midnight at the start of `day` in China time.
        static func instant(_ day: CalendarDate) -> Date {
            let components = DateComponents(timeZone: TimeZone(identifier: "Asia/Shanghai"), year: day.year, month: day.month, day: day.day)
            return Calendar(identifier: .gregorian).date(from: components) ?? Date()
        }

        /// The scale sites, created with their templates where missing.
        static func ensureSites(_ database: PlatformDatabase, count: Int) async throws -> [(id: UUID, code: String)] {
            let store = SiteStore(database: database)
            let codes = (1...count).map { "S" + String(repeating: "0", count: max(0, 4 - String($0).count)) + String($0) }
            let known = Set(try await database.pipeline(.operations, [PostgresStatement("SELECT code FROM sites WHERE code = ANY($1)", [codes])])[0]
                .map { try $0.decode("code", as: String.self) })
            let missing = codes.enumerated().filter { !known.contains($0.element) }
            if !missing.isEmpty {
                report("creating \(missing.count) sites")
                let bar = ProgressBar(unit: "sites")
                for (position, (index, code)) in missing.enumerated() {
                    let kind = kinds[index % kinds.count]
                    let name = "\(regions[index % regions.count])\(kind.chineseName)\(index + 1)号"
                    _ = try await store.create(NewSite(code: code, name: name, kind: kind, region: regions[index % regions.count]), scope: .operations)
                    bar.show(position + 1, of: missing.count)
                }
                bar.finish()
            }
            let rows = try await database.pipeline(.operations, [PostgresStatement("SELECT id, code FROM sites WHERE code = ANY($1) ORDER BY code", [codes])])[0]
            return try rows.map { (try $0.decode("id", as: UUID.self), try $0.decode("code", as: String.self)) }
        }

        /// One site's share, in one transaction: its staff, window and template when missing,
        /// then `add` tickets (numbered after the site's counters), their follow-ups, one booking
        /// per 20 tickets, and a published cycle for each month that has none.
        static func seed(_ database: PlatformDatabase, site: (id: UUID, code: String), have: Int, add: Int, window: (start: Date, end: Date), now: Date) async throws {
            let bookings = add / 20
            let statements = setup(site.id) + [
                tickets(site: site.id, code: site.code, add: add, offset: have, window: window),
                appointments(site: site.id, add: bookings, offset: have / 20, window: window, now: now),
                assessments(site: site.id, window: window),
            ]
            _ = try await database.pipeline(AccessScope(sites: .only([site.id]), role: "ops"), statements)
        }

        static func setup(_ site: UUID) -> [PostgresStatement] {
            let items = #"[{"dimension":"conduct","name":"职业道德","weight":20,"scaleMax":10},{"dimension":"ability","name":"业务能力","weight":30,"scaleMax":10},"#
                + #"{"dimension":"diligence","name":"出勤","weight":20,"scaleMax":10},{"dimension":"results","name":"工作业绩","weight":30,"scaleMax":10}]"#
            return [
                PostgresStatement(
                    """
                    INSERT INTO staff (site_id, employee_no, name, department_id, hire_date)
                    SELECT $1, 'S' || lpad(n::text, 3, '0'), '员工' || n, d.ids[1 + n % cardinality(d.ids)], '2020-01-01'
                    FROM generate_series(1, 20) n, (SELECT array_agg(id ORDER BY code) AS ids FROM departments WHERE site_id = $1) d
                    ON CONFLICT (site_id, employee_no) DO NOTHING
                    """, [site]),
                PostgresStatement(
                    """
                    INSERT INTO service_items (site_id, code, name, department_id, duration_minutes, capacity_per_slot)
                    SELECT $1, 'scale_service', '综合服务', id, 30, 1 FROM departments WHERE site_id = $1 ORDER BY code LIMIT 1
                    ON CONFLICT (site_id, code) DO NOTHING
                    """, [site]),
                PostgresStatement(
                    """
                    INSERT INTO service_windows (site_id, code, name, kind, department_id, calendar_id, item_ids)
                    SELECT $1, 'scale_w1', '综合窗口', 'counter', i.department_id,
                        (SELECT id FROM working_calendars WHERE site_id = $1 ORDER BY is_default DESC, code LIMIT 1), ARRAY[i.id]
                    FROM service_items i WHERE i.site_id = $1 AND i.code = 'scale_service'
                    ON CONFLICT (site_id, code) DO NOTHING
                    """, [site]),
                PostgresStatement(
                    "INSERT INTO assessment_templates (site_id, code, name, kind, items) VALUES ($1, 'scale_monthly', '月度考核', 'regular', $2::jsonb) ON CONFLICT (site_id, code) DO NOTHING",
                    [site, items]),
            ]
        }

        /// `add` tickets received at random times in the window: mostly closed, those of the
        /// window's last three days still open; one in ten answered late, one in eight resolved
        /// late; complaints all followed up, repairs three in ten.
        static func tickets(site: UUID, code: String, add: Int, offset: Int, window: (start: Date, end: Date)) -> PostgresStatement {
            PostgresStatement(
                """
                WITH params AS (
                    SELECT (SELECT timezone FROM sites WHERE id = $1) AS tz,
                        (SELECT array_agg(id ORDER BY employee_no) FROM staff WHERE site_id = $1 AND employee_no LIKE 'S%') AS owners,
                        (SELECT array_agg(id ORDER BY code) FROM departments WHERE site_id = $1) AS departments
                ), drawn AS (
                    SELECT g, $4::timestamptz + ($5::timestamptz - $4::timestamptz) * random() AS received,
                        (ARRAY['repair', 'repair', 'repair', 'complaint', 'inquiry', 'issue_report', 'suggestion', 'praise', 'other', 'repair'])[1 + (g * 7) % 10] AS category,
                        p.*
                    FROM generate_series($6::int + 1, $6::int + $3::int) g, params p
                ), shaped AS (
                    SELECT d.*, extract(year FROM d.received AT TIME ZONE d.tz)::int AS year,
                        CASE WHEN d.received > $5::timestamptz - interval '3 days'
                             THEN (ARRAY['received', 'dispatched', 'acknowledged', 'in_progress', 'resolved'])[1 + g % 5] ELSE 'closed' END AS status,
                        CASE WHEN d.category = 'complaint' THEN 'complaint' WHEN d.category = 'repair' THEN 'repair' END AS follow_up_class,
                        (ARRAY['病房', '走廊', '电梯厅', '卫生间', '候诊区', '楼道', '车库', '大厅'])[1 + (g / 3) % 8]
                            || (ARRAY['漏水', '电梯故障', '空调不制冷', '噪音太大', '停电', '门锁损坏', '照明不亮', '保洁不及时', '有异味', '网络中断'])[1 + (g * 13) % 10] AS description
                    FROM drawn d
                ), numbered AS (
                    SELECT s.*, coalesce(c.last_number, 0) + row_number() OVER (PARTITION BY s.year ORDER BY s.received, s.g) AS seq,
                        CASE WHEN s.status IN ('closed', 'resolved') THEN s.received + CASE WHEN g % 8 = 0 THEN interval '4 days' ELSE interval '1 day' END END AS resolved
                    FROM shaped s LEFT JOIN ticket_counters c ON c.site_id = $1 AND c.year = s.year
                ), inserted AS (
                    INSERT INTO tickets (site_id, number, channel, category, priority, status, follow_up_class, reporter_name, reporter_phone, location,
                        description, owner_id, department_id, cause_class, received_at, feedback_due_at, first_feedback_at, resolve_due_at, resolved_at,
                        closed_at, follow_up_month, follow_up_sampled, followed_up_at, search_text, search_terms, created_at, updated_at)
                    SELECT $1, \(TicketNumber.sql(site: "$2", year: "year", sequence: "seq")), (ARRAY['visit', 'phone', 'letter', 'online', 'patrol'])[1 + g % 5],
                        category, (ARRAY['normal', 'normal', 'normal', 'urgent', 'emergency'])[1 + (g * 3) % 5], status, follow_up_class,
                        (ARRAY['陈', '王', '李', '张', '刘', '杨'])[1 + g % 6] || '女士', '13' || lpad(((g::bigint * 7919) % 1000000000)::text, 9, '0'),
                        (1 + g % 12) || '号楼', description, owners[1 + g % cardinality(owners)], departments[1 + g % cardinality(departments)],
                        CASE WHEN category = 'complaint' THEN 1 + g % 3 END, received, received + interval '24 hours',
                        CASE WHEN status <> 'received' THEN received + CASE WHEN g % 10 = 0 THEN interval '30 hours' ELSE interval '2 hours' END END,
                        CASE WHEN follow_up_class IS NOT NULL THEN received + interval '3 days' END, resolved,
                        CASE WHEN status = 'closed' THEN resolved + interval '2 days' END,
                        CASE WHEN resolved IS NOT NULL AND follow_up_class IS NOT NULL THEN date_trunc('month', resolved AT TIME ZONE tz)::date END,
                        CASE WHEN resolved IS NOT NULL AND follow_up_class IS NOT NULL THEN follow_up_class = 'complaint' OR g % 10 < 3 END,
                        CASE WHEN status = 'closed' AND (follow_up_class = 'complaint' OR (follow_up_class = 'repair' AND g % 10 < 3)) THEN resolved + interval '1 day' END,
                        lower(description), app.search_terms(lower(description)), received, received
                    FROM numbered
                    RETURNING id, follow_up_class, follow_up_month, followed_up_at, number
                ), counters AS (
                    INSERT INTO ticket_counters AS c (site_id, year, last_number) SELECT $1, year, max(seq) FROM numbered GROUP BY year
                    ON CONFLICT (site_id, year) DO UPDATE SET last_number = greatest(c.last_number, excluded.last_number)
                ), follow_ups AS (
                    INSERT INTO ticket_follow_ups (site_id, ticket_id, at, method, rating)
                    SELECT $1, id, followed_up_at, 'phone', (ARRAY['satisfied', 'satisfied', 'satisfied', 'satisfied', 'satisfied', 'satisfied', 'basically_satisfied',
                        'basically_satisfied', 'satisfied', 'unsatisfied'])[1 + abs(hashtext(number)) % 10]
                    FROM inserted WHERE followed_up_at IS NOT NULL
                ), resolutions AS (
                    INSERT INTO ticket_follow_up_counters AS c (site_id, month, follow_up_class, resolved)
                    SELECT $1, follow_up_month, follow_up_class, count(*) FROM inserted WHERE follow_up_month IS NOT NULL GROUP BY 2, 3
                    ON CONFLICT (site_id, month, follow_up_class) DO UPDATE SET resolved = c.resolved + excluded.resolved
                )
                SELECT count(*)::int AS n FROM inserted
                """, [site, code, add, window.start, window.end, offset], prepared: false)
        }

        /// Bookings on the site's scale window, on the half-hour slots of the window: booking k
        /// takes slot k·7919 mod n (n, the slots in the window, made prime to 7919, so each run of n
        /// consecutive bookings covers every slot once) and place 1 + (k − 1) div n; the service
        /// item's capacity grows to the places used. More bookings than slots (one site at a
        /// million tickets: 50,000 bookings in 16,000 slots) fill a slot's further places
        /// instead of taking a place already held.
        static func appointments(site: UUID, add: Int, offset: Int, window: (start: Date, end: Date), now: Date) -> PostgresStatement {
            PostgresStatement(
                """
                WITH w0 AS (
                    SELECT w.id AS window_id, w.item_ids[1] AS item_id,
                        (extract(epoch FROM $5::timestamptz - $4::timestamptz) / 1800)::bigint AS slots
                    FROM service_windows w WHERE w.site_id = $1 AND w.code = 'scale_w1'
                ), w AS (
                    SELECT window_id, item_id, CASE WHEN slots % 7919 = 0 THEN slots - 1 ELSE slots END AS slots FROM w0
                ), drawn AS (
                    SELECT k, w.*, $4::timestamptz + ((k * 7919) % w.slots) * interval '30 minutes' AS start, 1 + (k - 1) / w.slots AS seat
                    FROM w, generate_series($3::bigint + 1, $3::bigint + $2::bigint) k
                ), capacity AS (
                    UPDATE service_items i SET capacity_per_slot = greatest(i.capacity_per_slot, (SELECT max(seat) FROM drawn))
                    WHERE i.site_id = $1 AND i.code = 'scale_service' AND EXISTS (SELECT 1 FROM drawn)
                )
                INSERT INTO appointments (site_id, item_id, window_id, slot, seat, channel, status, applicant_name, applicant_phone, requested_at,
                    confirm_due_at, confirmed_at, refused_at, refusal_reason, completed_at, satisfaction, cancelled_at, late_cancellation, no_show_at, created_at, updated_at)
                SELECT $1, item_id, window_id, tstzrange(start, start + interval '30 minutes'), seat, (ARRAY['on_site', 'phone', 'online'])[1 + k % 3], status,
                    '申请人' || k, '139' || lpad((k % 100000000)::text, 8, '0'), start - interval '2 days', start - interval '1 day',
                    CASE WHEN status <> 'refused' THEN start - interval '2 days' + CASE WHEN k % 10 = 0 THEN interval '30 hours' ELSE interval '3 hours' END END,
                    CASE WHEN status = 'refused' THEN start - interval '47 hours' END, CASE WHEN status = 'refused' THEN '材料不全' END,
                    CASE WHEN status = 'completed' THEN start + interval '30 minutes' END,
                    CASE WHEN status = 'completed' THEN (ARRAY['satisfied', 'satisfied', 'basically_satisfied', 'unsatisfied'])[1 + k % 4] END,
                    CASE WHEN status = 'cancelled_by_center' THEN start - interval '1 hour' END, status = 'cancelled_by_center',
                    CASE WHEN status = 'no_show' THEN start + interval '30 minutes' END, start - interval '2 days', start - interval '2 days'
                FROM (SELECT d.*, CASE WHEN d.start > $6::timestamptz THEN 'confirmed'
                                      ELSE (ARRAY['no_show', 'cancelled_by_center', 'refused', 'completed', 'completed', 'completed', 'completed', 'completed', 'completed', 'completed',
                                                  'completed', 'completed', 'completed', 'completed', 'completed', 'completed', 'completed', 'completed', 'completed', 'completed'])[1 + k % 20] END AS status
                      FROM drawn d) AS b
                """, [site, add, offset, window.start, window.end, now], prepared: false)
        }

        /// A published monthly cycle with a result for each scale staff member, for each month
        /// of the window that has none.
        static func assessments(site: UUID, window: (start: Date, end: Date)) -> PostgresStatement {
            PostgresStatement(
                """
                WITH months AS (
                    SELECT m::date AS first FROM generate_series(date_trunc('month', $2::timestamptz AT TIME ZONE 'Asia/Shanghai'),
                        date_trunc('month', $3::timestamptz AT TIME ZONE 'Asia/Shanghai') - interval '1 month', interval '1 month') m
                ), cycles AS (
                    INSERT INTO assessment_cycles (site_id, template_id, name, period, starts_on, ends_on, status, published_at)
                    SELECT $1, t.id, to_char(first, 'YYYY"年"MM"月"') || '考核', 'monthly', first, (first + interval '1 month' - interval '1 day')::date,
                        'published', first + interval '1 month' + interval '5 days'
                    FROM months, assessment_templates t
                    WHERE t.site_id = $1 AND t.code = 'scale_monthly'
                      AND NOT EXISTS (SELECT 1 FROM assessment_cycles c WHERE c.site_id = $1 AND c.template_id = t.id AND c.starts_on = months.first)
                    RETURNING id, starts_on
                ), scored AS (
                    SELECT c.id AS cycle_id, s.id AS staff_id, round((60 + abs(hashtext(s.employee_no || c.starts_on::text)) % 4000 / 100.0)::numeric, 2) AS total
                    FROM cycles c, staff s WHERE s.site_id = $1 AND s.employee_no LIKE 'S%'
                ), ranked AS (
                    SELECT *, rank() OVER (PARTITION BY cycle_id ORDER BY total DESC) AS rank, count(*) OVER (PARTITION BY cycle_id) AS members FROM scored
                )
                INSERT INTO assessment_results (site_id, cycle_id, staff_id, total, rank, post_rank, percentile, bottom, explanation)
                SELECT $1, cycle_id, staff_id, total, rank, rank, round(100.0 * (members - rank) / members, 1), rank = members, '第' || rank || '名' FROM ranked
                """, [site, window.start, window.end], prepared: false)
        }
    }
}
