// A program with its own main passes the initial items itself; result runs
// on rank 0, once per item.
#include <jobstream/jobstream.hpp>

#include <iostream>

namespace user_main {

[[jobstream::job]]
int twice(int x) { return 2 * x; }

[[jobstream::result]]
void show(const int& x) { std::cout << "got " << x << " on rank " << jobstream::rank() << '\n'; }

}  // namespace user_main

int main(int argc, char** argv) { return jobstream::run(argc, argv, {1, 2, 3}); }
