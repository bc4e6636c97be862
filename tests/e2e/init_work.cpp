// job_stream.inline's initWork test: the program's own initial items (1) and
// what every init returns (2, then 3 and 4) all become work: 1, 2, 3, 4.
#include <jobstream/jobstream.hpp>

#include <iostream>
#include <string>

namespace init_work {

[[jobstream::init]]
int addTwo() { return 2; }

[[jobstream::init]]
jobstream::Multiple<int> addThreeFour() { return {3, 4}; }

[[jobstream::result]]
void print(int x) { std::cout << std::to_string(x) + "\n"; }

}  // namespace init_work

int main(int argc, char** argv) { return jobstream::run(argc, argv, {1}); }
