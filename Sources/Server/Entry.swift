import ArgumentParser
import NIOCore
import NIOPosix

/// Starts `platform-server`, making Swift concurrency's global executor the HTTP server's
/// event loops first, before any task runs: a request's handler then runs on the thread that
/// read the request, instead of hopping to the cooperative pool and back
/// (`EventLoopGlobalExecutor`).
@main
enum Entry {
    static func main() async {
        _ = EventLoopGlobalExecutor.installed
        do {
            var command = try PlatformServer.parseAsRoot()
            if let server = command as? PlatformServer {
                try await server.run()
            } else {
                try command.run()
            }
        } catch {
            PlatformServer.exit(withError: error)
        }
    }
}
