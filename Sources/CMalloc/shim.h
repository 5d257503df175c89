// Bridges the allocator's trimming into Swift, so the gateway can give memory freed after a
// burst back to the system (see Sources/Gateway/MemoryTrimmer.swift): glibc's malloc_trim, and
// jemalloc's purge when jemalloc is the process's allocator (hj212 links it on Linux).
#ifndef HJ212_CMALLOC_SHIM_H
#define HJ212_CMALLOC_SHIM_H
#if defined(__GLIBC__) || defined(__linux__)
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dlfcn.h>
#include <malloc.h>
#include <stddef.h>

typedef int (*hj212_mallctl_fn)(const char *, void *, size_t *, void *, size_t);

/// jemalloc's mallctl when jemalloc is loaded, else NULL.
static inline hj212_mallctl_fn hj212_mallctl(void) {
    return (hj212_mallctl_fn)dlsym(RTLD_DEFAULT, "mallctl");
}

/// Returns every jemalloc arena's unused dirty pages to the system ("arena.<all>.purge").
/// -1 when jemalloc is not the allocator.
static inline int hj212_jemalloc_purge(void) {
    hj212_mallctl_fn mallctl = hj212_mallctl();
    if (mallctl == NULL) return -1;
    return mallctl("arena.4096.purge", NULL, NULL, NULL, 0);
}
#endif
#endif
