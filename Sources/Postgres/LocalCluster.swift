import Foundation

/// A private PostgreSQL cluster in a folder, run from the installed server binaries and
/// reached over a Unix socket in that folder: `platform-admin dev up` and the test bootstrap.
///
/// `initdb` and `pg_ctl` refuse to run as root, so as root every command runs as the
/// `postgres` user (`runuser`), on folders handed to that user.
public struct LocalCluster: Sendable {
    /// The folder holding everything: `pg/` (data), `run/` (socket), `postgres.log`.
    public var root: URL
    public var port: Int

    public init(root: URL, port: Int = 54329) {
        self.root = root.standardizedFileURL
        self.port = port
    }

    public var dataDirectory: URL { root.appendingPathComponent("pg") }
    public var socketDirectory: URL { root.appendingPathComponent("run") }
    public var logFile: URL { root.appendingPathComponent("postgres.log") }

    /// A libpq URL for `database` as `user` over this cluster's socket.
    public func url(database: String, user: String) -> String {
        "postgresql:///\(database)?host=\(socketDirectory.path)&port=\(port)&user=\(user)"
    }

    /// The superuser URL (`postgres` database, `postgres` role).
    public var superuserURL: String { url(database: "postgres", user: "postgres") }

    public var isInitialized: Bool {
        FileManager.default.fileExists(atPath: dataDirectory.appendingPathComponent("PG_VERSION").path)
    }

    public var isRunning: Bool {
        (try? run(tool: "pg_ctl", ["-D", dataDirectory.path, "status"], allowFailure: true)) == 0
    }

    /// Creates the cluster if it does not exist: UTF-8, trust on the socket only, no TCP.
    public func initialize() throws {
        try makeFolder(root)
        try makeFolder(socketDirectory)
        guard !isInitialized else { return }
        try makeFolder(dataDirectory, mode: 0o700)
        try run(tool: "initdb", ["-D", dataDirectory.path, "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--locale=C", "--no-sync"])
        let settings = """

            # written by LocalCluster
            listen_addresses = ''
            port = \(port)
            unix_socket_directories = '\(socketDirectory.path)'
            # the whole test suite runs at once: each server it starts holds a pool of 8 and
            # a listener, and 200 ran out on two cores
            max_connections = 400
            shared_buffers = 256MB
            fsync = on
            synchronous_commit = on
            log_min_messages = warning
            timezone = 'UTC'
            """
        let handle = try FileHandle(forWritingTo: dataDirectory.appendingPathComponent("postgresql.conf"))
        handle.seekToEndOfFile()
        handle.write(Data(settings.utf8))
        try handle.close()
    }

    public func start() throws {
        guard !isRunning else { return }
        try touch(logFile)
        try run(tool: "pg_ctl", ["-D", dataDirectory.path, "-l", logFile.path, "-w", "-t", "60", "start"])
    }

    public func stop() throws {
        guard isInitialized, isRunning else { return }
        try run(tool: "pg_ctl", ["-D", dataDirectory.path, "-m", "fast", "-w", "stop"])
    }

    /// `pg_ctl restart -m fast`: every connection is dropped, the data is kept.
    public func restart() throws {
        try run(tool: "pg_ctl", ["-D", dataDirectory.path, "-l", logFile.path, "-m", "fast", "-w", "-t", "60", "restart"])
    }

    /// Stops the cluster and deletes its folder.
    public func destroy() throws {
        try? stop()
        if FileManager.default.fileExists(atPath: root.path) { try FileManager.default.removeItem(at: root) }
    }

    // MARK: Running the server's tools

    /// The newest installed server's `bin` folder (Debian keeps them off PATH).
    public static func binDirectory() -> URL? {
        let base = "/usr/lib/postgresql"
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: base)) ?? []).compactMap(Int.init).sorted()
        if let newest = versions.last { return URL(fileURLWithPath: "\(base)/\(newest)/bin") }
        for folder in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":")
        where FileManager.default.isExecutableFile(atPath: "\(folder)/pg_ctl") {
            return URL(fileURLWithPath: String(folder))
        }
        return nil
    }

    static var isRoot: Bool { getuid() == 0 }

    @discardableResult
    func run(tool: String, _ arguments: [String], allowFailure: Bool = false) throws -> Int32 {
        guard let bin = LocalCluster.binDirectory() else {
            throw LocalClusterError(message: "PostgreSQL server binaries not found; install the postgresql package")
        }
        let executable = bin.appendingPathComponent(tool).path
        let command = LocalCluster.isRoot ? ["/usr/sbin/runuser", "-u", "postgres", "--", executable] + arguments : [executable] + arguments
        let (status, output) = try Subprocess.run(command)
        if status != 0 && !allowFailure {
            throw LocalClusterError(message: "\(tool) \(arguments.joined(separator: " ")) failed (\(status)):\n\(output)")
        }
        return status
    }

    private func makeFolder(_ url: URL, mode: Int = 0o755) throws {
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        var attributes: [FileAttributeKey: Any] = [.posixPermissions: mode]
        if LocalCluster.isRoot {
            attributes[.ownerAccountName] = "postgres"
            attributes[.groupOwnerAccountName] = "postgres"
        }
        try FileManager.default.setAttributes(attributes, ofItemAtPath: url.path)
    }

    private func touch(_ url: URL) throws {
        if !FileManager.default.fileExists(atPath: url.path) {
            _ = FileManager.default.createFile(atPath: url.path, contents: nil)
        }
        if LocalCluster.isRoot {
            try FileManager.default.setAttributes([.ownerAccountName: "postgres", .groupOwnerAccountName: "postgres"], ofItemAtPath: url.path)
        }
    }
}

public struct LocalClusterError: Error, CustomStringConvertible, Sendable {
    public var message: String
    public var description: String { message }
}
