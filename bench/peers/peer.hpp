// What the hand-written peer programs (seq, omp, tbb_flow) share: their
// command line, the workloads' jobs and answers, and the RESULT line run.py
// parses. The workloads are the ones of the jobstream programs beside them:
//
//   w1         items 0..N-1, x+1, then 2x, then a global sum (bench/w1_jobstream.cpp)
//   w1_fanned  the same items, made by expanding 1,000 chunk ids into the
//              chunks' items first, as a user with 100M items writes it
//              (bench/w1_fanned_jobstream.cpp)
//   w2         N items of ~1 ms of calibrated spin each, counted and summed
//              (bench/w2_jobstream.cpp, bench/spin.hpp)
//   w7         N items of heavy-tailed spin, most ~0.2 ms and 2% 50 ms, each
//              counted and its index summed (bench/w7_jobstream.cpp,
//              bench/imbalance.hpp)
//
//   usage: PROGRAM WORKLOAD ITEMS [--threads N] [--batch C]
#pragma once

#include <algorithm>
#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "../imbalance.hpp"
#include "../spin.hpp"

namespace peer {

enum class Workload { w1, w1Fanned, w2, w7 };

struct Arguments {
  Workload workload = Workload::w1;
  const char* workloadName = "w1";
  std::int64_t items = 0;
  int threads = 1;
  std::int64_t batch = 0;  // 0: the program's default for the workload
};

[[noreturn]] inline void usage(const char* program, const char* problem) {
  std::fprintf(stderr, "%s: %s\nusage: %s w1|w1_fanned|w2|w7 ITEMS [--threads N] [--batch C]\n",
               program, problem, program);
  std::exit(2);
}

inline std::int64_t positive(const char* program, const char* text) {
  char* end = nullptr;
  const long long value = std::strtoll(text, &end, 10);
  if (*end != '\0' || value <= 0)
    usage(program, (std::string("'") + text + "' is not a positive count").c_str());
  return value;
}

inline Arguments parseArguments(int argc, char** argv, const char* program) {
  if (argc < 3) usage(program, "a workload and an item count are needed");
  Arguments args;
  args.workloadName = argv[1];
  if (std::strcmp(argv[1], "w1") == 0) {
    args.workload = Workload::w1;
  } else if (std::strcmp(argv[1], "w1_fanned") == 0) {
    args.workload = Workload::w1Fanned;
  } else if (std::strcmp(argv[1], "w2") == 0) {
    args.workload = Workload::w2;
  } else if (std::strcmp(argv[1], "w7") == 0) {
    args.workload = Workload::w7;
  } else {
    usage(program, (std::string("no workload '") + argv[1] + "'").c_str());
  }
  args.items = positive(program, argv[2]);
  for (int i = 3; i < argc; i += 2) {
    if (i + 1 >= argc) usage(program, (std::string(argv[i]) + " needs a value").c_str());
    if (std::strcmp(argv[i], "--threads") == 0) {
      args.threads = static_cast<int>(std::min<std::int64_t>(positive(program, argv[i + 1]), 1024));
    } else if (std::strcmp(argv[i], "--batch") == 0) {
      args.batch = positive(program, argv[i + 1]);
    } else {
      usage(program, (std::string("unknown option ") + argv[i]).c_str());
    }
  }
  return args;
}

// ---------------------------------------------------------------- W1

// The pipeline's jobs, identical to bench/w1_jobstream.cpp.
inline std::int64_t addOne(std::int64_t x) { return x + 1; }
inline std::int64_t twice(std::int64_t x) { return x * 2; }

// The sum of 2(x+1) for x = 0..N-1.
inline std::int64_t expectedSum(std::int64_t items) { return items * (items + 1); }

// Hides a value from the optimiser: a loop over 0..N-1 would otherwise be
// folded into the closed form of its sum, or vectorised, where every other
// system handles its items one at a time.
inline std::int64_t opaque(std::int64_t x) {
  asm volatile("" : "+r"(x));
  return x;
}

// Makes the optimiser assume the memory behind `data` was read and changed,
// so that a chunk it has just filled is really filled and read back.
inline void touched(const void* data) { asm volatile("" : : "r"(data) : "memory"); }

// W1 fanned out: N items in 1,000 chunks (fewer when N < 1,000), chunk c
// holding items [chunkBegin(c), chunkBegin(c + 1)); the same split as
// bench/w1_fanned_jobstream.cpp.
inline std::int64_t chunkCount(std::int64_t items) { return std::min<std::int64_t>(1000, items); }
inline std::int64_t chunkBegin(std::int64_t chunk, std::int64_t items) {
  return chunk * items / chunkCount(items);
}

inline int reportW1(const char* system, const Arguments& args, double inner, std::int64_t sum) {
  const std::int64_t expected = expectedSum(args.items);
  const bool ok = sum == expected;
  std::printf("RESULT workload=%s system=%s ranks=1 threads=%d items=%" PRId64
              " inner_seconds=%.6f sum=%" PRId64 " expected=%" PRId64 " ok=%d\n",
              args.workloadName, system, args.threads, args.items, inner, sum, expected,
              ok ? 1 : 0);
  if (!ok) std::fprintf(stderr, "%s: wrong sum\n", system);
  return ok ? 0 : 1;
}

// ---------------------------------------------------------------- W2

// What the jobs of W2 add up, as bench/w2_jobstream.cpp's reduce does.
struct Spun {
  std::int64_t items = 0;
  std::uint64_t checksum = 0;  // wraps: compared modulo 2^64
  double cpuSeconds = 0;

  void add(std::int64_t iterations) {
    const double before = bench::threadCpuSeconds();
    checksum += bench::spin(iterations);
    cpuSeconds += bench::threadCpuSeconds() - before;
    ++items;
  }
  void add(const Spun& other) {
    items += other.items;
    checksum += other.checksum;
    cpuSeconds += other.cpuSeconds;
  }
};

// The fields of bench/w2_jobstream.cpp's line, computed the same way: ideal =
// the CPU the spins took, spread evenly over the worker threads.
inline int reportW2(const char* system, const Arguments& args, std::int64_t iterations,
                    double inner, const Spun& total) {
  const std::uint64_t expectedChecksum =
      static_cast<std::uint64_t>(args.items) * bench::spin(iterations);
  const bool ok = total.items == args.items && total.checksum == expectedChecksum;
  const double ideal = total.cpuSeconds / args.threads;
  std::printf("RESULT workload=w2 system=%s ranks=1 threads=%d workers=%d items=%" PRId64
              " inner_seconds=%.6f item_cpu_ms=%.4f ideal_seconds=%.6f efficiency=%.4f sum=%" PRId64
              " expected=%" PRId64 " ok=%d\n",
              system, args.threads, args.threads, args.items, inner,
              1e3 * total.cpuSeconds / static_cast<double>(args.items), ideal, ideal / inner,
              total.items, args.items, ok ? 1 : 0);
  if (!ok) std::fprintf(stderr, "%s: wrong item count or checksum\n", system);
  return ok ? 0 : 1;
}

}  // namespace peer
