// How jobstream speaks to the user on stderr, shared by the runtime and the
// launcher: "jobstream: error: <message>" and "jobstream: warning: <message>".
// Exceptions, and error strings kept for later, carry the bare message; only
// these functions add the prefix, so a message nested in another ("section
// 'x' of rank 0: <message>") never carries it twice.
//
// While a run shows its progress line on stderr (runtime/src/observe/
// progress_line.hpp), a message printed there must not land in the middle
// of that line: every message on std::cerr is printed inside a
// ClearLiveLine, which takes the line off first and puts it back after.
#pragma once

#include <atomic>
#include <iostream>
#include <mutex>
#include <ostream>
#include <string>
#include <string_view>

namespace jobstream::detail {

// A line on stderr's terminal that is rewritten in place while other lines
// scroll above it (the progress line). Only ClearLiveLine and
// endLiveLine call these, one thread at a time.
class LiveLine {
 public:
  // Erases the line, leaving the cursor at the start of an empty row, and
  // keeps it off the screen until the matching putBack().
  virtual void takeOff() = 0;
  // Draws the line again if takeOff() erased it or it changed meanwhile.
  virtual void putBack() = 0;

 protected:
  ~LiveLine() = default;
};

namespace live_line {

// The process's one live line, and the lock that makes "take it off, print,
// put it back" whole: two threads' messages never interleave with each
// other's redraws, and the line is not unregistered (and destroyed) while
// a message is being printed around it. Recursive, because a message printed
// inside a ClearLiveLine may itself open one.
struct Slot {
  std::recursive_mutex mutex;
  LiveLine* line = nullptr;
  // Standard output is the same terminal: results printed there clear the
  // line too. Read without the lock, so that printing results costs nothing
  // when there is no line.
  std::atomic<bool> coversStdout{false};
};

// Never destroyed: a message printed while the process's statics are being
// destroyed still finds it.
inline Slot& slot() {
  static Slot* const the = new Slot;
  return *the;
}

}  // namespace live_line

// Makes `line` the line that messages on std::cerr clear around, and
// results on std::cout when `coversStdout` (both go to one terminal).
inline void registerLiveLine(LiveLine& line, bool coversStdout = false) {
  live_line::Slot& slot = live_line::slot();
  const std::lock_guard lock(slot.mutex);
  slot.line = &line;
  slot.coversStdout.store(coversStdout);
}

// Forgets `line`, if it is the registered one; once this returns no message
// touches it, so it may be destroyed.
inline void unregisterLiveLine(LiveLine& line) {
  live_line::Slot& slot = live_line::slot();
  const std::lock_guard lock(slot.mutex);
  if (slot.line == &line) {
    slot.line = nullptr;
    slot.coversStdout.store(false);
  }
}

// Takes the live line off the screen for good, for a process about to end
// without its owner's finish() (an error that ends every rank): its last
// message must not be followed by a progress line the shell prompt lands on.
inline void endLiveLine() {
  live_line::Slot& slot = live_line::slot();
  const std::lock_guard lock(slot.mutex);
  if (slot.line == nullptr) return;
  slot.line->takeOff();  // never put back
  slot.line = nullptr;
  slot.coversStdout.store(false);
}

// While one lives, the live line is off the screen and no other thread's
// message is printed, so lines written to std::cerr in its scope never mix
// with the live line. So for std::cout when it is the line's terminal too.
// Given another stream (a test's, a file), it does nothing.
class ClearLiveLine {
 public:
  ClearLiveLine() : ClearLiveLine(std::cerr) {}
  explicit ClearLiveLine(std::ostream& out) {
    const bool sameTerminal = &out == &std::cout && live_line::slot().coversStdout.load(std::memory_order_relaxed);
    if (&out != &std::cerr && &out != &std::clog && !sameTerminal) return;
    out_ = &out;
    live_line::slot().mutex.lock();
    line_ = live_line::slot().line;
    if (line_ != nullptr) line_->takeOff();
  }
  ~ClearLiveLine() {
    if (out_ == nullptr) return;
    out_->flush();  // the message is on the terminal before the line returns
    // endLiveLine() in this scope retires the line: then it stays off.
    if (line_ != nullptr && line_ == live_line::slot().line) line_->putBack();
    live_line::slot().mutex.unlock();
  }
  ClearLiveLine(const ClearLiveLine&) = delete;
  ClearLiveLine& operator=(const ClearLiveLine&) = delete;

 private:
  std::ostream* out_ = nullptr;
  LiveLine* line_ = nullptr;
};

enum class Severity { error, warning };

// The line that says `message`, without its newline.
inline std::string reportLine(Severity severity, std::string_view message) {
  std::string line = "jobstream: ";
  line += severity == Severity::error ? "error: " : "warning: ";
  line += message;
  return line;
}

// Says `message` on `out`, a line of its own, flushed so that it is out
// before the process ends or aborts.
// The line and its newline in one write: under mpirun, a rank's stderr
// reaches the terminal in the pieces it was written in, and Open MPI's own
// messages (MPI_Abort's, right after an error) can land between two pieces.
inline void report(std::ostream& out, Severity severity, std::string_view message) {
  const ClearLiveLine clear(out);
  out << reportLine(severity, message) + '\n' << std::flush;
}

inline void reportError(std::ostream& out, std::string_view message) { report(out, Severity::error, message); }
inline void reportWarning(std::ostream& out, std::string_view message) { report(out, Severity::warning, message); }

}  // namespace jobstream::detail
