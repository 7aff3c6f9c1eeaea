import Foundation

/// UUIDs to and from their 36-character text form, without Foundation's `sscanf` and
/// `snprintf` (on Linux `UUID(uuidString:)` and `uuidString` go through both, and a read of
/// one staff member parses and prints half a dozen ids).
extension UUID {
    /// The UUID written as 8-4-4-4-12 hexadecimal digits, either case; nil for anything else.
    /// Stricter than `UUID(uuidString:)`, whose `sscanf("%2hhx")` also lets through a sign or
    /// a space in place of a digit.
    public init?(text: some StringProtocol) {
        let utf8 = text.utf8
        guard let parsed = utf8.withContiguousStorageIfAvailable(Self.parse) ?? Self.parse(Array(utf8)) else { return nil }
        self.init(uuid: parsed)
    }

    /// The canonical lower-case form PostgreSQL prints (`uuidString` is upper-case).
    public var lowercasedText: String {
        String(unsafeUninitializedCapacity: 36) { buffer in
            let digits: StaticString = "0123456789abcdef"
            let hex = UnsafeRawBufferPointer(start: digits.utf8Start, count: 16)
            var position = 0
            withUnsafeBytes(of: uuid) { bytes in
                for (index, byte) in bytes.enumerated() {
                    if index == 4 || index == 6 || index == 8 || index == 10 {
                        buffer[position] = UInt8(ascii: "-")
                        position += 1
                    }
                    buffer[position] = hex[Int(byte >> 4)]
                    buffer[position + 1] = hex[Int(byte & 0x0f)]
                    position += 2
                }
            }
            return position
        }
    }

    private static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> uuid_t? {
        guard bytes.count == 36, bytes[8] == UInt8(ascii: "-"), bytes[13] == UInt8(ascii: "-"), bytes[18] == UInt8(ascii: "-"),
              bytes[23] == UInt8(ascii: "-") else { return nil }
        var value: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        let valid = withUnsafeMutableBytes(of: &value) { out -> Bool in
            var position = 0
            for index in 0..<16 {
                if position == 8 || position == 13 || position == 18 || position == 23 { position += 1 }
                guard let high = nibble(bytes[position]), let low = nibble(bytes[position + 1]) else { return false }
                out[index] = high << 4 | low
                position += 2
            }
            return true
        }
        return valid ? value : nil
    }

    private static func parse(_ bytes: [UInt8]) -> uuid_t? {
        bytes.withUnsafeBufferPointer(parse)
    }

    /// The value of one hexadecimal digit, either case (also `bytea`'s reader).
    static func nibble(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
