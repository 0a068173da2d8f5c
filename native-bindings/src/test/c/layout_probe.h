/*
 * What both layout probes print with: one "NAME VALUE" line per constant, layout size and
 * alignment, and field offset, for the layout-probe tests to compare with the Java bindings.
 */
#ifndef NETLOOP_LAYOUT_PROBE_H
#define NETLOOP_LAYOUT_PROBE_H

#include <limits.h>
#include <stddef.h>
#include <stdio.h>

/*
 * Java holds every constant in an int. Each must fit in 32 bits, and prints as the int with
 * the same bits: EPOLLET (1u << 31) and FIONBIO (0x8004667e) are negative in Java.
 */
#define CONSTANT(name) do { \
        _Static_assert((long long) (name) >= INT_MIN && (long long) (name) <= (long long) UINT_MAX, \
                       #name " does not fit in 32 bits"); \
        printf("%s %d\n", #name, (int) (name)); \
    } while (0)

/* A constant Java holds in a long (io_uring's mmap offsets, INVALID_SOCKET), printed as its 64-bit value. */
#define LONG_CONSTANT(name) printf("%s %lld\n", #name, (long long) (name))

#define LAYOUT(name, type) do { \
        printf("%s_SIZE %zu\n", #name, sizeof(type)); \
        printf("%s_ALIGN %zu\n", #name, _Alignof(type)); \
    } while (0)

#define OFFSET(name, type, field) printf("%s %zu\n", #name, offsetof(type, field))

#endif
