// The average length of the words of a sentence: API.md's first program and
// job_stream's word-average example. It shows the stages most pipelines have:
//
//   init    makes the first items (here: one per word)
//   job     turns each item into another (a word into its length)
//   reduce  folds every item into one store (a running sum and count)
//   emit    turns the store into what leaves the reduce (the mean)
//   result  receives what leaves the pipeline, on rank 0
//
//   ./wordlen                 # one process, all cores
//   mpirun -np 4 ./wordlen    # four ranks
//
// Both print 4.33333: 26 letters (punctuation included) over 6 words.
#include <jobstream/jobstream.hpp>

#include <iostream>
#include <span>
#include <sstream>
#include <string>

namespace wordlen {  // one namespace = one pipeline; its stages run in source order

[[jobstream::init]]  // runs once, on rank 0, before any other stage
jobstream::Multiple<std::string> words() {
  std::istringstream in("Hello there world, how are you?");
  jobstream::Multiple<std::string> out;  // each element is one item for the next stage
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

[[jobstream::job]]  // once per word, on any rank and worker thread
int length(const std::string& word) { return static_cast<int>(word.size()); }

struct Mean {  // the reduce's store; jsgen writes its serialisation
  double sum = 0;
  int count = 0;
};

// Called with some of the lengths (inputs) and, to combine work done on other
// threads and ranks, with other partial stores (others): it must add up both.
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

[[jobstream::emit]]  // once every length has been added: the store becomes one item
double value(const Mean& m) { return m.sum / m.count; }

[[jobstream::result]]
void print(double mean) { std::cout << mean << '\n'; }

}  // namespace wordlen
