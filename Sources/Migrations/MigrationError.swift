/// Why migrating stopped, with a stable code the CLI turns into an exit status.
public struct MigrationError: Error, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        /// Applied history and files disagree (edited, missing or out-of-order files).
        public static let drift = Code(rawValue: "migration.drift")
        /// Another deployer holds the migration lock.
        public static let locked = Code(rawValue: "migration.locked")
        /// A file failed; its changes were rolled back (transactional files).
        public static let failed = Code(rawValue: "migration.failed")
        /// A file is malformed (bad name, duplicate version).
        public static let invalidFile = Code(rawValue: "migration.invalid_file")
        public var description: String { rawValue }
    }

    public var code: Code
    public var message: String
    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }
    public var description: String { message }
}
