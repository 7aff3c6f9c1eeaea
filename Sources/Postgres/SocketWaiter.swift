import CPostgres
import Foundation
import NIOCore
import NIOPosix

/// Parks a task until a libpq socket is ready, then wakes it on the event loop it came from.
///
/// Connections run libpq in non-blocking mode on the caller's own thread: a request sends its
/// statements from the event loop that serves its HTTP connection and suspends here until the
/// answer arrives. One thread per process waits in `epoll_wait` for every connection's socket
/// and hands each ready socket's task back to its event loop, so the request continues on the
/// thread it started on. Nothing blocks an event loop or the cooperative pool.
///
/// Off Linux (development machines), the wait is a blocking `poll` on NIO's thread pool:
/// correct, slower.
final class SocketWaiter: @unchecked Sendable {
    enum Readiness {
        case readable
        /// Sending is stuck on a full socket buffer: readable (input to consume first) or writable.
        case readableOrWritable
    }

    static let shared = SocketWaiter()

    private struct Parked {
        let continuation: CheckedContinuation<Void, Never>
        let loop: (any EventLoop)?
    }

    /// Guards `parked` and `singletonLoops`.
    private let lock = NSLock()
    private var parked: [Int32: Parked] = [:]
    /// The loops of NIO's singleton group, which never shut down: only a task that came from
    /// one of them is handed back to its loop.
    private var singletonLoops: Set<ObjectIdentifier>?
    #if os(Linux)
    private let epoll: Int32
    #endif

    private init() {
        #if os(Linux)
        epoll = epoll_create1(Int32(EPOLL_CLOEXEC))
        precondition(epoll >= 0, "epoll_create1 failed: \(errno)")
        // The process-wide waiter lives as long as the process.
        Thread { [unowned self] in
            Thread.current.name = "pg-sockets"
            self.run()
        }.start()
        #endif
    }

    /// Returns once `descriptor` is ready (or in error: libpq then reports what happened).
    /// One task at a time may wait on a descriptor; a pooled connection has one borrower.
    func wait(for descriptor: Int32, _ readiness: Readiness) async {
        await wait(for: descriptor, readiness, wakeIfCancelled: false)
    }

    /// `wakeIfCancelled`: a task cancelled before it parked is woken at once (its cancellation
    /// handler ran before there was anything to wake).
    private func wait(for descriptor: Int32, _ readiness: Readiness, wakeIfCancelled: Bool) async {
        // No socket (the connection is gone): nothing to wait for, libpq says what happened.
        guard descriptor >= 0 else { return }
        let loop = returnLoop()
        #if os(Linux)
        await withCheckedContinuation { continuation in
            // One waiter per descriptor; should another be parked on it, it is woken rather
            // than forgotten (it checks libpq again and parks anew if it must).
            let earlier = lock.withLock { parked.updateValue(Parked(continuation: continuation, loop: loop), forKey: descriptor) }
            earlier?.continuation.resume()
            let events = readiness == .readable ? CPG_EPOLLIN : CPG_EPOLLIN | CPG_EPOLLOUT
            if cpg_epoll_arm(epoll, descriptor, events) != 0 {
                // Not a descriptor epoll can watch (closed under us): let libpq say so.
                wake(descriptor)
            } else if wakeIfCancelled, Task.isCancelled {
                wake(descriptor)
            }
        }
        #else
        let events = Int16(readiness == .readable ? POLLIN : POLLIN | POLLOUT)
        _ = try? await NIOThreadPool.singleton.runIfActive {
            var entry = pollfd(fd: descriptor, events: events, revents: 0)
            while poll(&entry, 1, -1) < 0, errno == EINTR {}
        }
        #endif
    }

    /// Like `wait(for:_:)`, but returns early when the calling task is cancelled, for waits
    /// that may last indefinitely (a connection listening for notifications).
    func waitUnlessCancelled(for descriptor: Int32) async {
        #if os(Linux)
        await withTaskCancellationHandler {
            await wait(for: descriptor, .readable, wakeIfCancelled: true)
        } onCancel: {
            wake(descriptor)
        }
        #else
        // A blocking poll cannot be interrupted: wait in short slices, looking at a flag the
        // cancellation handler sets (the pool's thread runs no task to ask).
        let cancelled = CancelFlag()
        await withTaskCancellationHandler {
            _ = try? await NIOThreadPool.singleton.runIfActive {
                var entry = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
                while poll(&entry, 1, 200) <= 0, !cancelled.isSet {}
            }
        } onCancel: {
            cancelled.set()
        }
        #endif
    }

    /// The event loop to continue on: the caller's, when it is one of the singleton group's.
    private func returnLoop() -> (any EventLoop)? {
        guard let current = MultiThreadedEventLoopGroup.currentEventLoop else { return nil }
        let known = lock.withLock { singletonLoops }
        let loops = known ?? Set(MultiThreadedEventLoopGroup.singleton.makeIterator().map { ObjectIdentifier($0) })
        if known == nil { lock.withLock { singletonLoops = loops } }
        return loops.contains(ObjectIdentifier(current)) ? current : nil
    }

    #if os(Linux)
    private func run() {
        var descriptors = [Int32](repeating: 0, count: 64)
        while true {
            let count = cpg_epoll_wait(epoll, &descriptors, Int32(descriptors.count), -1)
            guard count > 0 else { continue }  // EINTR
            for index in 0..<Int(count) { wake(descriptors[index]) }
        }
    }

    private func wake(_ descriptor: Int32) {
        guard let waiter = lock.withLock({ parked.removeValue(forKey: descriptor) }) else { return }
        if let loop = waiter.loop {
            loop.execute { waiter.continuation.resume() }
        } else {
            waiter.continuation.resume()
        }
    }
    #endif
}

#if !os(Linux)
/// Set once by a cancellation handler, read by a pool thread.
/// `@unchecked Sendable`: the value is only touched under the lock.
private final class CancelFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false

    var isSet: Bool { lock.withLock { value } }
    func set() { lock.withLock { value = true } }
}
#endif
