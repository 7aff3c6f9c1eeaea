import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
@testable import Platform
import Postgres
import TestSupport
import Testing

/// The `/hq` page in headless Chromium (Debian's `chromium`, installed by scripts/setup).
@Suite("HQ dashboard page in headless Chromium", .serialized)
struct DashboardTests {
    static let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first { FileManager.default.isExecutableFile(atPath: $0) }

    /// Runs Chromium on its own thread (it takes seconds; the server under test keeps the
    /// cooperative threads).
    func chromium(_ arguments: [String]) async throws -> String {
        guard let binary = Self.chromium else { throw PostgresError(kind: .client, message: "chromium is not installed (scripts/setup installs it)") }
        let command = [binary, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--hide-scrollbars", "--virtual-time-budget=15000"] + arguments
        return try await withCheckedThrowingContinuation { continuation in
            Thread {
                do {
                    let result = try Subprocess.run(command, environment: ["HOME": FileManager.default.temporaryDirectory.path, "LANG": "zh_CN.UTF-8"])
                    continuation.resume(returning: result.output)
                } catch {
                    continuation.resume(throwing: error)
                }
            }.start()
        }
    }

    @Test func thePageRendersTheSeededPortfolioWithMediansColoursAndATrend() async throws {
        try await APIFixture.with { fixture in
            let clock = TestClock("2026-10-30T10:00:00+08:00")
            try await PlatformApplication.build(fixture.configuration(clock: clock), logger: quietLogger).test(.live) { client in
                _ = try await ReportTests.handCountedGroup(client, fixture, clock)
                _ = try await ReportRollup(database: fixture.platform.platform, clock: .system, interval: .seconds(60), logger: quietLogger).refresh(now: clock.now)
                let port = try #require(client.port)
                let token = try #require(fixture.tokens["hq.analyst"])

                // The page and its assets come from the binary, with a strict content security policy.
                let page = try await client.call(.get, "/hq", token: nil)
                #expect(page.status == .ok && page.headers[.contentType] == "text/html; charset=utf-8")
                #expect(page.headers[.contentSecurityPolicy]?.contains("default-src 'self'") == true && !page.body.contains("http"))
                #expect(try await client.call(.get, "/hq/dashboard.js", token: nil).headers[.contentType] == "text/javascript; charset=utf-8")

                let url = "http://127.0.0.1:\(port)/hq#token=\(token)&period=2026-11"
                let dom = try await chromium(["--dump-dom", url])
                #expect(dom.contains(#"data-loaded="all""#), "\(dom.suffix(2000))")
                #expect(dom.contains(#"<tr class="site" data-site="H01"><td class="text">H01</td><td class="text">市第一人民医院</td><td class="text">医院</td><td class="text">华东</td><td>6</td><td>7</td>"#))
                #expect(dom.contains(#"data-site="R01""#))
                #expect(dom.contains(#"<tr class="median" data-kind="hospital"><td class="text">医院</td><td class="text">中位数</td><td>1</td><td>6</td>"#))
                #expect(dom.contains(#"class="rag-green">100.0%</td>"#))  // on-time feedback and resolution at H01
                #expect(dom.contains(#"class="rag-red">50.0%</td>"#))  // H01's complaint rate: three complaints in six tickets
                let line = try #require(dom.range(of: #"<polyline class="line" points=""#))
                let points = dom[line.upperBound...].prefix { $0 != "\"" }.split(separator: " ")
                #expect(points.count == 12)  // tickets received, every month of the 12
                #expect(dom.contains("<text x=\"") && dom.contains(">2026-11</text>"))

                let english = try await chromium(["--dump-dom", "http://127.0.0.1:\(port)/hq#token=\(token)&period=2026-11&lang=en&measure=satisfactionRate"])
                #expect(english.contains(">Satisfaction</th>") && english.contains(">Median</td>") && english.contains(">Hospital</td>"))

                let shot = FileManager.default.temporaryDirectory.appendingPathComponent("hq-dashboard-\(UUID().uuidString.prefix(8)).png")
                _ = try await chromium(["--window-size=1500,1000", "--screenshot=\(shot.path)", url])
                let png = try Data(contentsOf: shot)
                #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]) && png.count > 20_000)
                Attachment.record(png, named: "hq-dashboard.png")
                print("HQ dashboard screenshot: \(shot.path) (\(png.count) bytes)")
            }
        }
    }
}
