// jobstream::map in a loop: heat spreading along a rod, one parallel map per
// time step. The program has its own main; every rank runs it, rank 0's
// items are the ones mapped and rank 0 alone gets the results.
//
//   ./map                 one process, all cores
//   mpirun -np 4 ./map    four ranks; the same output
#include <jobstream/jobstream.hpp>

#include <cstdio>
#include <vector>

namespace heat {

// One cell of the rod with its neighbours' temperatures.
struct Cell {
  double left = 0, self = 0, right = 0;
};

// The cell's temperature one time step later (explicit finite differences).
[[jobstream::job]]
double step(const Cell& cell) { return cell.self + 0.25 * (cell.left - 2 * cell.self + cell.right); }

}  // namespace heat

int main() {
  constexpr int kCells = 10, kSteps = 200;
  constexpr double kHot = 100, kCold = 0;  // the rod's ends are held at these
  std::vector<double> rod(kCells, kCold);
  for (int t = 0; t != kSteps; ++t) {
    std::vector<heat::Cell> cells;
    for (int i = 0; i != kCells; ++i) {
      const double left = i == 0 ? kHot : rod[static_cast<std::size_t>(i - 1)];
      const double right = i == kCells - 1 ? kCold : rod[static_cast<std::size_t>(i + 1)];
      cells.push_back({left, rod[static_cast<std::size_t>(i)], right});
    }
    // Every rank calls map; only rank 0's cells are used, and only rank 0
    // gets the new temperatures (the others an empty vector).
    std::vector<double> next = jobstream::map(heat::step, std::move(cells));
    if (jobstream::rank() == 0) rod = std::move(next);
  }
  if (jobstream::rank() != 0) return 0;
  for (int i = 0; i != kCells; ++i) std::printf("cell %d: %.2f\n", i, rod[static_cast<std::size_t>(i)]);
  return 0;
}
