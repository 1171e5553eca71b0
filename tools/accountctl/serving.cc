#include "tools/accountctl/serving.h"

#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>

#include "projections/snapshot_files.h"

namespace accountctl {

closient::Result<closient::LoadedState> load_state(closient::EventStore& log,
                                                   const std::string& data_dir,
                                                   std::vector<std::string>* refused) {
  closient::SnapshotFiles files(data_dir);
  return closient::load_serving_state(log, {&files, log.shared_snapshots()},
                                      [refused](const std::string& line) {
                                        if (refused) {
                                          refused->push_back(line);
                                        } else {
                                          std::fprintf(stderr, "accountctl: %s\n", line.c_str());
                                        }
                                      });
}

closient::Result<std::unique_ptr<closient::ServingState>> replay_everything(
    closient::EventStore& log, bool progress, closient::ReplayReport* report) {
  auto state = std::make_unique<closient::ServingState>();
  const bool on_terminal = progress && ::isatty(STDERR_FILENO);
  const auto started = std::chrono::steady_clock::now();
  auto last_print = started;
  closient::ReplayProgress show;
  if (on_terminal) {
    show = [&](uint64_t done, uint64_t target) {
      const auto now = std::chrono::steady_clock::now();
      if (now - last_print < std::chrono::milliseconds(200) && done < target) return;
      last_print = now;
      const double seconds = std::chrono::duration<double>(now - started).count();
      const double rate = seconds > 0 ? done / seconds : 0;
      const double left = rate > 0 ? (target > done ? target - done : 0) / rate : 0;
      std::fprintf(stderr, "\r  %llu / %llu events, %.0f events/s, %.0f s left   ",
                   static_cast<unsigned long long>(done), static_cast<unsigned long long>(target),
                   rate, left);
      std::fflush(stderr);
    };
  }
  auto replayed = closient::replay_log(log, *state, show);
  if (on_terminal) std::fputs("\n", stderr);
  if (!replayed.ok()) return replayed.error();
  if (report) *report = *replayed;
  return state;
}

}  // namespace accountctl
