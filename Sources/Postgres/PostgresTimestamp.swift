import Domain
import Foundation

/// Reads and writes `timestamptz` text without `DateFormatter`, which is slow and
/// locale-sensitive. Connections run with `DateStyle=ISO` so the server always answers
/// `YYYY-MM-DD HH:MM:SS[.ffffff]±HH[:MM[:SS]]`.
public enum PostgresTimestamp {
    /// RFC 3339 in UTC with microseconds (`2026-11-26T01:30:00.123456Z`), without Foundation's
    /// (slow) format styles.
    public static func format(_ date: Date) -> String {
        let totalMicros = (date.timeIntervalSince1970 * 1_000_000).rounded()
        var micros = Int64(totalMicros)
        var seconds = micros / 1_000_000
        micros %= 1_000_000
        if micros < 0 {
            micros += 1_000_000
            seconds -= 1
        }
        var days = Int(seconds / 86_400)
        var secondOfDay = Int(seconds % 86_400)
        if secondOfDay < 0 {
            secondOfDay += 86_400
            days -= 1
        }
        let day = CalendarDate(daysSinceEpoch: days)
        guard day.hasFourDigitYear else {
            let hh = String(secondOfDay / 3600).leftPadded(to: 2)
            let mm = String(secondOfDay % 3600 / 60).leftPadded(to: 2)
            let ss = String(secondOfDay % 60).leftPadded(to: 2)
            return "\(day)T\(hh):\(mm):\(ss).\(String(micros).leftPadded(to: 6))Z"
        }
        // YYYY-MM-DDTHH:MM:SS.ffffffZ, 27 bytes written in place.
        return String(unsafeUninitializedCapacity: 27) { buffer in
            let bytes = UnsafeMutableRawBufferPointer(buffer)
            day.write(into: bytes)
            bytes[10] = UInt8(ascii: "T")
            CalendarDate.write(secondOfDay / 3600, digits: 2, into: bytes, at: 11)
            bytes[13] = UInt8(ascii: ":")
            CalendarDate.write(secondOfDay % 3600 / 60, digits: 2, into: bytes, at: 14)
            bytes[16] = UInt8(ascii: ":")
            CalendarDate.write(secondOfDay % 60, digits: 2, into: bytes, at: 17)
            bytes[19] = UInt8(ascii: ".")
            CalendarDate.write(Int(micros), digits: 6, into: bytes, at: 20)
            bytes[26] = UInt8(ascii: "Z")
            return 27
        }
    }

    static func parse(_ text: String) -> Date? {
        let bytes = Array(text.utf8)
        guard bytes.count >= 19 else { return nil }
        func number(_ from: Int, _ length: Int) -> Int? {
            guard from + length <= bytes.count else { return nil }
            var value = 0
            for index in from..<(from + length) {
                let digit = Int(bytes[index]) - 48
                guard (0...9).contains(digit) else { return nil }
                value = value * 10 + digit
            }
            return value
        }
        guard let year = number(0, 4), let month = number(5, 2), let day = number(8, 2),
            let hour = number(11, 2), let minute = number(14, 2), let second = number(17, 2)
        else { return nil }
        var index = 19
        var fraction = 0.0
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            var scale = 0.1
            while index < bytes.count, (48...57).contains(bytes[index]) {
                fraction += Double(bytes[index] - 48) * scale
                scale /= 10
                index += 1
            }
        }
        var offsetSeconds = 0
        if index < bytes.count {
            let sign: Int
            switch bytes[index] {
            case UInt8(ascii: "+"): sign = 1
            case UInt8(ascii: "-"): sign = -1
            case UInt8(ascii: "Z"): sign = 0
            default: return nil
            }
            if sign != 0 {
                guard let oh = number(index + 1, 2) else { return nil }
                var offset = oh * 3600
                var cursor = index + 3
                if cursor < bytes.count, bytes[cursor] == UInt8(ascii: ":") { cursor += 1 }
                if let om = number(cursor, 2) {
                    offset += om * 60
                    cursor += 2
                    if cursor < bytes.count, bytes[cursor] == UInt8(ascii: ":") { cursor += 1 }
                    if let os = number(cursor, 2) { offset += os }
                }
                offsetSeconds = sign * offset
            }
        }
        let days = CalendarDate.daysFromCivil(year: year, month: month, day: day)
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offsetSeconds
        return Date(timeIntervalSince1970: Double(seconds) + fraction)
    }
}
