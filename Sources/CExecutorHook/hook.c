#include "CExecutorHook.h"
#include <stddef.h>

/* Defined by the Swift runtime (libswift_Concurrency): a function pointer, NULL by default. */
extern const void *swift_task_enqueueGlobal_hook;

int c_executor_hook_install(const void *hook) {
    if (swift_task_enqueueGlobal_hook != NULL) return 0;
    swift_task_enqueueGlobal_hook = hook;
    return 1;
}
