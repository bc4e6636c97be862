#include "launcher.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <limits>
#include <set>
#include <sstream>
#include <thread>

#include "attempt.hpp"
#include "jobstream/detail/exit_status.hpp"
#include "jobstream/detail/report.hpp"
#include "shared_memory.hpp"

extern char** environ;

namespace jobstream::launcher {
namespace {

std::string_view trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t\r");
  return text.substr(first, last - first + 1);
}

int parseCpus(std::string_view value, std::string_view origin, int line) {
  int cpus = 0;
  const std::string text(value);
  std::size_t used = 0;
  try {
    cpus = std::stoi(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != text.size() || text.empty() || cpus < 1)
    throw UsageError(fmt::format("{}, line {}: 'cpus={}' is not a positive number of CPUs", origin, line, value));
  return cpus;
}

// A shell quoting of `word` for the command line the launcher prints.
std::string quoted(const std::string& word) {
  const bool plain = !word.empty() && std::all_of(word.begin(), word.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || std::strchr("-_./:=,+@%", c) != nullptr;
  });
  if (plain) return word;
  std::string out = "'";
  for (char c : word) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string joined(const std::vector<std::string>& words) {
  std::string text;
  for (const std::string& word : words) text += (text.empty() ? "" : " ") + quoted(word);
  return text;
}

std::string describe(const Outcome& outcome) {
  if (outcome.signal != 0) return fmt::format("killed by signal {} ({})", outcome.signal, strsignal(outcome.signal));
  return fmt::format("exit status {}", outcome.status);
}

bool stoppedByUser(const Outcome& outcome) {
  using jobstream::detail::exit_status::stoppedBy;
  return outcome.stoppedBy != 0 || outcome.signal == SIGINT || outcome.signal == SIGTERM ||
         outcome.status == stoppedBy(SIGINT) || outcome.status == stoppedBy(SIGTERM);
}

// A number of at least `least` (a whole one if `whole`), or a message that
// says what is allowed.
CLI::Validator atLeast(std::string_view what, int least, bool whole) {
  return CLI::Validator(
      [what = std::string(what), least, whole](const std::string& text) -> std::string {
        double value = 0;
        std::size_t used = 0;
        try {
          value = std::stod(text, &used);
        } catch (const std::exception&) {
          used = 0;
        }
        const bool ok = used == text.size() && !text.empty() && std::isfinite(value) && value >= least &&
                        (!whole || (value == std::floor(value) && value <= std::numeric_limits<int>::max()));
        return ok ? std::string()
                  : fmt::format("'{}' is not a {}number of {} from {} up", text, whole ? "whole " : "", what, least);
      },
      "");
}

}  // namespace

std::vector<Host> parseHosts(std::string_view text, std::string_view origin) {
  std::vector<Host> hosts;
  std::set<std::string, std::less<>> seen;
  int lineNumber = 0;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t end = std::min(text.find('\n', start), text.size());
    std::string_view line = text.substr(start, end - start);
    start = end + 1;
    ++lineNumber;
    if (const auto hash = line.find('#'); hash != std::string_view::npos) line = line.substr(0, hash);
    // Words separated by blanks; hosts separated by commas; cpus=N for the line.
    std::vector<std::string_view> names;
    std::optional<int> cpus;
    std::size_t at = 0;
    while (at < line.size()) {
      const std::size_t wordEnd = std::min(line.find_first_of(" \t", at), line.size());
      const std::string_view word = trim(line.substr(at, wordEnd - at));
      at = wordEnd + 1;
      if (word.empty()) continue;
      if (word.starts_with("cpus=")) {
        if (cpus) throw UsageError(fmt::format("{}, line {}: cpus= is given twice", origin, lineNumber));
        cpus = parseCpus(word.substr(5), origin, lineNumber);
        continue;
      }
      if (word.find('=') != std::string_view::npos)
        throw UsageError(fmt::format("{}, line {}: unknown setting '{}'; the only one is cpus=N", origin,
                                     lineNumber, word));
      std::size_t from = 0;
      while (from <= word.size()) {
        const std::size_t comma = std::min(word.find(',', from), word.size());
        const std::string_view name = trim(word.substr(from, comma - from));
        if (!name.empty()) names.push_back(name);
        from = comma + 1;
      }
    }
    if (cpus && names.empty())
      throw UsageError(fmt::format("{}, line {}: cpus= needs hosts before it on its line", origin, lineNumber));
    for (std::string_view name : names) {
      if (!seen.insert(std::string(name)).second)
        throw UsageError(fmt::format("{}, line {}: host '{}' is listed twice", origin, lineNumber, name));
      hosts.push_back(Host{std::string(name), cpus});
    }
    if (end == text.size()) break;
  }
  if (hosts.empty()) throw UsageError(fmt::format("{} lists no host", origin));
  return hosts;
}

constexpr std::string_view kUsage =
    "usage: jobstream run [-n N] [--hostfile FILE | --host 'h1,h2 cpus=N'] [-c FILE]\n"
    "                     [--retries N] [--retry-delay SECONDS] [--min-hosts N]\n"
    "                     [--peer-timeout SECONDS] -- PROG ARGS...\n"
    "       jobstream --version\n"
    "'jobstream run --help' describes the options.\n";

Command parseCommandLine(int argc, const char* const* argv) {
  CLI::App app("Starts a jobstream program under mpirun, and again after a failure.", "jobstream");
  app.set_help_flag("-h,--help", "print the usage and exit");
  app.set_version_flag("--version", "jobstream " JOBSTREAM_VERSION, "print the version and exit");
  CLI::App* run = app.add_subcommand(
      "run", "jobstream run [OPTIONS] -- PROG ARGS...: runs PROG under mpirun, and again after a failure");
  run->set_help_flag("-h,--help", "print this and exit");
  run->prefix_command();  // PROG and everything after it belong to PROG
  run->allow_extras();
  Options options;
  int ranks = 0;
  std::string hostfile;
  std::string hostList;
  double delaySeconds = 1.0;
  run->add_option("-n,--np", ranks, "ranks to start (default: one per host, or 1)")->check(atLeast("ranks", 1, true));
  auto* file = run->add_option("--hostfile", hostfile, "hosts, one per line, each optionally with cpus=N");
  auto* host = run->add_option("--host", hostList, "hosts, e.g. 'h1,h2 cpus=4'");
  file->excludes(host);
  run->add_option("-c,--checkpoint", options.checkpoint,
                  "the program's checkpoint file: written while it runs, resumed from after a failure");
  std::string peerTimeout;
  run->add_option("--peer-timeout", peerTimeout,
                  "seconds a rank may go unheard before the run ends, and mpirun's limit for a host that stops "
                  "answering (default 60, or JOBSTREAM_PEER_TIMEOUT; 0: never)")
      ->check(atLeast("seconds", 0, false));
  run->add_option("--retries", options.retries, "runs to start again after a failed one (default 0)")
      ->check(atLeast("retries", 0, true));
  run->add_option("--retry-delay", delaySeconds,
                  "seconds before the first retry; the n-th waits n times as long (default 1)")
      ->check(atLeast("seconds", 0, false));
  run->add_option("--min-hosts", options.minHosts,
                  "with hosts: before a retry, each host is checked (through ssh, or Open MPI's plm_rsh_agent) "
                  "and those that do not answer are left out; fewer than N left: no retry (default 1)")
      ->check(atLeast("hosts", 1, true));
  app.require_subcommand(1);
  // After the first `--` comes PROG ARGS..., whatever they look like (or, when
  // PROG came before it, the rest of PROG's arguments).
  std::vector<std::string> words(argv + 1, argv + argc);
  const auto dashes = std::find(words.begin(), words.end(), "--");
  std::vector<std::string> program;
  const bool hasDashes = dashes != words.end();
  if (hasDashes) {
    program.assign(dashes + 1, words.end());
    words.erase(dashes, words.end());
  }
  try {
    std::reverse(words.begin(), words.end());  // CLI11 takes them last first
    app.parse(words);
  } catch (const CLI::CallForHelp&) {
    return run->parsed() ? run->help() : std::string(kUsage);
  } catch (const CLI::CallForVersion& version) {
    return std::string(version.what()) + "\n";
  } catch (const CLI::ParseError& e) {
    // At the top level, the only words CLI11 does not take are a first word
    // that is no command, or none at all.
    if (!run->parsed() && (e.get_name() == "RequiredError" || e.get_name() == "ExtrasError")) {
      const std::string_view first = argc >= 2 ? argv[1] : "--";
      if (first == "--") throw UsageError("no command given");
      throw UsageError(fmt::format("unknown {} '{}'", first[0] == '-' ? "option" : "command", first));
    }
    throw UsageError(e.what());
  }
  options.program = run->remaining();
  // `jobstream run prog -- -3`: that `--` was PROG's own.
  if (!options.program.empty() && hasDashes) options.program.push_back("--");
  options.program.insert(options.program.end(), program.begin(), program.end());
  if (options.program.empty()) throw UsageError("no program to run: jobstream run [OPTIONS] -- PROG ARGS...");
  if (ranks != 0) options.ranks = ranks;
  if (!peerTimeout.empty()) {
    options.peerTimeoutGiven = peerTimeout;
    options.peerTimeout = std::stod(peerTimeout);
  } else if (const char* inherited = std::getenv("JOBSTREAM_PEER_TIMEOUT")) {
    // The ranks get it too (forwarded); one they refuse ends the run there.
    char* end = nullptr;
    const double seconds = std::strtod(inherited, &end);
    if (*inherited != '\0' && *end == '\0' && std::isfinite(seconds) && seconds >= 0) options.peerTimeout = seconds;
  }
  options.retryDelay = std::chrono::milliseconds(static_cast<long long>(delaySeconds * 1000.0));
  if (!options.checkpoint.empty()) options.checkpoint = std::filesystem::absolute(options.checkpoint).string();
  if (!hostList.empty()) options.hosts = parseHosts(hostList, "--host");
  if (!hostfile.empty()) {
    std::ifstream in(hostfile);
    if (!in) throw UsageError(fmt::format("cannot read the hostfile '{}': {}", hostfile, std::strerror(errno)));
    std::stringstream text;
    text << in.rdbuf();
    options.hosts = parseHosts(text.str(), fmt::format("hostfile '{}'", hostfile));
  }
  return options;
}

std::vector<std::string> forwardedVariables(const std::vector<std::string>& environment) {
  static const std::set<std::string, std::less<>> kLocal = {
      "_", "PWD", "OLDPWD", "SHLVL", "HOSTNAME", "HOST", "DISPLAY", "XAUTHORITY", "TERM", "TERMCAP", "SHELL",
      "SSH_CLIENT", "SSH_CONNECTION", "SSH_TTY", "SSH_AUTH_SOCK", "TMUX", "TMUX_PANE", "STY", "WINDOW",
      // Folders of this host: another host has its own, or none by that name.
      "TMPDIR", "XDG_RUNTIME_DIR"};
  std::vector<std::string> names;
  for (const std::string& entry : environment) {
    const auto equals = entry.find('=');
    if (equals == 0 || equals == std::string::npos) continue;
    const std::string name = entry.substr(0, equals);
    const bool shellFunction = name.starts_with("BASH_FUNC_");
    const bool mpiOwn = name.starts_with("OMPI_") || name.starts_with("OPAL_") || name.starts_with("PMIX_") ||
                        name.starts_with("PRTE_");
    const bool plainName = std::all_of(name.begin(), name.end(), [](char c) {
      return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
    });
    if (kLocal.contains(name) || shellFunction || mpiOwn || !plainName) continue;
    names.push_back(name);
  }
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  return names;
}

std::vector<std::string> mpirunCommand(const Options& options, const std::string& mpirun,
                                       const std::vector<std::string>& forwarded) {
  const int ranks = options.ranks.value_or(options.hosts.empty() ? 1 : static_cast<int>(options.hosts.size()));
  std::vector<std::string> command{mpirun, "-n", std::to_string(ranks)};
  if (!options.hosts.empty()) {
    std::string list;
    for (const Host& host : options.hosts) {
      if (!list.empty()) list += ',';
      list += host.name;
      if (host.cpus) list += ':' + std::to_string(*host.cpus);
    }
    command.insert(command.end(), {"--host", list});
  }
  command.insert(command.end(), {"--map-by", "node", "--bind-to", "none"});
  if (!options.hosts.empty()) {
    const std::vector<std::string> keepalive = keepaliveArguments(options.peerTimeout);
    command.insert(command.end(), keepalive.begin(), keepalive.end());
  }
  for (const std::string& name : forwarded) {
    if (!options.checkpoint.empty() && name == "JOBSTREAM_CHECKPOINT") continue;
    if (options.peerTimeoutGiven && name == "JOBSTREAM_PEER_TIMEOUT") continue;
    command.insert(command.end(), {"-x", name});
  }
  if (!options.checkpoint.empty()) command.insert(command.end(), {"-x", "JOBSTREAM_CHECKPOINT=" + options.checkpoint});
  if (options.peerTimeoutGiven)
    command.insert(command.end(), {"-x", "JOBSTREAM_PEER_TIMEOUT=" + *options.peerTimeoutGiven});
  command.insert(command.end(), options.program.begin(), options.program.end());
  return command;
}

std::vector<std::string> keepaliveArguments(double peerTimeout) {
  if (!(peerTimeout > 0)) return {};
  const auto seconds = [](double value) { return std::to_string(std::max(1LL, static_cast<long long>(std::ceil(value)))); };
  return {"--mca", "oob_tcp_keepalive_time", seconds(peerTimeout / 2), "--mca", "oob_tcp_keepalive_intvl",
          seconds(peerTimeout / 10), "--mca", "oob_tcp_keepalive_probes", "3"};
}

namespace {

// The value of variable `name` in `environment` ("NAME=VALUE" entries), if
// set: the first, as getenv finds it.
std::optional<std::string> valueOf(const std::vector<std::string>& environment, std::string_view name) {
  for (const std::string& entry : environment)
    if (entry.size() > name.size() && entry.starts_with(name) && entry[name.size()] == '=')
      return entry.substr(name.size() + 1);
  return std::nullopt;
}

// The last line of `text` that is not blank, trimmed, and at most 200 bytes.
std::string_view lastLine(std::string_view text) {
  std::string_view line;
  std::size_t from = 0;
  while (from < text.size()) {
    const std::size_t end = std::min(text.find('\n', from), text.size());
    if (const std::string_view candidate = trim(text.substr(from, end - from)); !candidate.empty()) line = candidate;
    from = end + 1;
  }
  return line.substr(0, 200);
}

bool executable(const std::string& word, const std::optional<std::string>& path) {
  if (word.find('/') != std::string::npos) return ::access(word.c_str(), X_OK) == 0;
  const std::string folders = path.value_or("/usr/bin:/bin");
  std::size_t from = 0;
  while (from <= folders.size()) {
    const std::size_t colon = std::min(folders.find(':', from), folders.size());
    const std::string folder = folders.substr(from, colon - from);
    const std::string candidate = (folder.empty() ? std::string(".") : folder) + "/" + word;
    std::error_code error;
    if (::access(candidate.c_str(), X_OK) == 0 && !std::filesystem::is_directory(candidate, error)) return true;
    from = colon + 1;
  }
  return false;
}

}  // namespace

std::vector<std::string> launchAgent(const std::vector<std::string>& environment) {
  std::optional<std::string> setting;
  for (const std::string_view name : {"OMPI_MCA_plm_rsh_agent", "OMPI_MCA_orte_rsh_agent", "OMPI_MCA_pls_rsh_agent"})
    if ((setting = valueOf(environment, name))) break;
  const std::string list = setting.value_or("ssh : rsh");
  const std::optional<std::string> path = valueOf(environment, "PATH");
  std::vector<std::vector<std::string>> alternatives;
  std::size_t from = 0;
  while (from <= list.size()) {
    const std::size_t colon = std::min(list.find(':', from), list.size());
    const std::string_view alternative = std::string_view(list).substr(from, colon - from);
    from = colon + 1;
    std::vector<std::string> words;
    std::size_t at = 0;
    while (at < alternative.size()) {
      const std::size_t end = std::min(alternative.find_first_of(" \t", at), alternative.size());
      if (end > at) words.emplace_back(alternative.substr(at, end - at));
      at = end + 1;
    }
    if (words.empty()) continue;
    if (executable(words.front(), path)) return words;
    alternatives.push_back(std::move(words));
  }
  if (alternatives.empty()) return {"ssh"};  // a setting of blanks and colons: Open MPI's default, ssh
  return alternatives.front();
}

std::vector<std::string> hostCheckCommand(const std::vector<std::string>& agent, const std::string& host) {
  std::vector<std::string> command = agent;
  if (!agent.empty() && std::filesystem::path(agent.front()).filename() == "ssh")
    command.insert(command.end(), {"-o", "BatchMode=yes", "-o", "ConnectTimeout=5"});
  command.insert(command.end(), {host, "true"});
  return command;
}

std::vector<HostAnswer> checkHosts(const std::vector<Host>& hosts, const std::vector<std::string>& agent,
                                   const CommandRunner& run, std::chrono::milliseconds limit) {
  std::vector<CommandResult> results(hosts.size());
  std::atomic<std::size_t> next{0};
  const auto checkSome = [&] {
    for (std::size_t i = next++; i < hosts.size(); i = next++)
      results[i] = run(hostCheckCommand(agent, hosts[i].name), limit);
  };
  constexpr std::size_t kAtOnce = 16;
  std::vector<std::thread> threads;
  for (std::size_t i = 1; i < std::min(kAtOnce, hosts.size()); ++i) threads.emplace_back(checkSome);
  checkSome();
  for (std::thread& thread : threads) thread.join();

  std::vector<HostAnswer> answers;
  for (std::size_t i = 0; i != hosts.size(); ++i) {
    const CommandResult& result = results[i];
    HostAnswer& answer = answers.emplace_back(HostAnswer{hosts[i], result.succeeded(), ""});
    if (answer.answers) continue;
    const std::string command = joined(hostCheckCommand(agent, hosts[i].name));
    if (result.timedOut) {
      answer.why = fmt::format("'{}' timed out after {:g} s", command, std::chrono::duration<double>(limit).count());
      continue;
    }
    answer.why = fmt::format("'{}' {}", command,
                             result.signal != 0
                                 ? fmt::format("was killed by signal {} ({})", result.signal, strsignal(result.signal))
                                 : fmt::format("failed with exit status {}", result.status));
    // Its last line says why, as ssh's "connect to host h3 port 22: No route to host".
    if (const std::string_view said = lastLine(result.output); !said.empty()) answer.why += fmt::format(": {}", said);
  }
  return answers;
}

std::string announcement(const Options& options, const std::string& mpirun,
                         const std::vector<std::string>& forwarded) {
  std::string text = "jobstream run: " + joined(mpirunCommand(options, mpirun, {})) + "\n";
  std::vector<std::string> names;
  for (const std::string& name : forwarded)
    if ((options.checkpoint.empty() || name != "JOBSTREAM_CHECKPOINT") &&
        (!options.peerTimeoutGiven || name != "JOBSTREAM_PEER_TIMEOUT"))
      names.push_back(name);
  if (!names.empty()) {
    std::string list;
    for (const std::string& name : names) list += (list.empty() ? "" : " ") + name;
    text += fmt::format("jobstream run: forwarding {} variable{} of this environment to every rank (mpirun -x): {}\n",
                        names.size(), names.size() == 1 ? "" : "s", list);
  }
  return text;
}

int runWithRetries(const Options& given, const std::string& mpirun, const std::vector<std::string>& forwarded,
                   const std::function<Outcome(const std::vector<std::string>&)>& run,
                   const std::function<void(std::chrono::milliseconds)>& sleep, std::ostream& log,
                   const HostChecker& check) {
  Options options = given;  // its hosts: those that still answer
  for (int attempt = 0;; ++attempt) {
    const Outcome outcome = run(mpirunCommand(options, mpirun, forwarded));
    if (outcome.succeeded()) {
      if (attempt != 0)
        log << fmt::format("jobstream run: the run succeeded after {} {}", attempt,
                           attempt == 1 ? "retry" : "retries")
            << std::endl;
      return 0;
    }
    const int status = outcome.signal != 0 ? 128 + outcome.signal : outcome.status;
    if (outcome.status == jobstream::detail::exit_status::refused) {
      log << "jobstream run: the program refused its command line or its checkpoint (exit status 2); not "
             "starting it again"
          << std::endl;
      return status;
    }
    if (stoppedByUser(outcome)) {
      log << fmt::format("jobstream run: the run was stopped ({}); not starting it again", describe(outcome))
          << std::endl;
      return status;
    }
    if (attempt == options.retries) {
      if (options.retries == 0)
        log << fmt::format("jobstream run: the run failed ({}); no retries were asked for (--retries N)",
                           describe(outcome))
            << std::endl;
      else
        log << fmt::format("jobstream run: the run failed ({}); giving up after {} {}", describe(outcome),
                           options.retries, options.retries == 1 ? "retry" : "retries")
            << std::endl;
      return status;
    }
    // A host that does not answer is left out of this retry and the rest.
    bool hostsLeftOut = false;
    if (!options.hosts.empty() && check) {
      std::vector<Host> answering;
      std::size_t left = options.hosts.size();
      for (const HostAnswer& answer : check(options.hosts)) {
        if (answer.answers) {
          answering.push_back(answer.host);
          continue;
        }
        --left;
        log << fmt::format("jobstream run: host {} does not answer ({}); leaving it out: {} host{} left",
                           answer.host.name, answer.why, left, left == 1 ? "" : "s")
            << std::endl;
      }
      if (answering.empty()) {
        log << fmt::format("jobstream run: the run failed ({}); no host answers: not starting it again",
                           describe(outcome))
            << std::endl;
        return status;
      }
      if (static_cast<int>(answering.size()) < options.minHosts) {
        log << fmt::format("jobstream run: the run failed ({}); {} host{} answer{}, fewer than --min-hosts {}: not "
                           "starting it again",
                           describe(outcome), answering.size(), answering.size() == 1 ? "" : "s",
                           answering.size() == 1 ? "s" : "", options.minHosts)
            << std::endl;
        return status;
      }
      hostsLeftOut = answering.size() != options.hosts.size();
      options.hosts = std::move(answering);
    }
    const auto delay = options.retryDelay * (attempt + 1);
    std::string from;
    if (!options.checkpoint.empty()) {
      std::error_code error;
      from = std::filesystem::exists(options.checkpoint, error)
                 ? fmt::format(" from the checkpoint '{}'", options.checkpoint)
                 : " from the beginning (no checkpoint was written yet)";
    }
    log << fmt::format("jobstream run: the run failed ({}); starting it again{} in {:.3g} s (retry {} of {})",
                       describe(outcome), from, std::chrono::duration<double>(delay).count(), attempt + 1,
                       options.retries)
        << std::endl;
    if (hostsLeftOut)  // the command as the first line of the announcement says it
      log << "jobstream run: " << joined(mpirunCommand(options, mpirun, {})) << std::endl;
    sleep(delay);
  }
}

int main(int argc, const char* const* argv) {
  Options options;
  try {
    Command command = parseCommandLine(argc, argv);
    if (const std::string* text = std::get_if<std::string>(&command)) {
      std::cout << *text;
      return 0;
    }
    options = std::move(std::get<Options>(command));
  } catch (const UsageError& e) {
    jobstream::detail::reportError(std::cerr, e.what());
    std::cerr << "'jobstream --help' or 'jobstream run --help' says more.\n";
    return jobstream::detail::exit_status::refused;
  }
  const char* mpirun = std::getenv("JOBSTREAM_MPIRUN");
  std::vector<std::string> environment;
  for (char** entry = environ; *entry != nullptr; ++entry) environment.emplace_back(*entry);
  const std::string mpirunPath = mpirun && *mpirun ? mpirun : "mpirun";
  const std::vector<std::string> forwarded = forwardedVariables(environment);
  std::cerr << announcement(options, mpirunPath, forwarded) << std::flush;
  const bool hosts = !options.hosts.empty();
  const auto runAttempt = [hosts](const std::vector<std::string>& command) {
    const SegmentFiles before = segmentFilesNow();
    const Outcome outcome = runCommand(command, std::chrono::seconds{10}, hosts);
    if (!outcome.succeeded()) removeLeftoverSegments(before);
    return outcome;
  };
  const std::vector<std::string> agent = launchAgent(environment);
  return runWithRetries(
      options, mpirunPath, forwarded, runAttempt,
      [](std::chrono::milliseconds delay) { std::this_thread::sleep_for(delay); }, std::cerr,
      [&agent](const std::vector<Host>& list) { return checkHosts(list, agent, runWithTimeout); });
}

}  // namespace jobstream::launcher
