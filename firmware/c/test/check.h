/* A minimal test harness: each CHECK that fails prints where and why; main returns the failure count. */
#ifndef SNGW_TEST_CHECK_H
#define SNGW_TEST_CHECK_H

#include <stdio.h>
#include <string.h>

static int check_failures;
static int check_count;

#define CHECK(cond)                                                                                            \
    do {                                                                                                       \
        check_count++;                                                                                         \
        if (!(cond)) {                                                                                         \
            check_failures++;                                                                                  \
            fprintf(stderr, "%s:%d: FAILED: %s\n", __FILE__, __LINE__, #cond);                                 \
        }                                                                                                      \
    } while (0)

#define CHECK_RC(expr, expected)                                                                               \
    do {                                                                                                       \
        int rc_ = (expr);                                                                                      \
        check_count++;                                                                                         \
        if (rc_ != (expected)) {                                                                               \
            check_failures++;                                                                                  \
            fprintf(stderr, "%s:%d: FAILED: %s returned %d, expected %d\n", __FILE__, __LINE__, #expr, rc_,    \
                    (int)(expected));                                                                          \
        }                                                                                                      \
    } while (0)

static void check_dump(const char *what, const unsigned char *b, size_t n) {
    fprintf(stderr, "  %s (%zu): ", what, n);
    for (size_t i = 0; i < n; i++) {
        fprintf(stderr, "%02x", b[i]);
    }
    fprintf(stderr, "\n");
}

#define CHECK_BYTES(actual, actual_len, expected, expected_len)                                               \
    do {                                                                                                       \
        check_count++;                                                                                         \
        if ((size_t)(actual_len) != (size_t)(expected_len) ||                                                  \
            memcmp((actual), (expected), (size_t)(expected_len)) != 0) {                                       \
            check_failures++;                                                                                  \
            fprintf(stderr, "%s:%d: FAILED: %s != %s\n", __FILE__, __LINE__, #actual, #expected);              \
            check_dump("actual  ", (const unsigned char *)(actual), (actual_len));                                                    \
            check_dump("expected", (const unsigned char *)(expected), (expected_len));                                                \
        }                                                                                                      \
    } while (0)

static int check_summary(const char *name) {
    printf("%s: %d checks, %d failed\n", name, check_count, check_failures);
    return check_failures == 0 ? 0 : 1;
}

#endif
