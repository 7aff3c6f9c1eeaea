import Foundation
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore

/// Notices a client that goes away while its request is being handled, and cancels the
/// request's task: the database pool then cancels the running statement on the server
/// (`PQcancel`) instead of letting it run for nobody.
///
/// The server allows half-closed connections, so a client that closes its socket shows only
/// as the end of its input; a watcher at the front of each connection's pipeline sees that
/// before the HTTP decoder does. A client that half-closes its side while it still waits for
/// the answer is treated as gone too: its request is cancelled and nothing it asked for is
/// acknowledged.
final class ClientDisconnectWatcher: @unchecked Sendable {
    private let lock = NSLock()
    private var gone = false
    private var tasks: [Int: CancelHandle] = [:]
    private var nextToken = 0

    /// Cancels `task` when the client goes away, until `unregister` (or at once if it has gone).
    func register(_ task: CancelHandle) -> Int {
        lock.lock()
        defer { lock.unlock() }
        if gone { task.cancel() }
        nextToken += 1
        tasks[nextToken] = task
        return nextToken
    }

    func unregister(_ token: Int) {
        lock.lock()
        defer { lock.unlock() }
        tasks[token] = nil
    }

    /// The client went away: every registered request is cancelled (under the lock, so no
    /// task is cancelled after it unregistered, which it does before it ends).
    func clientWentAway() {
        lock.lock()
        defer { lock.unlock() }
        guard !gone else { return }
        gone = true
        for task in tasks.values { task.cancel() }
    }

    // MARK: The watchers of open connections

    private static let registryLock = NSLock()
    nonisolated(unsafe) private static var registry: [ObjectIdentifier: ClientDisconnectWatcher] = [:]

    /// The watcher of `channel`, if the server put one on it.
    static func of(_ channel: any Channel) -> ClientDisconnectWatcher? {
        registryLock.lock()
        defer { registryLock.unlock() }
        return registry[ObjectIdentifier(channel)]
    }

    fileprivate static func add(_ watcher: ClientDisconnectWatcher, for channel: ObjectIdentifier) {
        registryLock.lock()
        defer { registryLock.unlock() }
        registry[channel] = watcher
    }

    fileprivate static func remove(_ channel: ObjectIdentifier) {
        registryLock.lock()
        defer { registryLock.unlock() }
        registry[channel] = nil
    }
}

/// A request task to cancel from another thread. Valid only while registered: the request
/// unregisters before its task ends, and cancelling happens under the watcher's lock.
struct CancelHandle: @unchecked Sendable {
    let task: UnsafeCurrentTask
    func cancel() { task.cancel() }
}

/// Sits first in a connection's pipeline and tells the connection's watcher when the client's
/// input ends or the connection closes.
final class ClientDisconnectHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    private let watcher = ClientDisconnectWatcher()
    private var channel: ObjectIdentifier?

    func handlerAdded(context: ChannelHandlerContext) {
        let id = ObjectIdentifier(context.channel)
        channel = id
        ClientDisconnectWatcher.add(watcher, for: id)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        if let channel { ClientDisconnectWatcher.remove(channel) }
        channel = nil
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case ChannelEvent.inputClosed = event { watcher.clientWentAway() }
        context.fireUserInboundEventTriggered(event)
    }

    func channelInactive(context: ChannelHandlerContext) {
        watcher.clientWentAway()
        if let channel { ClientDisconnectWatcher.remove(channel) }
        channel = nil
        context.fireChannelInactive()
    }
}

/// HTTP/1 with the disconnect watcher in front.
struct WatchedHTTP1Channel: ServerChildChannel {
    typealias Value = HTTP1Channel.Value
    let inner: HTTP1Channel

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        do {
            try channel.pipeline.syncOperations.addHandler(ClientDisconnectHandler(), position: .first)
        } catch {
            return channel.eventLoop.makeFailedFuture(error)
        }
        return inner.setup(channel: channel, logger: logger)
    }

    func handle(value: Value, logger: Logger) async {
        await inner.handle(value: value, logger: logger)
    }
}

extension HTTPServerBuilder {
    /// HTTP/1 whose requests are cancelled when their client goes away.
    static var watchedHTTP1: HTTPServerBuilder {
        .init { responder in WatchedHTTP1Channel(inner: HTTP1Channel(responder: responder)) }
    }
}

/// Cancels the request's task when its client goes away (see `ClientDisconnectWatcher`).
struct ClientDisconnectMiddleware: RouterMiddleware {
    func handle(_ request: Request, context: PlatformRequestContext, next: (Request, PlatformRequestContext) async throws -> Response) async throws -> Response {
        guard let watcher = context.disconnect else { return try await next(request, context) }
        let token = withUnsafeCurrentTask { task in task.map { watcher.register(CancelHandle(task: $0)) } }
        defer { token.map(watcher.unregister) }
        return try await next(request, context)
    }
}
