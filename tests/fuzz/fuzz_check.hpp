#pragma once
// Properties for the fuzz targets. A violated property is a crash, so
// libFuzzer keeps the input and reports it as it does a memory error: the
// targets check what the parsers promise, not only that they do not crash.

#include <cstdio>

#define FUZZ_CHECK(condition)                                                                   \
  do {                                                                                          \
    if (!(condition)) {                                                                         \
      std::fprintf(stderr, "property violated: %s at %s:%d\n", #condition, __FILE__, __LINE__); \
      __builtin_trap();                                                                         \
    }                                                                                           \
  } while (false)
