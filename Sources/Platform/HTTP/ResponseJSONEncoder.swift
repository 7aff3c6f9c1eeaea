import Foundation

/// Encodes response values as JSON, byte for byte what `PlatformJSONEncoder.foundationEncode`
/// writes (Foundation's `JSONEncoder` with `[.sortedKeys, .withoutEscapingSlashes]`, dates as
/// `RFC3339.format` strings, every other strategy at its default), without Foundation's cost.
///
/// Foundation builds a tree of values first (a boxed container per object and array, a
/// dictionary per object) and writes it out afterwards. This writes each value's bytes where
/// they belong while the value is being encoded. An object's members go out in the order they
/// are encoded, each recorded as its key and byte range; when the object is finished they are
/// put in key order, if they were not already, by copying those ranges.
///
/// What it does not reproduce it hands back as `NeedsFoundation`, and the caller encodes that
/// value with Foundation instead (encoding is expected to have no side effects):
/// - a container written to after a container opened later (a sibling, or its parent) was;
/// - a nested container asked for under a key already written, or a container asked for
///   where a single value was already encoded (Foundation merges them, or stops the program);
/// - NaN or infinity, a top-level value that encodes nothing, containers nested 500 deep,
///   and any error thrown while encoding: Foundation then throws exactly its own error.
enum ResponseJSONEncoder {
    /// This value has to be encoded by Foundation (see the type's documentation).
    struct NeedsFoundation: Error {}

    /// The JSON bytes of `value`.
    /// - Throws: `NeedsFoundation` when Foundation must encode `value` instead.
    static func encode<Value: Encodable>(_ value: Value) throws -> [UInt8] {
        let writer = ResponseJSONWriter()
        do {
            try writer.encodeTopLevel(value)
        } catch {
            // NaN, a value's own error, ...: Foundation throws exactly what it throws.
            throw NeedsFoundation()
        }
        guard !writer.needsFoundation else { throw NeedsFoundation() }
        return writer.bytes
    }
}

// MARK: - Writer

/// The state of one encoding: the bytes written so far and the frames still open.
///
/// A frame is a place for one value: the top level, an object member or an array element.
/// The frames open at any time form a path from the top level down; encoding is depth-first,
/// so writing into a frame first finishes every frame opened inside it.
final class ResponseJSONWriter {
    private(set) var bytes: [UInt8] = []
    /// Set when the output will not match Foundation's; the caller then uses Foundation.
    var needsFoundation = false

    private var frames: [Frame] = []
    /// The members of the objects open, in the order they were written; each object's
    /// members start at its `memberBase`.
    private var members: [Member] = []
    /// Where an object's members are copied while they are put in order.
    private var scratch: [UInt8] = []
    private var lastFrameID = 0

    /// Foundation refuses containers nested 512 deep; well before that, let it decide.
    private static let maximumDepth = 500

    init() {
        bytes.reserveCapacity(1024)
    }

    /// Encodes `value` as the whole document.
    func encodeTopLevel<Value: Encodable>(_ value: Value) throws {
        if try writeDirect(value) { return }
        let root = push(.slot, at: .root)
        try value.encode(to: ResponseValueEncoder(writer: self, frame: root))
        // Foundation throws "Top-level … did not encode any values."
        guard activate(root), frames[root.depth].kind != .slot else { throw unsupported() }
        closeInnermost()
    }

    // MARK: Frames

    /// Opens a frame at the end of the output.
    private func push(_ kind: Frame.Kind, at position: Position) -> FrameRef {
        lastFrameID += 1
        if frames.count >= Self.maximumDepth { needsFoundation = true }
        frames.append(Frame(kind: kind, id: lastFrameID, start: bytes.count, position: position, memberBase: members.count))
        switch kind {
        case .object: bytes.append(UInt8(ascii: "{"))
        case .array: bytes.append(UInt8(ascii: "["))
        case .slot, .value: break
        }
        return FrameRef(depth: frames.count - 1, id: lastFrameID)
    }

    /// Makes `frame` the innermost open frame by finishing the frames opened inside it. False
    /// (and Foundation takes over) when `frame` itself was finished already: its container is
    /// being written to after a later container was.
    func activate(_ frame: FrameRef) -> Bool {
        let innermost = frames.count - 1
        if frame.depth == innermost, innermost >= 0, frames[innermost].id == frame.id { return true }
        guard frame.depth >= 0, frame.depth < innermost, frames[frame.depth].id == frame.id else {
            needsFoundation = true
            return false
        }
        while frames.count > frame.depth + 1 { closeInnermost() }
        return true
    }

    /// Whether `frame` is still open.
    private func isOpen(_ frame: FrameRef) -> Bool {
        frame.depth >= 0 && frame.depth < frames.count && frames[frame.depth].id == frame.id
    }

    /// Finishes the innermost frame and records it as a member of its object, if it is one.
    private func closeInnermost() {
        let frame = frames.removeLast()
        switch frame.kind {
        // A value that encoded nothing: Foundation writes an empty object in its place.
        case .slot: bytes.append(contentsOf: [UInt8(ascii: "{"), UInt8(ascii: "}")])
        case .value: break
        case .array: bytes.append(UInt8(ascii: "]"))
        case .object: finishObject(frame)
        }
        if case .member(let key, _, let start) = frame.position {
            members.append(Member(key: key, start: start, valueStart: frame.start, end: bytes.count))
        }
    }

    /// The error that hands the value to Foundation.
    private func unsupported() -> ResponseJSONEncoder.NeedsFoundation {
        needsFoundation = true
        return ResponseJSONEncoder.NeedsFoundation()
    }

    /// The coding path of `frame`, rebuilt from the keys of the frames it is inside.
    func codingPath(to frame: FrameRef) -> [any CodingKey] {
        let last = min(frame.depth, frames.count - 1)
        guard last >= 0 else { return [] }
        return frames[...last].compactMap(\.position.codingKey)
    }

    // MARK: Containers

    /// The container of `kind` for the value of `frame`: the slot becomes an object or array,
    /// or, asked again, the same one (as Foundation hands back the container already made).
    func openContainer(_ kind: Frame.Kind, in frame: FrameRef) -> FrameRef {
        guard activate(frame) else { return .finished }
        let existing = frames[frame.depth].kind
        if existing == kind { return frame }
        guard existing == .slot else {
            // Foundation merges into an object already encoded here, or stops the program.
            needsFoundation = true
            return .finished
        }
        frames[frame.depth].kind = kind
        frames[frame.depth].memberBase = members.count
        bytes.append(kind == .object ? UInt8(ascii: "{") : UInt8(ascii: "["))
        return frame
    }

    /// Writes `,"key":` into the object `frame` and returns the member so far.
    func beginMember(_ key: String, in object: FrameRef) throws -> PendingMember {
        guard activate(object) else { throw unsupported() }
        return startMember(key, depth: object.depth)
    }

    private func startMember(_ key: String, depth: Int) -> PendingMember {
        if frames[depth].count > 0 { bytes.append(UInt8(ascii: ",")) }
        frames[depth].count += 1
        let start = bytes.count
        if !writeString(key) { frames[depth].hasNonASCIIKey = true }
        bytes.append(UInt8(ascii: ":"))
        return PendingMember(key: key, start: start, valueStart: bytes.count)
    }

    /// Records a member whose value was written directly after `beginMember`.
    func endMember(_ member: PendingMember) {
        members.append(Member(key: member.key, start: member.start, valueStart: member.valueStart, end: bytes.count))
    }

    /// Writes `,` into the array `frame` when needed and returns the new element's index.
    func beginElement(in array: FrameRef) throws -> Int {
        guard activate(array) else { throw unsupported() }
        return startElement(depth: array.depth)
    }

    private func startElement(depth: Int) -> Int {
        let index = frames[depth].count
        if index > 0 { bytes.append(UInt8(ascii: ",")) }
        frames[depth].count = index + 1
        return index
    }

    /// Marks the slot `frame` as holding a single value, which the caller writes next.
    func beginSingleValue(in frame: FrameRef) throws {
        guard activate(frame), frames[frame.depth].kind == .slot else { throw unsupported() }
        frames[frame.depth].kind = .value
    }

    /// The number of elements written to the array `frame`.
    func count(of array: FrameRef) -> Int {
        guard isOpen(array) else {
            needsFoundation = true
            return 0
        }
        return frames[array.depth].count
    }

    /// Opens a container or a slot (`kind`) as the member `key` of the object `frame`.
    func openMember(_ kind: Frame.Kind, key: String, intValue: Int?, in object: FrameRef) -> FrameRef {
        guard activate(object) else { return .finished }
        if kind != .slot, hasMember(key, in: object) {
            // Foundation reuses (or merges into) what is already there, or stops the program.
            needsFoundation = true
        }
        let member = startMember(key, depth: object.depth)
        return push(kind, at: .member(key: key, intValue: intValue, start: member.start))
    }

    /// Opens a container or a slot (`kind`) as the next element of the array `frame`.
    func openElement(_ kind: Frame.Kind, in array: FrameRef) -> FrameRef {
        guard activate(array) else { return .finished }
        let index = startElement(depth: array.depth)
        return push(kind, at: .element(index: index))
    }

    private func hasMember(_ key: String, in object: FrameRef) -> Bool {
        members[frames[object.depth].memberBase...].contains { $0.key == key }
    }

    // MARK: Values

    /// Writes `value` as a new member of the object `frame`.
    func encode<Value: Encodable>(_ value: Value, key: String, intValue: Int?, in object: FrameRef) throws {
        let member = try beginMember(key, in: object)
        if try writeDirect(value) {
            endMember(member)
        } else {
            try encodeInNewFrame(value, at: .member(key: key, intValue: intValue, start: member.start))
        }
    }

    /// Writes `value` as the next element of the array `frame`.
    func encode<Value: Encodable>(_ value: Value, in array: FrameRef) throws {
        let index = try beginElement(in: array)
        if try !writeDirect(value) {
            try encodeInNewFrame(value, at: .element(index: index))
        }
    }

    /// Writes `value` as the single value of the slot `frame`.
    func encodeSingleValue<Value: Encodable>(_ value: Value, in frame: FrameRef) throws {
        guard activate(frame), frames[frame.depth].kind == .slot else { throw unsupported() }
        if try writeDirect(value) {
            frames[frame.depth].kind = .value
            return
        }
        // Foundation encodes the value with the same encoder, so it may open a container here.
        try encodeItself(value, into: frame)
        guard isOpen(frame) else { throw unsupported() }
        if frames[frame.depth].kind == .slot {
            // Encoded nothing: Foundation stores an empty object as the value.
            bytes.append(contentsOf: [UInt8(ascii: "{"), UInt8(ascii: "}")])
            frames[frame.depth].kind = .value
        }
    }

    /// Lets `value` encode itself into a new slot at `position`, and finishes the slot.
    private func encodeInNewFrame<Value: Encodable>(_ value: Value, at position: Position) throws {
        let frame = push(.slot, at: position)
        try encodeItself(value, into: frame)
        guard activate(frame) else { throw unsupported() }
        closeInnermost()
    }

    /// Lets `value` encode itself into `frame`. A failure hands the whole document to
    /// Foundation: were the error caught further up, the output would hold part of this value.
    private func encodeItself<Value: Encodable>(_ value: Value, into frame: FrameRef) throws {
        do {
            try value.encode(to: ResponseValueEncoder(writer: self, frame: frame))
        } catch {
            needsFoundation = true
            throw error
        }
    }

    /// Writes the types Foundation's `JSONEncoder` treats specially (`Date`, `Data`, `URL`,
    /// `Decimal`), `UUID` and the plain scalars without asking them to encode themselves.
    /// False, having written nothing, for any other type.
    ///
    /// `Value.self == X.self` compares type metadata: much cheaper than the `as?` casts
    /// Foundation makes. Those casts also see through `Optional`; here `Optional<Date>`
    /// goes through `Optional.encode(to:)` and arrives back here as a `Date`, to the same end.
    func writeDirect<Value: Encodable>(_ value: Value) throws -> Bool {
        if Value.self == String.self {
            writeString(reinterpret(value, as: String.self))
        } else if Value.self == Int.self {
            writeInteger(reinterpret(value, as: Int.self))
        } else if Value.self == Bool.self {
            writeBool(reinterpret(value, as: Bool.self))
        } else if Value.self == UUID.self {
            writeUUID(reinterpret(value, as: UUID.self))
        } else if Value.self == Date.self {
            // The encoder's `.custom` date strategy.
            writeString(RFC3339.format(reinterpret(value, as: Date.self)))
        } else if Value.self == Double.self {
            try writeFloatingPoint(reinterpret(value, as: Double.self))
        } else if Value.self == Decimal.self {
            // Foundation writes `description` as the number, unquoted.
            bytes.append(contentsOf: reinterpret(value, as: Decimal.self).description.utf8)
        } else if Value.self == Data.self {
            // The default data strategy, `.base64`.
            writeString(reinterpret(value, as: Data.self).base64EncodedString())
        } else if Value.self == URL.self {
            writeString(reinterpret(value, as: URL.self).absoluteString)
        } else if Value.self == Int64.self {
            writeInteger(reinterpret(value, as: Int64.self))
        } else if Value.self == Int32.self {
            writeInteger(reinterpret(value, as: Int32.self))
        } else if Value.self == Float.self {
            try writeFloatingPoint(reinterpret(value, as: Float.self))
        } else {
            return false
        }
        return true
    }

    // MARK: Scalars

    /// Writes raw ASCII text such as `null`.
    func writeASCII(_ text: StaticString) {
        bytes.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    func writeBool(_ value: Bool) {
        if value {
            writeASCII("true")
        } else {
            writeASCII("false")
        }
    }

    /// Writes an integer in decimal: what Foundation writes, `description`.
    func writeInteger<Integer: FixedWidthInteger>(_ value: Integer) {
        guard Integer.bitWidth <= 64 else {
            bytes.append(contentsOf: value.description.utf8)
            return
        }
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        // `magnitude` also holds the magnitude of `Int.min`.
        var magnitude = UInt64(truncatingIfNeeded: value.magnitude)
        let start = bytes.count
        repeat {
            bytes.append(UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: magnitude % 10))
            magnitude /= 10
        } while magnitude != 0
        var low = start
        var high = bytes.count - 1
        while low < high {
            bytes.swapAt(low, high)
            low += 1
            high -= 1
        }
    }

    /// Writes a `Double` or `Float` as Foundation does: its `description` (the shortest
    /// digits that read back as the same value, e.g. `0.1`, `1e-07`, `1e+21`) without a
    /// trailing `.0`, so `1.0` is `1` and `-0.0` is `-0`. NaN and infinity make Foundation
    /// throw `EncodingError.invalidValue`; it is left to do so.
    func writeFloatingPoint<Number: BinaryFloatingPoint & CustomStringConvertible>(_ value: Number) throws {
        guard value.isFinite else { throw unsupported() }
        var text = value.description
        if text.hasSuffix(".0") { text.removeLast(2) }
        bytes.append(contentsOf: text.utf8)
    }

    /// Writes a JSON string as Foundation's `JSONWriter` does: `"` and `\` escaped with a
    /// backslash; of the control characters U+0000–U+001F, `\b \f \n \r \t` short and the
    /// rest as `\u00xx` with lower-case hex digits; `/` not escaped (`.withoutEscapingSlashes`);
    /// U+007F and everything beyond ASCII (U+2028 and U+2029 too) as raw UTF-8.
    /// - Returns: whether `string` is all ASCII.
    @discardableResult
    func writeString(_ string: String) -> Bool {
        bytes.append(UInt8(ascii: "\""))
        var string = string
        let isASCII = string.withUTF8 { utf8 -> Bool in
            var union: UInt8 = 0
            var mark = 0
            for index in 0..<utf8.count {
                let byte = utf8[index]
                union |= byte
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                if mark < index { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[mark..<index])) }
                writeEscape(byte)
                mark = index + 1
            }
            if mark < utf8.count { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[mark...])) }
            return union < 0x80
        }
        bytes.append(UInt8(ascii: "\""))
        return isASCII
    }

    private func writeEscape(_ byte: UInt8) {
        let short: UInt8
        switch byte {
        case UInt8(ascii: "\""): short = UInt8(ascii: "\"")
        case UInt8(ascii: "\\"): short = UInt8(ascii: "\\")
        case 0x08: short = UInt8(ascii: "b")
        case 0x0C: short = UInt8(ascii: "f")
        case 0x0A: short = UInt8(ascii: "n")
        case 0x0D: short = UInt8(ascii: "r")
        case 0x09: short = UInt8(ascii: "t")
        default:
            bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                                      Self.hexDigit(byte >> 4, letters: UInt8(ascii: "a")), Self.hexDigit(byte & 0x0F, letters: UInt8(ascii: "a"))])
            return
        }
        bytes.append(UInt8(ascii: "\\"))
        bytes.append(short)
    }

    /// Writes a UUID as the string Foundation's `UUID.encode(to:)` writes, `uuidString`:
    /// upper-case hex digits grouped 8-4-4-4-12. Made here from the 16 bytes, as
    /// `uuidString` goes through `snprintf` on Linux.
    func writeUUID(_ uuid: UUID) {
        bytes.append(UInt8(ascii: "\""))
        withUnsafeBytes(of: uuid.uuid) { raw in
            for index in 0..<raw.count {
                if index == 4 || index == 6 || index == 8 || index == 10 { bytes.append(UInt8(ascii: "-")) }
                bytes.append(Self.hexDigit(raw[index] >> 4, letters: UInt8(ascii: "A")))
                bytes.append(Self.hexDigit(raw[index] & 0x0F, letters: UInt8(ascii: "A")))
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// The ASCII hex digit for `nibble` (0–15), with letters from `letters` (`a` or `A`).
    private static func hexDigit(_ nibble: UInt8, letters: UInt8) -> UInt8 {
        nibble < 10 ? UInt8(ascii: "0") &+ nibble : letters &+ (nibble &- 10)
    }

    // MARK: Key order

    /// Writes the closing brace of `object`, first putting its members in key order if they
    /// are not: Foundation sorts an object's keys by their UTF-8 bytes
    /// (`key.utf8.lexicographicallyPrecedes`), and a key written twice keeps its first
    /// spelling and its last value (Foundation's `[String: …]`, whose `==` is Unicode
    /// canonical equivalence).
    private func finishObject(_ object: Frame) {
        let first = object.memberBase
        let count = members.count - first
        if count > 1, object.hasNonASCIIKey || !membersAreInOrder(from: first) {
            reorderMembers(of: object)
        }
        bytes.append(UInt8(ascii: "}"))
        members.removeLast(count)
    }

    /// Whether the members from `first` on have strictly increasing keys (so no key twice).
    private func membersAreInOrder(from first: Int) -> Bool {
        var index = first + 1
        while index < members.count {
            guard Self.precedes(members[index - 1].key, members[index].key) else { return false }
            index += 1
        }
        return true
    }

    private static func precedes(_ lhs: String, _ rhs: String) -> Bool {
        lhs.utf8.lexicographicallyPrecedes(rhs.utf8)
    }

    /// Rewrites the members of `object` in key order, one per key.
    private func reorderMembers(of object: Frame) {
        let contentStart = object.start + 1  // after `{`
        scratch.removeAll(keepingCapacity: true)
        scratch.append(contentsOf: bytes[contentStart...])
        bytes.removeLast(bytes.count - contentStart)

        for (position, choice) in chooseMembers(of: object).enumerated() {
            if position > 0 { bytes.append(UInt8(ascii: ",")) }
            let keyMember = members[choice.keyMember]
            let valueMember = members[choice.valueMember]
            // `"key":` of the first spelling, the value last written.
            bytes.append(contentsOf: scratch[(keyMember.start - contentStart)..<(keyMember.valueStart - contentStart)])
            bytes.append(contentsOf: scratch[(valueMember.valueStart - contentStart)..<(valueMember.end - contentStart)])
        }
    }

    /// The members to write, in key order: for each distinct key the member that spelled it
    /// first and the member that wrote it last.
    private func chooseMembers(of object: Frame) -> [(keyMember: Int, valueMember: Int)] {
        let range = object.memberBase..<members.count
        guard object.hasNonASCIIKey else {
            // All ASCII: equal keys are equal bytes. Sort by key, then by when written, and
            // keep the last member of each run of one key.
            let order = range.sorted { lhs, rhs in
                let (left, right) = (members[lhs].key, members[rhs].key)
                return left == right ? lhs < rhs : Self.precedes(left, right)
            }
            var chosen: [(keyMember: Int, valueMember: Int)] = []
            chosen.reserveCapacity(order.count)
            for (position, index) in order.enumerated() {
                if position + 1 < order.count, members[order[position + 1]].key == members[index].key { continue }
                chosen.append((index, index))
            }
            return chosen
        }
        // Non-ASCII keys may be canonically equivalent without being equal bytes ("é" and
        // "e\u{301}", "K" and the Kelvin sign): group them the way Foundation's dictionary does.
        var positions: [String: Int] = [:]
        var chosen: [(key: String, keyMember: Int, valueMember: Int)] = []
        for index in range {
            let key = members[index].key
            if let position = positions[key] {
                chosen[position].valueMember = index
            } else {
                positions[key] = chosen.count
                chosen.append((key, index, index))
            }
        }
        chosen.sort { Self.precedes($0.key, $1.key) }
        return chosen.map { ($0.keyMember, $0.valueMember) }
    }
}

/// `value` as `Target`, which the caller has checked is exactly its type.
@inline(__always)
private func reinterpret<Value, Target>(_ value: Value, as target: Target.Type) -> Target {
    unsafeBitCast(value, to: Target.self)
}

// MARK: - Frames

extension ResponseJSONWriter {
    /// One open place for a value.
    struct Frame {
        enum Kind: Equatable {
            /// Nothing encoded yet.
            case slot
            /// A single value, already written.
            case value
            case object
            case array
        }

        var kind: Kind
        let id: Int
        /// Where the value begins in the output (`{` or `[` for a container).
        let start: Int
        let position: Position
        /// Members or elements begun so far.
        var count = 0
        /// For an object: the index of its first member in the writer's `members`.
        var memberBase: Int
        /// For an object: whether a key has a byte beyond ASCII.
        var hasNonASCIIKey = false
    }

    /// Where a frame's value sits in the frame around it.
    enum Position {
        case root
        /// A member of an object; its `"key":` begins at `start`.
        case member(key: String, intValue: Int?, start: Int)
        case element(index: Int)

        /// The key Foundation puts in the coding path for this position.
        var codingKey: (any CodingKey)? {
            switch self {
            case .root: nil
            case .member(let key, let intValue, _): ResponseCodingKey(stringValue: key, intValue: intValue)
            case .element(let index): ResponseCodingKey(stringValue: "Index \(index)", intValue: index)
            }
        }
    }

    /// Names an open frame; the identity tells a finished frame from a later one at the same depth.
    struct FrameRef {
        let depth: Int
        let id: Int

        /// A frame that is never open: every write to it hands the value to Foundation.
        static let finished = FrameRef(depth: -1, id: -1)
    }

    /// A member of an object being written: its key and where `"key":` and the value are.
    struct Member {
        let key: String
        let start: Int
        let valueStart: Int
        let end: Int
    }

    /// A member whose `"key":` is written and whose value is being written.
    struct PendingMember {
        let key: String
        let start: Int
        let valueStart: Int
    }
}

/// A key in a rebuilt coding path.
struct ResponseCodingKey: CodingKey {
    var stringValue: String
    var intValue: Int?

    init(stringValue: String, intValue: Int?) {
        self.stringValue = stringValue
        self.intValue = intValue
    }

    init(stringValue: String) {
        self.init(stringValue: stringValue, intValue: nil)
    }

    init(intValue: Int) {
        self.init(stringValue: String(intValue), intValue: intValue)
    }
}

// MARK: - Encoder and containers

/// The `Encoder` a value encodes itself with: its slot in the writer.
struct ResponseValueEncoder: Encoder {
    let writer: ResponseJSONWriter
    let frame: ResponseJSONWriter.FrameRef

    var codingPath: [any CodingKey] { writer.codingPath(to: frame) }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        KeyedEncodingContainer(ResponseKeyedContainer<Key>(writer: writer, frame: writer.openContainer(.object, in: frame)))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        ResponseUnkeyedContainer(writer: writer, frame: writer.openContainer(.array, in: frame))
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        ResponseSingleValueContainer(writer: writer, frame: frame)
    }
}

/// Writes the members of one object.
struct ResponseKeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let writer: ResponseJSONWriter
    let frame: ResponseJSONWriter.FrameRef

    var codingPath: [any CodingKey] { writer.codingPath(to: frame) }

    /// Writes `"key":` and then the value `write` writes.
    private func member(_ key: Key, _ write: (ResponseJSONWriter) throws -> Void) throws {
        let member = try writer.beginMember(key.stringValue, in: frame)
        try write(writer)
        writer.endMember(member)
    }

    mutating func encodeNil(forKey key: Key) throws { try member(key) { $0.writeASCII("null") } }
    mutating func encode(_ value: Bool, forKey key: Key) throws { try member(key) { $0.writeBool(value) } }
    mutating func encode(_ value: String, forKey key: Key) throws { try member(key) { $0.writeString(value) } }
    mutating func encode(_ value: Double, forKey key: Key) throws { try member(key) { try $0.writeFloatingPoint(value) } }
    mutating func encode(_ value: Float, forKey key: Key) throws { try member(key) { try $0.writeFloatingPoint(value) } }
    mutating func encode(_ value: Int, forKey key: Key) throws { try member(key) { $0.writeInteger(value) } }
    mutating func encode(_ value: Int8, forKey key: Key) throws { try member(key) { $0.writeInteger(value) } }
    mutating func encode(_ value: Int16, forKey key: Key) throws { try member(key) { $0.writeInteger(value) } }
    mutating func encode(_ value: Int32, forKey key: Key) throws { try member(key) { $0.writeInteger(value) } }
    mutating func encode(_ value: Int64, forKey key: Key) throws { try member(key) { $0.writeInteger(value) } }
    @available(macOS 15.0, iOS 18.0, watchOS 11.0, tvOS 18.0, visionOS 2.0, *)
    mutating func encode(_ value: Int128, forKey key: Key) throws { try member(key) { $0.writeInteger(value) } }
    mutating func encode(_ value: UInt, forKey key: Key) throws { try member(key) { $0.writeInteger(value) } }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { try member(key) { $0.writeInteger(value) } }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { try member(key) { $0.writeInteger(value) } }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { try member(key) { $0.writeInteger(value) } }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { try member(key) { $0.writeInteger(value) } }
    @available(macOS 15.0, iOS 18.0, watchOS 11.0, tvOS 18.0, visionOS 2.0, *)
    mutating func encode(_ value: UInt128, forKey key: Key) throws { try member(key) { $0.writeInteger(value) } }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        try writer.encode(value, key: key.stringValue, intValue: key.intValue, in: frame)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        let nested = writer.openMember(.object, key: key.stringValue, intValue: key.intValue, in: frame)
        return KeyedEncodingContainer(ResponseKeyedContainer<NestedKey>(writer: writer, frame: nested))
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        ResponseUnkeyedContainer(writer: writer, frame: writer.openMember(.array, key: key.stringValue, intValue: key.intValue, in: frame))
    }

    /// Foundation writes what the super encoder encodes (`{}` if nothing) under `super`.
    mutating func superEncoder() -> any Encoder {
        ResponseValueEncoder(writer: writer, frame: writer.openMember(.slot, key: "super", intValue: nil, in: frame))
    }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        ResponseValueEncoder(writer: writer, frame: writer.openMember(.slot, key: key.stringValue, intValue: key.intValue, in: frame))
    }
}

/// Writes the elements of one array.
struct ResponseUnkeyedContainer: UnkeyedEncodingContainer {
    let writer: ResponseJSONWriter
    let frame: ResponseJSONWriter.FrameRef

    var codingPath: [any CodingKey] { writer.codingPath(to: frame) }
    var count: Int { writer.count(of: frame) }

    /// Writes `,` if needed and then the value `write` writes.
    private func element(_ write: (ResponseJSONWriter) throws -> Void) throws {
        _ = try writer.beginElement(in: frame)
        try write(writer)
    }

    mutating func encodeNil() throws { try element { $0.writeASCII("null") } }
    mutating func encode(_ value: Bool) throws { try element { $0.writeBool(value) } }
    mutating func encode(_ value: String) throws { try element { $0.writeString(value) } }
    mutating func encode(_ value: Double) throws { try element { try $0.writeFloatingPoint(value) } }
    mutating func encode(_ value: Float) throws { try element { try $0.writeFloatingPoint(value) } }
    mutating func encode(_ value: Int) throws { try element { $0.writeInteger(value) } }
    mutating func encode(_ value: Int8) throws { try element { $0.writeInteger(value) } }
    mutating func encode(_ value: Int16) throws { try element { $0.writeInteger(value) } }
    mutating func encode(_ value: Int32) throws { try element { $0.writeInteger(value) } }
    mutating func encode(_ value: Int64) throws { try element { $0.writeInteger(value) } }
    @available(macOS 15.0, iOS 18.0, watchOS 11.0, tvOS 18.0, visionOS 2.0, *)
    mutating func encode(_ value: Int128) throws { try element { $0.writeInteger(value) } }
    mutating func encode(_ value: UInt) throws { try element { $0.writeInteger(value) } }
    mutating func encode(_ value: UInt8) throws { try element { $0.writeInteger(value) } }
    mutating func encode(_ value: UInt16) throws { try element { $0.writeInteger(value) } }
    mutating func encode(_ value: UInt32) throws { try element { $0.writeInteger(value) } }
    mutating func encode(_ value: UInt64) throws { try element { $0.writeInteger(value) } }
    @available(macOS 15.0, iOS 18.0, watchOS 11.0, tvOS 18.0, visionOS 2.0, *)
    mutating func encode(_ value: UInt128) throws { try element { $0.writeInteger(value) } }

    mutating func encode<T: Encodable>(_ value: T) throws {
        try writer.encode(value, in: frame)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        KeyedEncodingContainer(ResponseKeyedContainer<NestedKey>(writer: writer, frame: writer.openElement(.object, in: frame)))
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        ResponseUnkeyedContainer(writer: writer, frame: writer.openElement(.array, in: frame))
    }

    /// Foundation inserts what the super encoder encodes (`{}` if nothing) where the next
    /// element would go.
    mutating func superEncoder() -> any Encoder {
        ResponseValueEncoder(writer: writer, frame: writer.openElement(.slot, in: frame))
    }
}

/// Writes the single value of a slot.
struct ResponseSingleValueContainer: SingleValueEncodingContainer {
    let writer: ResponseJSONWriter
    let frame: ResponseJSONWriter.FrameRef

    var codingPath: [any CodingKey] { writer.codingPath(to: frame) }

    /// Claims the slot (Foundation allows one value) and writes what `write` writes.
    private func value(_ write: (ResponseJSONWriter) throws -> Void) throws {
        try writer.beginSingleValue(in: frame)
        try write(writer)
    }

    mutating func encodeNil() throws { try value { $0.writeASCII("null") } }
    mutating func encode(_ value: Bool) throws { try self.value { $0.writeBool(value) } }
    mutating func encode(_ value: String) throws { try self.value { $0.writeString(value) } }
    mutating func encode(_ value: Double) throws { try self.value { try $0.writeFloatingPoint(value) } }
    mutating func encode(_ value: Float) throws { try self.value { try $0.writeFloatingPoint(value) } }
    mutating func encode(_ value: Int) throws { try self.value { $0.writeInteger(value) } }
    mutating func encode(_ value: Int8) throws { try self.value { $0.writeInteger(value) } }
    mutating func encode(_ value: Int16) throws { try self.value { $0.writeInteger(value) } }
    mutating func encode(_ value: Int32) throws { try self.value { $0.writeInteger(value) } }
    mutating func encode(_ value: Int64) throws { try self.value { $0.writeInteger(value) } }
    @available(macOS 15.0, iOS 18.0, watchOS 11.0, tvOS 18.0, visionOS 2.0, *)
    mutating func encode(_ value: Int128) throws { try self.value { $0.writeInteger(value) } }
    mutating func encode(_ value: UInt) throws { try self.value { $0.writeInteger(value) } }
    mutating func encode(_ value: UInt8) throws { try self.value { $0.writeInteger(value) } }
    mutating func encode(_ value: UInt16) throws { try self.value { $0.writeInteger(value) } }
    mutating func encode(_ value: UInt32) throws { try self.value { $0.writeInteger(value) } }
    mutating func encode(_ value: UInt64) throws { try self.value { $0.writeInteger(value) } }
    @available(macOS 15.0, iOS 18.0, watchOS 11.0, tvOS 18.0, visionOS 2.0, *)
    mutating func encode(_ value: UInt128) throws { try self.value { $0.writeInteger(value) } }

    mutating func encode<T: Encodable>(_ value: T) throws {
        try writer.encodeSingleValue(value, in: frame)
    }
}
