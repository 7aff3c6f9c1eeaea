import Crypto
import Domain
import Foundation

/// A bearer token: 256 random bits, shown to its owner once and stored only as SHA-256.
public struct APIToken: Sendable, Equatable {
    /// The secret, `pt_` followed by 43 base64url characters.
    public let secret: String

    /// A new random token.
    public static func generate() -> APIToken {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return APIToken(secret: "pt_" + Data(bytes).base64URLEncoded())
    }

    public init(secret: String) {
        self.secret = secret
    }

    /// What the database stores and looks up.
    public var sha256: Data { APIToken.hash(secret) }

    public static func hash(_ secret: String) -> Data {
        Data(SHA256.hash(data: Data(secret.utf8)))
    }
}

extension Data {
    func base64URLEncoded() -> String {
        base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
