import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Platform
import TestSupport
import Testing

@Suite("Signing in with a password")
struct SignInTests {
    @Test func throttleRefusesAUserAfterFiveFailuresUntilTheWindowPasses() {
        var throttle = SignInThrottle()
        let start = Date(timeIntervalSince1970: 1_795_680_000)
        for minute in 0..<5 {
            #expect(throttle.retryAfter(user: "li", address: "10.0.0.1", at: start.addingTimeInterval(Double(minute) * 60)) == nil)
            throttle.recordFailure(user: "li", address: "10.0.0.1", at: start.addingTimeInterval(Double(minute) * 60))
        }
        #expect(throttle.retryAfter(user: "li", address: "10.0.0.2", at: start.addingTimeInterval(300)) == 600)
        #expect(throttle.retryAfter(user: "wang", address: "10.0.0.1", at: start.addingTimeInterval(300)) == nil)
        // The first failure leaves the 15-minute window.
        #expect(throttle.retryAfter(user: "li", address: "10.0.0.1", at: start.addingTimeInterval(901)) == nil)
    }

    @Test func oneAddressIsRefusedAfterThirtyFailuresAcrossUsers() {
        var throttle = SignInThrottle()
        let now = Date(timeIntervalSince1970: 1_795_680_000)
        for user in 0..<30 { throttle.recordFailure(user: "u\(user)", address: "10.0.0.9", at: now) }
        #expect(throttle.retryAfter(user: "fresh", address: "10.0.0.9", at: now) != nil)
        #expect(throttle.retryAfter(user: "fresh", address: "10.0.0.8", at: now) == nil)
    }

    @Test func passwordsAreSaltedAndCheckedInFull() async throws {
        let first = try await PasswordHasher.hash("correct horse battery")
        let second = try await PasswordHasher.hash("correct horse battery")
        #expect(first != second && first.hasPrefix("pbkdf2-sha256$600000$"))
        #expect(await PasswordHasher.verify("correct horse battery", against: first))
        #expect(await !PasswordHasher.verify("correct horse batterY", against: first))
        #expect(await !PasswordHasher.verify("correct horse battery", against: "md5$abc"))
        #expect(throws: DomainError.self) { try PasswordHasher.check("short") }
    }

    @Test func aUserSignsInUsesTheTokenAndSignsOut() async throws {
        try await APIFixture.with { fixture in
            try await fixture.platform.users.setPassword(username: "h01.agent", password: "前台-密码-2026", scope: .operations)
            try await PlatformApplication.build(fixture.configuration, logger: quietLogger).test(.live) { client in
                let signIn = try await client.call(.post, "/api/v1/auth/tokens", token: nil, json: #"{"username":"H01.Agent","password":"前台-密码-2026","expiresInHours":8}"#)
                #expect(signIn.status == .created, "\(signIn.body)")
                let token = try #require(signIn.json["token"] as? String)
                let me = try await client.call(.get, "/api/v1/sites/H01", token: "Bearer \(token)")
                #expect(me.status == .ok)
                let out = try await client.call(.delete, "/api/v1/auth/tokens/current", token: "Bearer \(token)")
                #expect(out.status == .noContent)
                let after = try await client.call(.get, "/api/v1/sites/H01", token: "Bearer \(token)")
                #expect(after.status == .unauthorized)
            }
        }
    }

    @Test func wrongCredentialsGetOneAnswerAndRepeatedFailuresAreThrottled() async throws {
        try await APIFixture.with { fixture in
            try await fixture.platform.users.setPassword(username: "h01.manager", password: "经理的长密码-2026", scope: .operations)
            try await PlatformApplication.build(fixture.configuration, logger: quietLogger).test(.live) { client in
                let unknown = try await client.call(.post, "/api/v1/auth/tokens", token: nil, json: #"{"username":"nobody","password":"whatever-long"}"#)
                let noPassword = try await client.call(.post, "/api/v1/auth/tokens", token: nil, json: #"{"username":"h01.staff","password":"whatever-long"}"#)
                #expect(unknown.status == .unauthorized && unknown.code == "auth.invalid_credentials")
                #expect(noPassword.status == .unauthorized && noPassword.body == unknown.body)
                for _ in 0..<5 {
                    let wrong = try await client.call(.post, "/api/v1/auth/tokens", token: nil, json: #"{"username":"h01.manager","password":"not-the-password"}"#)
                    #expect(wrong.status == .unauthorized && wrong.body == unknown.body)
                }
                let throttled = try await client.call(.post, "/api/v1/auth/tokens", token: nil, json: #"{"username":"h01.manager","password":"经理的长密码-2026"}"#)
                #expect(throttled.status == .tooManyRequests && throttled.code == "auth.too_many_attempts")
                #expect(Int(throttled.headers[.retryAfter] ?? "") ?? 0 > 0)
            }
            #expect(try await fixture.count("SELECT count(*) FROM api_tokens") == APIFixture.users.count)  // no token for any failed attempt
        }
    }
}
