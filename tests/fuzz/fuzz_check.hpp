// Invariant checks for fuzz targets: a violated invariant aborts, which libFuzzer (and the
// replay driver, through ASan's abort handling) reports as a crash with the input saved.
#pragma once

#include <cstdio>
#include <cstdlib>

#define FUZZ_CHECK(cond)                                                                   \
    do {                                                                                   \
        if (!(cond)) {                                                                     \
            std::fprintf(stderr, "%s:%d: fuzz invariant failed: %s\n", __FILE__, __LINE__, \
                         #cond);                                                           \
            std::abort();                                                                  \
        }                                                                                  \
    } while (0)
