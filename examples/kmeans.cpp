// Where to put a town's delivery depots: k-means clustering of its customers,
// one town per frame instance, with a reduce inside the frame.
//
//   ./kmeans                  # one process, all cores
//   mpirun -np 4 ./kmeans     # four ranks: the same three lines
//
// Each town is a frame instance that runs Lloyd's algorithm, one round per
// pass through the frame body:
//
//   iterate    (frame)      sends the customers, in chunks, with the current depots
//   assign     (job)        finds each customer's nearest depot; sums per depot
//   total      (reduce)     adds up the chunks' sums: one total per town and round
//   moveDepots (frame_end)  moves each depot to the mean of its customers
//
// The frame recurs until no depot moves. The three towns run at the same time,
// and a reduce in a frame body reduces each instance's round separately.
#include <jobstream/jobstream.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <iomanip>
#include <iostream>
#include <random>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace kmeans {

// Metres east and north of the town hall. Customers live at whole metres, so
// every sum below is exact whatever order the reduce adds in: every run, on
// any number of ranks and threads, gives the same depots to the last bit.
struct Point {
  double x = 0;
  double y = 0;
};

struct Town {
  std::string name;
  int depots = 0;
  std::vector<Point> customers;
};

// Customers scattered around one centre per depot. minstd_rand's sequence is
// fixed by the C++ standard, so the towns are the same on every platform.
Town makeTown(std::string name, unsigned seed, const std::vector<Point>& centres, int customers,
              int spread) {
  std::minstd_rand random(seed);
  const auto offset = [&] { return static_cast<double>(random() % (2 * unsigned(spread) + 1)) - spread; };
  Town town{std::move(name), static_cast<int>(centres.size()), {}};
  for (int i = 0; i < customers; ++i) {
    const Point& centre = centres[random() % centres.size()];
    const double dx = offset();
    const double dy = offset();
    town.customers.push_back({centre.x + dx, centre.y + dy});
  }
  return town;
}

[[jobstream::init]]
jobstream::Multiple<Town> towns() {
  return {makeTown("Alderton", 1, {{2000, 3000}, {8000, 2500}, {5000, 9000}}, 3000, 2500),
          makeTown("Brookfield", 2, {{1000, 1000}, {9000, 1500}, {2000, 8000}, {8500, 9000}}, 5000, 3000),
          makeTown("Carrow", 3, {{3000, 3000}, {12000, 2000}, {7000, 7000}, {2000, 12000}, {12000, 12000}},
                   8000, 3000)};
}

// The frame instance's store: where its depots are and how the search goes.
struct Clustering {
  std::string town;
  std::vector<Point> depots;
  int rounds = 0;
  bool moved = false;
};

struct Chunk {  // one job's share of a round
  std::vector<Point> customers;
  std::vector<Point> depots;
};

constexpr std::size_t kChunkSize = 500;
constexpr int kMaxRounds = 100;  // Lloyd's algorithm always settles; this only bounds a bad start

// Called when a town enters (the store is empty) and again each time the
// round it started has been through moveDepots.
[[jobstream::frame]]
jobstream::Multiple<Chunk> iterate(Clustering& clustering, const Town& town) {
  if (clustering.rounds == 0) {  // start from the first customers, as many as depots
    clustering.town = town.name;
    clustering.depots.assign(town.customers.begin(), town.customers.begin() + town.depots);
  } else if (!clustering.moved || clustering.rounds == kMaxRounds) {
    return {};  // nothing more to do: the store leaves the frame
  }
  jobstream::Multiple<Chunk> chunks;
  for (std::size_t first = 0; first < town.customers.size(); first += kChunkSize) {
    const std::size_t last = std::min(first + kChunkSize, town.customers.size());
    Chunk chunk{{}, clustering.depots};
    chunk.customers.assign(town.customers.begin() + static_cast<std::ptrdiff_t>(first),
                           town.customers.begin() + static_cast<std::ptrdiff_t>(last));
    chunks.push_back(std::move(chunk));
  }
  return chunks;
}

struct Cluster {  // the customers nearest to one depot
  double sumX = 0;
  double sumY = 0;
  std::int64_t customers = 0;
};

struct Totals {  // one Cluster per depot
  std::vector<Cluster> clusters;

  void add(const Totals& other) {
    clusters.resize(other.clusters.size());  // a new store starts empty
    for (std::size_t d = 0; d < clusters.size(); ++d) {
      clusters[d].sumX += other.clusters[d].sumX;
      clusters[d].sumY += other.clusters[d].sumY;
      clusters[d].customers += other.clusters[d].customers;
    }
  }
};

double squaredDistance(const Point& a, const Point& b) {
  return (a.x - b.x) * (a.x - b.x) + (a.y - b.y) * (a.y - b.y);
}

[[jobstream::job]]
Totals assign(const Chunk& chunk) {
  Totals totals;
  totals.clusters.resize(chunk.depots.size());
  for (const Point& customer : chunk.customers) {
    std::size_t nearest = 0;  // on a tie, the first depot: the same choice on every run
    for (std::size_t d = 1; d < chunk.depots.size(); ++d) {
      if (squaredDistance(customer, chunk.depots[d]) < squaredDistance(customer, chunk.depots[nearest])) {
        nearest = d;
      }
    }
    totals.clusters[nearest].sumX += customer.x;
    totals.clusters[nearest].sumY += customer.y;
    ++totals.clusters[nearest].customers;
  }
  return totals;
}

// Inside a frame body, a reduce emits once per instance and round: when all
// of that round's chunks have been added, its total goes on to moveDepots.
[[jobstream::reduce]]
void total(Totals& store, std::span<const Totals> inputs, std::span<const Totals> others) {
  for (const Totals& t : inputs) store.add(t);
  for (const Totals& t : others) store.add(t);
}

[[jobstream::frame_end]]
void moveDepots(Clustering& clustering, const Totals& totals) {
  ++clustering.rounds;
  clustering.moved = false;
  for (std::size_t d = 0; d < clustering.depots.size(); ++d) {
    const Cluster& cluster = totals.clusters[d];
    if (cluster.customers == 0) continue;  // a depot nobody is nearest to stays put
    const auto count = static_cast<double>(cluster.customers);
    const Point mean{cluster.sumX / count, cluster.sumY / count};
    Point& depot = clustering.depots[d];
    if (mean.x != depot.x || mean.y != depot.y) clustering.moved = true;
    depot = mean;
  }
}

[[jobstream::result]]
void print(const Clustering& c) {
  std::cout << c.town << ": " << c.depots.size() << " depots, "
            << (c.moved ? "still moving" : "stable") << " after " << c.rounds << " rounds:"
            << std::fixed << std::setprecision(1);
  for (const Point& depot : c.depots) std::cout << " (" << depot.x << ", " << depot.y << ")";
  std::cout << '\n';
}

}  // namespace kmeans
