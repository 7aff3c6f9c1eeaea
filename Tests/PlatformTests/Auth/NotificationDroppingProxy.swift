import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A PostgreSQL endpoint on a Unix socket of its own that passes everything through to the
/// real server, except that, while `dropsNotifications` is set, it drops the server's
/// notification messages ('A'): what a connection behind a transaction-mode pooler sees,
/// where `LISTEN` succeeds and nothing ever arrives.
///
/// libpq uses neither SSL nor GSS encryption on a Unix socket, so from its first byte the
/// server's side is a stream of messages (a type byte, then a 4-byte length that counts itself).
final class NotificationDroppingProxy: @unchecked Sendable {
    /// `host=` for libpq: the folder holding the proxy's socket (same port as the server's).
    let directory: URL
    private let listener: Int32
    /// The server's socket, connected to for every client.
    private let upstream: sockaddr_un
    private let state = Mutex(State())

    private struct State {
        var stopped = false
        var dropsNotifications = true
        var accepted = 0
        var dropped = 0
        var open: [Int32] = []
    }

    var dropsNotifications: Bool {
        get { state.withLock { $0.dropsNotifications } }
        set { state.withLock { $0.dropsNotifications = newValue } }
    }
    /// Connections accepted so far.
    var accepted: Int { state.withLock { $0.accepted } }
    /// Notification messages dropped so far.
    var dropped: Int { state.withLock { $0.dropped } }

    /// Proxies the server whose socket is in `serverDirectory` on `port`.
    init(serverDirectory: String, port: Int) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("pgproxy-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        // A peer that goes away must not kill the test process with SIGPIPE (writes use
        // MSG_NOSIGNAL too, for good measure).
        signal(SIGPIPE, SIG_IGN)
        listener = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        do {
            guard listener >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
            upstream = try Self.address("\(serverDirectory)/.s.PGSQL.\(port)")
            let bound = Self.with(try Self.address(directory.appendingPathComponent(".s.PGSQL.\(port)").path)) { bind(listener, $0, $1) }
            guard bound == 0, listen(listener, 16) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        } catch {
            if listener >= 0 { close(listener) }
            try? FileManager.default.removeItem(at: directory)
            throw error
        }
        Thread { [self] in acceptLoop() }.start()
    }

    /// Stops accepting (Linux wakes a blocked `accept` on `shutdown`) and ends every
    /// connection through the proxy.
    func stop() {
        state.withLock { state in
            state.stopped = true
            shutdown(listener, Int32(SHUT_RDWR))
            for descriptor in state.open { shutdown(descriptor, Int32(SHUT_RDWR)) }
        }
        try? FileManager.default.removeItem(at: directory)
    }

    private static func address(_ path: String) throws -> sockaddr_un {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else { throw POSIXError(.ENAMETOOLONG) }
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            buffer.copyBytes(from: bytes)
            buffer[bytes.count] = 0
        }
        return address
    }

    /// Calls `body` (`bind` or `connect`) with `address` as the socket calls take it.
    private static func with(_ address: sockaddr_un, _ body: (UnsafePointer<sockaddr>, socklen_t) -> Int32) -> Int32 {
        withUnsafePointer(to: address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<sockaddr_un>.size)) } }
    }

    private func acceptLoop() {
        while true {
            let client = accept(listener, nil, nil)
            if client < 0, errno == EINTR { continue }
            guard client >= 0 else {
                close(listener)
                return
            }
            let server = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
            let connected = Self.with(upstream) { connect(server, $0, $1) }
            // Registered under the lock that `stop` takes, so a connection accepted as the
            // proxy stops is ended, not left open.
            let proxied = state.withLock { state in
                guard connected == 0, !state.stopped else { return false }
                state.accepted += 1
                state.open += [client, server]
                return true
            }
            guard proxied else {
                close(client)
                if server >= 0 { close(server) }
                continue
            }
            // The second direction to finish closes both sockets, under the lock, so that
            // `stop` never shuts down a number the system has since given to another socket.
            let finished = Finished()
            let done: @Sendable () -> Void = { [self] in
                guard finished.count.add(1, ordering: .acquiringAndReleasing).newValue == 2 else { return }
                state.withLock { state in
                    state.open.removeAll { $0 == client || $0 == server }
                    close(client)
                    close(server)
                }
            }
            Thread { [self] in copy(from: client, to: server, filtering: false); done() }.start()
            Thread { [self] in copy(from: server, to: client, filtering: true); done() }.start()
        }
    }

    /// Copies until either side closes; `filtering` reads the server's messages one by one.
    private func copy(from source: Int32, to destination: Int32, filtering: Bool) {
        defer {
            shutdown(source, Int32(SHUT_RDWR))
            shutdown(destination, Int32(SHUT_RDWR))
        }
        var pending: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16_384)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(source, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { return }
            pending += chunk[0..<count]
            var passed: [UInt8] = []
            if filtering {
                // Whole messages only; a partial one waits for the rest.
                var start = 0
                while pending.count - start >= 5 {
                    let length = pending[(start + 1)..<(start + 5)].reduce(0) { $0 << 8 | Int($1) }
                    guard pending.count - start >= 1 + length else { break }
                    let isNotification = pending[start] == UInt8(ascii: "A")
                    if isNotification, state.withLock({ state in
                        if state.dropsNotifications { state.dropped += 1 }
                        return state.dropsNotifications
                    }) {
                        // Dropped.
                    } else {
                        passed += pending[start..<(start + 1 + length)]
                    }
                    start += 1 + length
                }
                pending.removeFirst(start)
            } else {
                passed = pending
                pending.removeAll()
            }
            var offset = 0
            while offset < passed.count {
                let written = passed[offset...].withUnsafeBytes { send(destination, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                if written < 0, errno == EINTR { continue }
                guard written > 0 else { return }
                offset += written
            }
        }
    }
}

private final class Finished: Sendable {
    let count = Atomic(0)
}
