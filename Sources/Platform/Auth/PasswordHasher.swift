import Domain
import _CryptoExtras
import Crypto
import Foundation
import NIOCore
import NIOPosix

/// Salted, slow password hashes: PBKDF2-HMAC-SHA256 with 600,000 rounds (OWASP's figure for
/// SHA-256), stored as `pbkdf2-sha256$ROUNDS$SALT$HASH` (base64) so rounds can grow later
/// without breaking stored hashes.
///
/// A hash costs a few hundred milliseconds of CPU, so it runs on threads of its own: requests
/// run on the HTTP event loops, and a hash there would stall every connection of its loop. Not
/// on NIO's shared thread pool either: the database connects and sends cancels there, and a
/// burst of sign-ins would hold back a cancel by as long as the hashes ahead of it (seen: a
/// cancel 2.4 s late while tests signed in). As many threads as cores: more sign-ins at once
/// than that queue for a thread.
public enum PasswordHasher {
    public static let rounds = 600_000
    static let saltBytes = 16
    static let hashBytes = 32

    /// Passwords are 10–200 characters; anything shorter is refused as too easy to guess.
    public static func check(_ password: String) throws {
        guard (10...200).contains(password.count) else {
            throw DomainError.invalid(field: "password", code: "user.weak_password", message: "a password is 10–200 characters")
        }
    }

    public static func hash(_ password: String) async throws -> String {
        var generator = SystemRandomNumberGenerator()
        let salt = Data((0..<saltBytes).map { _ in UInt8.random(in: 0...255, using: &generator) })
        let key = try await derive(password, salt: salt, rounds: rounds)
        return "pbkdf2-sha256$\(rounds)$\(salt.base64EncodedString())$\(key.base64EncodedString())"
    }

    /// Whether `password` matches `stored`, compared in constant time. Unknown formats never match.
    public static func verify(_ password: String, against stored: String) async -> Bool {
        let parts = stored.split(separator: "$")
        guard parts.count == 4, parts[0] == "pbkdf2-sha256", let rounds = Int(parts[1]), rounds >= 100_000,
            let salt = Data(base64Encoded: String(parts[2])), let expected = Data(base64Encoded: String(parts[3])),
            let actual = try? await derive(password, salt: salt, rounds: rounds)
        else { return false }
        return actual.count == expected.count && zip(actual, expected).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }

    /// Spends the same time as a real check, so an unknown username is not faster to refuse.
    public static func burn(_ password: String) async {
        _ = try? await derive(password, salt: Data(count: saltBytes), rounds: rounds)
    }

    /// Started on first use and kept for the life of the process.
    private static let threads: NIOThreadPool = {
        let pool = NIOThreadPool(numberOfThreads: max(1, System.coreCount))
        pool.start()
        return pool
    }()

    static func derive(_ password: String, salt: Data, rounds: Int) async throws -> Data {
        try await threads.runIfActive {
            let key = try KDF.Insecure.PBKDF2.deriveKey(
                from: Data(password.utf8), salt: salt, using: .sha256, outputByteCount: hashBytes, unsafeUncheckedRounds: rounds)
            return key.withUnsafeBytes { Data($0) }
        }
    }
}
