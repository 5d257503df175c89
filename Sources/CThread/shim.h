// Bridges the calling thread's kernel id into Swift (glibc's gettid needs _GNU_SOURCE), so the
// store can raise the priority of the thread that commits (see Sources/Store/WriterPriority.swift).
#ifndef HJ212_CTHREAD_SHIM_H
#define HJ212_CTHREAD_SHIM_H
#if defined(__linux__)
#include <unistd.h>
#include <sys/syscall.h>
#include <sys/resource.h>
static inline int hj212_thread_id(void) { return (int)syscall(SYS_gettid); }
#endif
#endif
