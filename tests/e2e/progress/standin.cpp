// A stand-in for a run that shows its --progress line, until the line is
// wired to real runs: a worker thread updates a ProgressLine for SECONDS
// (default 2) while the main thread prints an error and a checkpoint line in
// the middle, then the line is finished and the run's last words printed.
// progress_tmux.py checks what a terminal shows of it (standin_test.sh).
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <thread>

#include "jobstream/detail/report.hpp"
#include "observe/progress_line.hpp"

using jobstream::detail::ClearLiveLine;
using jobstream::detail::ProgressLine;
using jobstream::detail::ProgressView;

int main(int argc, char** argv) {
  const double seconds = argc > 1 ? std::atof(argv[1]) : 2.0;
  std::cout << "stand-in: a run of " << seconds << " s" << std::endl;
  const auto start = std::chrono::steady_clock::now();
  const auto elapsed = [start] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  ProgressLine line(STDERR_FILENO, ::isatty(STDERR_FILENO) == 1);
  std::atomic<bool> over{false};
  std::thread worker([&] {
    while (!over.load()) {
      const double t = elapsed();
      ProgressView view;
      view.elapsedSeconds = t;
      view.finished = static_cast<std::uint64_t>(t * 6612);
      view.itemsPerSecond = 6612;
      view.waiting = 400 + static_cast<std::uint64_t>(t * 10) % 50;
      view.busyWorkers = 7 + static_cast<int>(t * 10) % 2;
      view.workers = 8;
      view.ranks = 2;
      view.busiestStages = {{"tokenize", 300}, {"count \x1b[31mwörter\x1b[0m", 112}, {"日本語", 3}};
      view.checkpointing = true;
      if (t > seconds * 0.75) view.secondsSinceCheckpoint = t - seconds * 0.75;
      line.update(view);  // far more often than it draws
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  });
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds / 2));
  jobstream::detail::reportError(std::cerr, "stage 'tokenize' failed on item 417: a stand-in error");
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds / 4));
  {
    const ClearLiveLine clear;
    std::cerr << "jobstream: checkpoint 1 written to 'standin.ckpt': 12 KiB of state" << std::endl;
  }
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds / 4));
  over.store(true);
  worker.join();
  line.finish();
  std::cerr << "0_standin 97% user time (2% mpi), 96% user cpu, 1234 messages (80% user)\n"
            << "C 194% user time, 190% user cpu, quality 1.90 cpus, ran " << elapsed() << "s\n";
  std::cout << "result: 42" << std::endl;
  return 0;
}
