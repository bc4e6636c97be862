#include "observe/stats.hpp"

#include <fmt/format.h>

#include <cmath>
#include <cstdint>

namespace jobstream::detail {

namespace {

// A share in whole percent, rounded; 0 when there is nothing to share.
long long percent(double part, double whole) {
  if (!(whole > 0)) return 0;
  return std::llround(100.0 * part / whole);
}

// Host names go after "<rank>_" in a field scripts match with \S+.
std::string hostField(const std::string& host) {
  std::string field;
  for (const char c : host) field += (c == ' ' || c == '\t' || c == '\n' || c == '\r') ? '_' : c;
  return field.empty() ? std::string("unknown") : field;
}

}  // namespace

std::string statsText(const RunRecord& run) {
  if (run.ranks.empty() || run.ranks.front().wallNs <= 0) return {};
  std::string text;
  double userTimeSum = 0;  // percent
  double userCpuSum = 0;   // percent, job_stream's weighting
  double cpuNs = 0;
  for (const RankRecord& rank : run.ranks) {
    if (rank.wallNs <= 0) continue;  // never heard from
    const double wall = static_cast<double>(rank.wallNs);
    const double userTime = 100.0 * static_cast<double>(rank.userNs) / wall;
    const double userCpu =
        rank.userNs == 0 ? 0.0 : 100.0 * static_cast<double>(rank.userCpuNs) / static_cast<double>(rank.userNs);
    text += fmt::format("{}_{} {}% user time ({}% mpi), {}% user cpu, {} messages ({}% user)\n", rank.rank,
                        hostField(rank.host), std::llround(userTime),
                        percent(static_cast<double>(rank.mpiNs), wall), std::llround(userCpu), rank.messages,
                        percent(static_cast<double>(rank.userMessages), static_cast<double>(rank.messages)));
    userTimeSum += userTime;
    userCpuSum += userCpu * userTime / 100.0;
    cpuNs += static_cast<double>(rank.userCpuNs);
  }
  const double rankZeroWall = static_cast<double>(run.ranks.front().wallNs);
  text += fmt::format("C {}% user time, {}% user cpu, quality {:.2f} cpus, ran {:.3f}s\n", std::llround(userTimeSum),
                      std::llround(userCpuSum), cpuNs / rankZeroWall, rankZeroWall / 1e9);
  return text;
}

}  // namespace jobstream::detail
