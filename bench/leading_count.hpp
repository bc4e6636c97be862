// The one argument the benchmark programs read themselves: a leading plain
// number (an item count, a store size), taken off the command line so that
// everything after it goes to jobstream.
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstdlib>

namespace bench {

// `fallback` when argv[1] does not start with a digit; the count when it is
// one (then argv[1] is removed); -1, with a message, when it is not a
// positive count.
inline std::int64_t takeLeadingCount(int& argc, char**& argv, std::int64_t fallback, const char* program) {
  if (argc <= 1 || argv[1][0] < '0' || argv[1][0] > '9') return fallback;
  char* end = nullptr;
  const std::int64_t value = std::strtoll(argv[1], &end, 10);
  if (*end != '\0' || value <= 0) {
    std::fprintf(stderr, "%s: '%s' is not a positive count\n", program, argv[1]);
    return -1;
  }
  argv[1] = argv[0];
  --argc;
  ++argv;
  return value;
}

}  // namespace bench
