#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
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

    /// Installs the hook; false (nothing changed) when the runtime has no hook to set or
    /// another one is set already. Call once, from `main`, before any other task starts.
    static func install() -> Bool {
        guard let symbol = dlsym(dlopen(nil, RTLD_NOW), "swift_task_enqueueGlobal_hook") else { return false }
        let slot = symbol.assumingMemoryBound(to: UnsafeRawPointer?.self)
        guard slot.pointee == nil else { return false }
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
                slot.pointee = pointer.pointee
                return true
            }
        }
    }
}

/// The runtime's entry for running a job on an executor; the generic executor is the one
/// whose identity and implementation are both zero.
@_silgen_name("swift_job_run")
private func runJob(_ job: UnownedJob, _ executor: UnownedSerialExecutor)

private let genericExecutor = unsafeBitCast((0 as UInt, 0 as UInt), to: UnownedSerialExecutor.self)
