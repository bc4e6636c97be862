#include "shared_memory.hpp"

#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <signal.h>

#include <climits>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>
#include <thread>

namespace jobstream::launcher {
namespace {

namespace fs = std::filesystem;

// Whether the process /proc/PID is on its way out: a zombie, exiting
// (PF_EXITING in its flags), or with a SIGKILL waiting. A rank killed with
// its mpirun keeps its mappings for a while after mpirun is gone: the
// kernel tears its memory down after the signal is taken.
bool exiting(const fs::path& process) {
  std::ifstream stat(process / "stat");
  std::string text;
  std::getline(stat, text);
  const auto close = text.rfind(')');
  if (close == std::string::npos) return true;  // gone already
  std::istringstream fields(text.substr(close + 1));
  char state = 0;
  long skipped = 0;
  unsigned long flags = 0;
  fields >> state >> skipped >> skipped >> skipped >> skipped >> skipped >> flags;
  constexpr unsigned long kExiting = 0x4;  // PF_EXITING
  if (state == 'Z' || state == 'X' || (fields && (flags & kExiting) != 0)) return true;
  std::ifstream status(process / "status");
  constexpr unsigned long long kKill = 1ull << (SIGKILL - 1);
  for (std::string line; std::getline(status, line);) {
    if (!line.starts_with("SigPnd:") && !line.starts_with("ShdPnd:")) continue;
    if ((std::stoull(line.substr(7), nullptr, 16) & kKill) != 0) return true;
  }
  return false;
}

// Every file in `folder` that a process not on its way out has open or
// mapped, as far as /proc lets this user see (a file of mode 0600 is usable
// by its owner's processes and root's only, which are the ones seen).
std::set<std::string> filesInUse(const fs::path& folder) {
  std::set<std::string> used;
  const std::string prefix = folder.string() + "/";
  std::error_code error;
  for (const auto& process : fs::directory_iterator("/proc", error)) {
    const std::string pid = process.path().filename().string();
    if (pid.empty() || pid.find_first_not_of("0123456789") != std::string::npos) continue;
    if (exiting(process.path())) continue;
    std::ifstream maps(process.path() / "maps");
    for (std::string line; std::getline(maps, line);) {
      const auto at = line.find(prefix);
      if (at == std::string::npos) continue;
      std::string path = line.substr(at);
      if (path.ends_with(" (deleted)")) continue;
      used.insert(std::move(path));
    }
    std::error_code fdError;
    for (const auto& fd : fs::directory_iterator(process.path() / "fd", fdError)) {
      std::error_code linkError;
      const fs::path target = fs::read_symlink(fd.path(), linkError);
      if (!linkError && target.string().starts_with(prefix)) used.insert(target.string());
    }
  }
  return used;
}

}  // namespace

std::vector<std::string> segmentPrefixes(const std::string& host, uid_t uid) {
  std::vector<std::string> prefixes;
  const std::string shortHost = host.substr(0, host.find('.'));
  for (const std::string& name : {shortHost, host}) {
    if (name.empty()) continue;
    const std::string prefix = fmt::format("vader_segment.{}.{}.", name, uid);
    if (prefixes.empty() || prefixes.back() != prefix) prefixes.push_back(prefix);
  }
  return prefixes;
}

namespace {

// Calls `each(path, stat)` for every regular file in `folder` under `prefixes`.
template <typename Each>
void forEachSegment(const fs::path& folder, const std::vector<std::string>& prefixes, Each&& each) {
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(folder, error)) {
    const std::string name = entry.path().filename().string();
    bool ours = false;
    for (const std::string& prefix : prefixes) ours |= name.starts_with(prefix);
    struct stat info {};
    if (!ours || ::lstat(entry.path().c_str(), &info) != 0 || !S_ISREG(info.st_mode)) continue;
    each(entry.path(), info);
  }
}

}  // namespace

SegmentFiles segmentFiles(const fs::path& folder, const std::vector<std::string>& prefixes) {
  SegmentFiles files;
  forEachSegment(folder, prefixes, [&](const fs::path& path, const struct stat& info) {
    files.emplace(path.filename().string(), info.st_ino);
  });
  return files;
}

std::vector<std::string> removeLeftoverSegments(const fs::path& folder, const std::vector<std::string>& prefixes,
                                                uid_t uid, const SegmentFiles& before,
                                                std::chrono::milliseconds settle) {
  std::vector<fs::path> candidates;
  forEachSegment(folder, prefixes, [&](const fs::path& path, const struct stat& info) {
    if (info.st_uid == uid && !before.contains({path.filename().string(), info.st_ino})) candidates.push_back(path);
  });
  std::error_code error;
  std::vector<std::string> removed;
  const fs::path real = fs::canonical(folder, error);  // as /proc names the files
  const auto deadline = std::chrono::steady_clock::now() + settle;
  while (!candidates.empty()) {
    const std::set<std::string> used = filesInUse(real);
    std::vector<fs::path> kept;
    for (const fs::path& path : candidates) {
      std::error_code removeError;
      if (used.contains((real / path.filename()).string())) {
        kept.push_back(path);
      } else if (fs::remove(path, removeError)) {
        removed.push_back(path.filename().string());
      }
    }
    candidates = std::move(kept);
    if (candidates.empty() || std::chrono::steady_clock::now() >= deadline) break;
    std::this_thread::sleep_for(std::chrono::milliseconds{20});
  }
  return removed;
}

namespace {

std::vector<std::string> thisHostsPrefixes() {
  char host[HOST_NAME_MAX + 1] = {};
  if (::gethostname(host, sizeof host - 1) != 0) return {};
  return segmentPrefixes(host, ::geteuid());
}

}  // namespace

SegmentFiles segmentFilesNow() {
  const std::vector<std::string> prefixes = thisHostsPrefixes();
  return prefixes.empty() ? SegmentFiles{} : segmentFiles(kSharedMemoryFolder, prefixes);
}

void removeLeftoverSegments(const SegmentFiles& before) {
  const std::vector<std::string> prefixes = thisHostsPrefixes();
  if (prefixes.empty()) return;
  const std::vector<std::string> removed = removeLeftoverSegments(kSharedMemoryFolder, prefixes, ::geteuid(), before, kSettle);
  if (removed.empty()) return;
  std::cerr << fmt::format("jobstream run: removed {} shared-memory file{} that the failed run left in {} ({}{})\n",
                           removed.size(), removed.size() == 1 ? "" : "s", kSharedMemoryFolder.string(),
                           removed.front(), removed.size() == 1 ? "" : ", ...")
            << std::flush;
}

}  // namespace jobstream::launcher
