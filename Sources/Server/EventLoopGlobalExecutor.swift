import CExecutorHook
import NIOCore
import NIOPosix

/// Makes NIO's event loops Swift concurrency's global executor, running each job as the
/// generic executor does.
///
/// A job enqueued on the global executor runs on the event loop of the thread that enqueued it
/// (any of the singleton group's loops otherwise), so a request's handler stays on the thread
/// that read the request. Unlike NIO's own take-over (which runs jobs as if isolated to the
/// event loop, and so forbids the runtime to switch executors in place), jobs here run as the
/// default global executor runs them: a call into a nonisolated `async` function continues
/// where it is, and an uncontended actor is entered and left on the same thread. Under NIO's
/// take-over each of those switches went through the loop's task queue: about 35 a request on
/// the staff read.
enum EventLoopGlobalExecutor {
    private typealias Original = @convention(thin) (UnownedJob) -> Void
    private typealias Hook = @convention(thin) (UnownedJob, Original) -> Void

    /// Whether the hook is installed: read first in `main`, before any other task starts,
    /// which installs it. False (nothing changed) when another hook was set already, or the
    /// compiler is newer than the one this was written for (the hook's shape is the
    /// runtime's, not a public API); jobs then run on Swift's own pool.
    static let installed = install()

    private static func install() -> Bool {
        #if compiler(<6.6)
        // Touch the group before any job reaches the hook.
        _ = MultiThreadedEventLoopGroup.singleton.any()
        return withUnsafeTemporaryAllocation(of: Hook.self, capacity: 1) { hook in
            hook.baseAddress!.initialize(to: { job, _ in
                // `any()` is the calling thread's own loop when it is one of the group's.
                MultiThreadedEventLoopGroup.singleton.any().execute {
                    runJob(job, genericExecutor)
                }
            })
            return hook.baseAddress!.withMemoryRebound(to: UnsafeRawPointer.self, capacity: 1) { pointer in
                c_executor_hook_install(pointer.pointee) == 1
            }
        }
        #else
        return false
        #endif
    }
}

/// The runtime's entry for running a job on an executor; the generic executor is the one
/// whose identity and implementation are both zero.
@_silgen_name("swift_job_run")
private func runJob(_ job: UnownedJob, _ executor: UnownedSerialExecutor)

private let genericExecutor = unsafeBitCast((0 as UInt, 0 as UInt), to: UnownedSerialExecutor.self)
