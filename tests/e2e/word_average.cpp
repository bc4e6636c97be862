// The contract's own example, as API.md writes it: word lengths averaged by a
// top-level reduce whose emit turns the store into the mean. 26 letters over
// 6 words: 4.33333 at every np.
#include <jobstream/jobstream.hpp>

#include <iostream>
#include <span>
#include <sstream>
#include <string>

namespace wordlen {

[[jobstream::init]]
jobstream::Multiple<std::string> words() {
  std::istringstream in("Hello there world, how are you?");
  jobstream::Multiple<std::string> out;
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

[[jobstream::job]]
int length(const std::string& word) { return static_cast<int>(word.size()); }

struct Mean {
  double sum = 0;
  int count = 0;
};

[[jobstream::reduce]]
void average(Mean& store, std::span<const int> inputs, std::span<const Mean> others) {
  for (int n : inputs) {
    store.sum += n;
    ++store.count;
  }
  for (const Mean& o : others) {
    store.sum += o.sum;
    store.count += o.count;
  }
}

[[jobstream::emit]]
double value(const Mean& m) { return m.sum / m.count; }

[[jobstream::result]]
void print(double mean) { std::cout << mean << '\n'; }

}  // namespace wordlen
