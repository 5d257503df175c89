// Bridges glibc's malloc_trim into Swift, so the gateway can give memory freed after a burst
// back to the system (see Sources/Gateway/MemoryTrimmer.swift).
#ifndef HJ212_CMALLOC_SHIM_H
#define HJ212_CMALLOC_SHIM_H
#if defined(__GLIBC__) || defined(__linux__)
#include <malloc.h>
#endif
#endif
