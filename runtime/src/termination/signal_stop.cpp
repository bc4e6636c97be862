#include "termination/signal_stop.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <csignal>
#include <filesystem>
#include <stdexcept>

namespace jobstream::detail {

std::string signalName(int signal) {
  switch (signal) {
    case SIGTERM:
      return "SIGTERM";
    case SIGINT:
      return "SIGINT";
    default:
      return fmt::format("signal {}", signal);
  }
}

void SignalStop::heard(int signal) {
  if (signal != 0 && signal != SIGTERM && signal != SIGINT)
    throw std::runtime_error(fmt::format("told to stop by {}, which only SIGTERM and SIGINT do", signalName(signal)));
  // SIGTERM (15) outweighs SIGINT (2): the larger number.
  signal_ = std::max(signal_, signal);
}

bool SignalStop::maybeAct(bool allowed) {
  if (!tree_.root() || signal_ == 0 || !allowed) return false;
  if (!lastAsked_) {
    checkpoints_.makeLast();
    lastAsked_ = true;
    return true;
  }
  if (!checkpoints_.lastOver()) return false;
  shutdown_.begin(signal_);
  return true;
}

std::string SignalStop::summary(const std::string& file) const {
  const std::string what = fmt::format("jobstream: stopped by {}", signalName(shutdown_.signal()));
  if (file.empty())
    return what + "; no checkpoint was taken (none was asked for with --checkpoint FILE): running the same "
                  "command again starts from the beginning";
  if (checkpoints_.lastWritten())
    return fmt::format("{}; checkpoint written to '{}': rerun the same command to resume", what, file);
  std::error_code error;
  if (std::filesystem::exists(file, error))
    return fmt::format("{}; its checkpoint could not be written (above): rerunning the same command resumes "
                       "from the previous one in '{}'",
                       what, file);
  return what + "; its checkpoint could not be written (above): rerunning the same command starts from the "
                "beginning";
}

}  // namespace jobstream::detail
