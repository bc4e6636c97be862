// A hand-written pipeline run over the real MPI transport by jobstream::run,
// under mpirun (see CMakeLists.txt):
//   jobstream_mpi_smoke NP           - checks every result on rank 0, exit 0
//   jobstream_mpi_smoke NP --fail    - a stage throws on rank 1: the run must
//                                      end with a non-zero exit and a message
#include <chrono>
#include <cstdlib>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>

#include "jobstream/detail/generated.hpp"

namespace smoke {

using namespace jobstream::detail;

struct Squared {  // trivially copyable: travels as raw bytes
  int rank;
  long long value;
};

constexpr int kItems = 20000;
int expectedRanks = 0;
bool failOnRankOne = false;

jobstream::Multiple<int> numbers() {
  jobstream::Multiple<int> out;
  for (int i = 0; i != kItems; ++i) out.push_back(i);
  return out;
}

Squared explode(int x) {
  if (failOnRankOne && jobstream::rank() == 1) throw std::runtime_error("boom on rank 1");
  // About 5 us of work per item, so that every rank steals some.
  const auto until = std::chrono::steady_clock::now() + std::chrono::microseconds(5);
  while (std::chrono::steady_clock::now() < until) {
  }
  return Squared{jobstream::rank(), static_cast<long long>(x) * x};
}

void check(std::vector<Squared> all) {
  long long sum = 0;
  std::set<int> ranks;
  for (const Squared& s : all) {
    sum += s.value;
    ranks.insert(s.rank);
  }
  const long long n = kItems;
  const long long want = (n - 1) * n * (2 * n - 1) / 6;
  if (static_cast<long long>(all.size()) != n || sum != want)
    throw std::runtime_error("wrong results: " + std::to_string(all.size()) + " items, sum " + std::to_string(sum));
  if (jobstream::rank_count() != expectedRanks) throw std::runtime_error("wrong rank count");
  if (ranks.size() < 2) throw std::runtime_error("all work ran on one rank: stealing did not happen");
  std::printf("ok: %zu items from %zu ranks\n", all.size(), ranks.size());
}

void init0(Emitter& em) {
  Output<int> out(em, 1);
  out.push(numbers());
  out.close();
}
void stage1(BatchBase& in_, std::size_t begin, std::size_t end, Emitter& em) {
  auto& in = static_cast<Batch<int>&>(in_).items;
  Output<Squared> out(em, 2);
  for (std::size_t i = begin; i != end; ++i) {
    em.current = 1;
    out.push(explode(in[i]));
  }
  out.close();
}
void finish2(BatchBase& all) {
  auto& items = static_cast<Batch<Squared>&>(all).items;
  check(std::vector<Squared>(std::make_move_iterator(items.begin()), std::make_move_iterator(items.end())));
}

const StageDef stages[] = {
    {StageKind::init, "smoke::numbers", nullptr, "", false, &init0, nullptr, nullptr},
    {StageKind::job, "smoke::explode", &itemTypeOf<int>, "int", false, nullptr, &stage1, nullptr},
    {StageKind::finish, "smoke::check", &itemTypeOf<Squared>, "smoke::Squared", false, nullptr, nullptr, &finish2},
};
const PipelineDef pipeline{"smoke", "smoke-v1", stages, 1, nullptr};
const bool registered = (registerPipeline(pipeline), true);

}  // namespace smoke

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s NP [--fail]\n", argv[0]);
    return 2;
  }
  smoke::expectedRanks = std::atoi(argv[1]);
  smoke::failOnRankOne = argc > 2 && std::string(argv[2]) == "--fail";
  char threads[] = "--threads";
  char one[] = "1";
  char* args[] = {argv[0], threads, one, nullptr};
  return jobstream::run(3, args);
}
