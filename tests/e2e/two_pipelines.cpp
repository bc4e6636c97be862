// Two pipelines in one program: its own main chooses one by name (the
// namespace of its stages), `./prog squares` or `./prog geometry::cubes`.
// Without a name, run(argc, argv) refuses to guess and points to the named form.
#include <jobstream/jobstream.hpp>

#include <iostream>
#include <string_view>

namespace squares {

[[jobstream::job]]
int square(int x) { return x * x; }

[[jobstream::result]]
void show(const int& x) { std::cout << "square " << x << '\n'; }

}  // namespace squares

namespace geometry::cubes {

[[jobstream::job]]
long cube(int x) { return static_cast<long>(x) * x * x; }

[[jobstream::result]]
void show(const long& x) { std::cout << "cube " << x << '\n'; }

}  // namespace geometry::cubes

int main(int argc, char** argv) {
  if (argc < 2) return jobstream::run(argc, argv, {1, 2, 3});
  // The pipeline's name replaces the program's name for the options parser.
  const std::string_view pipeline = argv[1];
  argv[1] = argv[0];
  return jobstream::run(pipeline, argc - 1, argv + 1, {1, 2, 3});
}
