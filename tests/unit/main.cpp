// doctest entry point for posemeet_unit_tests. Each tests/unit/<module>_test.cpp holds one
// TEST_SUITE named after its module; tests/CMakeLists.txt registers one CTest test per
// suite (--test-suite=<name>), so `ctest` counts suites that really ran.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
