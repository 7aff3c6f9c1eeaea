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
    private let upstream: String
    private let state = Mutex(State())

    private struct State {
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
        upstream = "\(serverDirectory)/.s.PGSQL.\(port)"
        listener = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = Self.address(directory.appendingPathComponent(".s.PGSQL.\(port)").path)
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) } }
        guard listener >= 0, bound == 0, listen(listener, 16) == 0 else { throw POSIXError(.EADDRINUSE) }
        Thread { [self] in acceptLoop() }.start()
    }

    /// Closes the listening socket and every connection through it.
    func stop() {
        shutdown(listener, Int32(SHUT_RDWR))
        for descriptor in state.withLock({ $0.open }) { shutdown(descriptor, Int32(SHUT_RDWR)) }
        try? FileManager.default.removeItem(at: directory)
    }

    private static func address(_ path: String) -> sockaddr_un {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            let bytes = Array(path.utf8.prefix(buffer.count - 1))
            buffer.copyBytes(from: bytes)
            buffer[bytes.count] = 0
        }
        return address
    }

    private func acceptLoop() {
        while true {
            let client = accept(listener, nil, nil)
            guard client >= 0 else {
                close(listener)
                return
            }
            let server = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
            var address = Self.address(upstream)
            let connected = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(server, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) } }
            guard connected == 0 else {
                close(client)
                close(server)
                continue
            }
            state.withLock {
                $0.accepted += 1
                $0.open += [client, server]
            }
            // The second direction to finish closes both sockets.
            let finished = Finished()
            let done: @Sendable () -> Void = { [self] in
                guard finished.count.add(1, ordering: .relaxed).newValue == 2 else { return }
                state.withLock { $0.open.removeAll { $0 == client || $0 == server } }
                close(client)
                close(server)
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
                let written = passed[offset...].withUnsafeBytes { write(destination, $0.baseAddress, $0.count) }
                guard written > 0 else { return }
                offset += written
            }
        }
    }
}

private final class Finished: Sendable {
    let count = Atomic(0)
}
