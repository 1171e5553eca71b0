// accountctl backup and restore. Both are a consistent logical copy of the
// store (events/backup.h says why not a RocksDB checkpoint); a backup also
// records the last position and hash it holds in BACKUP.json, so a restore can
// prove it got back exactly what was saved.
#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "events/backup.h"
#include "events/private_files.h"
#include "events/timestamp.h"
#include "tools/accountctl/cli.h"
#include "tools/accountctl/clock.h"
#include "tools/accountctl/data_dir.h"
#include "tools/accountctl/output.h"

namespace accountctl {
namespace {

namespace fs = std::filesystem;
using closient::CopySummary;

constexpr char kManifestName[] = "BACKUP.json";

bool missing_or_empty(const std::string& dir) {
  std::error_code ec;
  if (!fs::exists(dir, ec)) return true;
  return fs::is_directory(dir, ec) && fs::is_empty(dir, ec);
}

// Removes what a failed copy left behind, keeping a directory that was there before.
void discard_copy(const std::string& dir, bool existed) {
  std::error_code ec;
  if (!existed) {
    fs::remove_all(dir, ec);
    return;
  }
  for (const auto& entry : fs::directory_iterator(dir, ec)) fs::remove_all(entry.path(), ec);
}

nlohmann::json summary_json(const CopySummary& summary) {
  return {{"last_position", summary.last_position},
          {"last_hash", summary.last_hash},
          {"keys", summary.keys}};
}

closient::Status write_manifest(const std::string& dest, const std::string& source,
                                const CopySummary& summary) {
  nlohmann::json manifest = summary_json(summary);
  manifest["format"] = 1;
  manifest["created_at"] = closient::format_timestamp_ms(now_ms());
  std::error_code ec;
  manifest["source"] = fs::absolute(source, ec).string();
  const std::string path = (fs::path(dest) / kManifestName).string();
  const std::string text = manifest.dump(2) + "\n";
  const int fd = closient::open_private_file(path, O_TRUNC);
  bool written = fd >= 0 && ::write(fd, text.data(), text.size()) == ssize_t(text.size());
  if (fd >= 0) written = ::close(fd) == 0 && written;
  if (!written) {
    return closient::Error::make(closient::ErrorCode::service_unavailable,
                                 "cannot write " + dest + "/" + kManifestName);
  }
  return closient::ok_status();
}

std::optional<nlohmann::json> read_manifest(const std::string& dir) {
  std::ifstream in(fs::path(dir) / kManifestName);
  if (!in) return std::nullopt;
  nlohmann::json manifest = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (!manifest.is_object()) return std::nullopt;
  return manifest;
}

void print_summary(const std::string& verb, const std::string& where, const CopySummary& summary) {
  print_fields({{verb, where},
                {"last position", std::to_string(summary.last_position)},
                {"last hash", summary.last_hash},
                {"entries copied", std::to_string(summary.keys)}});
}

// Checks the restored directory: its chain verifies and it ends where the copy
// (and the backup's manifest, when there is one) says.
std::optional<std::string> check_restored(const std::string& dir, const CopySummary& summary,
                                          const std::optional<nlohmann::json>& manifest) {
  auto log = open_for_reading(dir);
  if (!log.ok()) return describe(log.error());
  closient::ChainReport chain = (*log)->verify_chain();
  if (!chain.problem.empty()) {
    return fmt::format("the restored log fails verification at position {}: {}",
                       chain.first_broken_position, chain.problem);
  }
  if (chain.events_checked != summary.last_position) {
    return fmt::format("the restored log holds {} events, the copy said {}", chain.events_checked,
                       summary.last_position);
  }
  if (manifest) {
    const auto position = manifest->value("last_position", uint64_t{0});
    const auto hash = manifest->value("last_hash", std::string());
    if (position != summary.last_position || hash != summary.last_hash) {
      return fmt::format(
          "the backup's {} says position {} hash {}, but it holds position {} "
          "hash {}",
          kManifestName, position, hash, summary.last_position, summary.last_hash);
    }
  }
  return std::nullopt;
}

}  // namespace

int run_backup(const Context& context, const Args& args) {
  if (args.positionals().size() != 1) return fail_usage("backup", "give the destination DEST");
  if (closient::is_postgres_uri(context.store)) {
    return fail(kExitFailure,
                "backup works on a RocksDB data directory only; back up a PostgreSQL store with "
                "pg_dump or pg_basebackup, or copy it into a directory with accountctl migrate");
  }
  const std::string dest = args.positionals()[0];
  if (!missing_or_empty(dest)) return fail(kExitFailure, dest + " exists and is not empty");
  if (!holds_event_log(context.data_dir)) {
    return fail(kExitFailure, "no event log in " + context.data_dir);
  }
  std::error_code ec;
  const bool existed = fs::exists(dest, ec);

  auto summary = closient::copy_event_store(context.data_dir, dest);
  closient::Status manifest = summary.ok() ? write_manifest(dest, context.data_dir, *summary)
                                           : closient::Status(summary.error());
  if (!manifest.ok()) {
    discard_copy(dest, existed);
    return fail(manifest.error());
  }
  if (context.json) {
    nlohmann::json out = summary_json(*summary);
    out["backup"] = dest;
    print_json_line(out);
  } else {
    print_summary("backup", dest, *summary);
  }
  return kExitOk;
}

int run_restore(const Context& context, const Args& args) {
  if (args.positionals().size() != 1) return fail_usage("restore", "give the backup SRC");
  if (closient::is_postgres_uri(context.store)) {
    return fail(kExitFailure,
                "restore works on a RocksDB data directory only; back up a PostgreSQL store with "
                "pg_dump or pg_basebackup, or copy it into a directory with accountctl migrate");
  }
  const std::string source = args.positionals()[0];
  const std::string& target = context.data_dir;
  if (!holds_event_log(source)) return fail(kExitFailure, "no backup in " + source);
  if (!missing_or_empty(target)) {
    return fail(kExitFailure, "data directory " + target + " exists and is not empty");
  }
  const std::optional<nlohmann::json> manifest = read_manifest(source);

  // Copied beside the target and renamed into place, so an interrupted restore
  // never leaves a half-filled data directory that a server might open.
  fs::path target_path = fs::absolute(target);
  if (!target_path.has_filename()) target_path = target_path.parent_path();
  const std::string staging =
      target_path.string() + fmt::format(".restoring-{}", static_cast<long>(::getpid()));
  std::error_code ec;
  closient::create_private_directories(target_path.parent_path().string()).ok();
  auto summary = closient::copy_event_store(source, staging);
  if (!summary.ok()) {
    discard_copy(staging, false);
    return fail(summary.error());
  }
  if (fs::exists(target_path, ec)) fs::remove(target_path, ec);  // empty: checked above
  fs::rename(staging, target_path, ec);
  if (ec) {
    discard_copy(staging, false);
    return fail(kExitFailure, "cannot move the restored copy to " + target + ": " + ec.message());
  }

  if (auto problem = check_restored(target, *summary, manifest)) {
    return fail(kExitFailure, *problem);
  }
  if (context.json) {
    nlohmann::json out = summary_json(*summary);
    out["restored"] = target;
    out["verified"] = true;
    print_json_line(out);
  } else {
    print_summary("restored", target, *summary);
    print_line("hash chain verified; it ends where the backup does");
  }
  return kExitOk;
}

}  // namespace accountctl
