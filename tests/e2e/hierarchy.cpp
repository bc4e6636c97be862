// job_stream's exampleHierarchy: module1 = addOne then module2, module2 =
// addOne, addOne, and the root runs module1 twice: +6 in all, so 10, 16, 90
// give 16, 22, 96. Its modules only group jobs; here each module is a frame
// that passes its one item through, so the modules nest as they did in the
// YAML (four frame instances per item, two levels deep).
#include <jobstream/jobstream.hpp>

#include <optional>

namespace hierarchy {

struct Passing {
  bool entered = false;
  int value = 0;
};

namespace {
// A module's header: its item goes in once, then the instance is over.
std::optional<int> enterOnce(Passing& module, int item) {
  if (module.entered) return std::nullopt;
  module.entered = true;
  return item;
}
}  // namespace

[[jobstream::frame]]
std::optional<int> firstModule1(Passing& m, const int& item) { return enterOnce(m, item); }
[[jobstream::job]]
int addOneA(int x) { return x + 1; }
[[jobstream::frame]]
std::optional<int> firstModule2(Passing& m, const int& item) { return enterOnce(m, item); }
[[jobstream::job]]
int addOneB(int x) { return x + 1; }
[[jobstream::job]]
int addOneC(int x) { return x + 1; }
[[jobstream::frame_end]]
void firstModule2End(Passing& m, int out) { m.value = out; }
[[jobstream::emit]]
int firstModule2Out(const Passing& m) { return m.value; }
[[jobstream::frame_end]]
void firstModule1End(Passing& m, int out) { m.value = out; }
[[jobstream::emit]]
int firstModule1Out(const Passing& m) { return m.value; }

[[jobstream::frame]]
std::optional<int> secondModule1(Passing& m, const int& item) { return enterOnce(m, item); }
[[jobstream::job]]
int addOneD(int x) { return x + 1; }
[[jobstream::frame]]
std::optional<int> secondModule2(Passing& m, const int& item) { return enterOnce(m, item); }
[[jobstream::job]]
int addOneE(int x) { return x + 1; }
[[jobstream::job]]
int addOneF(int x) { return x + 1; }
[[jobstream::frame_end]]
void secondModule2End(Passing& m, int out) { m.value = out; }
[[jobstream::emit]]
int secondModule2Out(const Passing& m) { return m.value; }
[[jobstream::frame_end]]
void secondModule1End(Passing& m, int out) { m.value = out; }
[[jobstream::emit]]
int secondModule1Out(const Passing& m) { return m.value; }

}  // namespace hierarchy
