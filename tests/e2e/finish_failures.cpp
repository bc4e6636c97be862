// A finish stage that throws, or calls std::exit(), ends the run like any
// other stage: exit status 1 and a message naming it, on every rank, no hang.
// ITEM arguments: numbers, and "throw" or "exit" for what finish does.
#include <jobstream/jobstream.hpp>

#include <cstdlib>
#include <iostream>
#include <stdexcept>
#include <string>
#include <vector>

namespace finish_failures {

[[jobstream::job]]
std::string echo(const std::string& item) { return item; }

[[jobstream::finish]]
void all(std::vector<std::string> items) {
  for (const std::string& item : items) {
    if (item == "throw") throw std::runtime_error("thrown in the finish");
    if (item == "exit") std::exit(3);
  }
  std::cout << "items=" << items.size() << '\n';
}

}  // namespace finish_failures
