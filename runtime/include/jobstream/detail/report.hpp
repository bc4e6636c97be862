// How jobstream speaks to the user on stderr, shared by the runtime and the
// launcher: "jobstream: error: <message>" and "jobstream: warning: <message>".
// Exceptions, and error strings kept for later, carry the bare message; only
// these functions add the prefix, so a message nested in another ("section
// 'x' of rank 0: <message>") never carries it twice.
#pragma once

#include <ostream>
#include <string>
#include <string_view>

namespace jobstream::detail {

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
inline void report(std::ostream& out, Severity severity, std::string_view message) {
  out << reportLine(severity, message) << '\n' << std::flush;
}

inline void reportError(std::ostream& out, std::string_view message) { report(out, Severity::error, message); }
inline void reportWarning(std::ostream& out, std::string_view message) { report(out, Severity::warning, message); }

}  // namespace jobstream::detail
