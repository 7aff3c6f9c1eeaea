#ifndef C_EXECUTOR_HOOK_H
#define C_EXECUTOR_HOOK_H

/*
 * Sets Swift concurrency's hook for enqueueing global jobs (`swift_task_enqueueGlobal_hook`)
 * when none is set, and returns whether it did. The variable is bound when the program is
 * linked, so this works whether the Swift runtime is linked dynamically or statically
 * (`--static-swift-stdlib`, where it is not exported and `dlsym` cannot find it).
 */
int c_executor_hook_install(const void *hook);

#endif
