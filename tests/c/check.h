/* The C suite's tiny harness: CHECK counts and reports, SKIP says why. */
#ifndef PEERCRED_TEST_CHECK_H
#define PEERCRED_TEST_CHECK_H

#include <stdio.h>
#include <stdlib.h>

extern int checks_passed, checks_failed;

#define CHECK(cond, ...)                                                   \
    do {                                                                   \
        if (cond) {                                                        \
            checks_passed++;                                               \
        } else {                                                           \
            checks_failed++;                                               \
            fprintf(stderr, "FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond); \
            fprintf(stderr, __VA_ARGS__);                                  \
            fputc('\n', stderr);                                           \
        }                                                                  \
    } while (0)

#define SKIP(...)                                \
    do {                                         \
        fprintf(stderr, "skipped: " __VA_ARGS__); \
        fputc('\n', stderr);                     \
    } while (0)

/* make test-c-arm64 runs the suite under qemu-user and names qemu in
 * PEERCRED_UNDER_QEMU: what qemu cannot emulate is skipped there only. */
#define UNDER_QEMU() getenv("PEERCRED_UNDER_QEMU")

#endif
