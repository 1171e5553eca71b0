// The event log makes its directories 0700 and its files 0600 whatever the umask
// of the process using it: the modes are explicit (events/private_file_system.h),
// not left to the caller. Also for a backup's copy.
#include <sys/stat.h>

#include <boost/test/unit_test.hpp>
#include <filesystem>

#include "events/backup.h"
#include "events/private_files.h"
#include "events/rocks_event_log.h"
#include "events_test_support.h"

using namespace closient;
using namespace closient::testing;
namespace fs = std::filesystem;

namespace {

mode_t mode_of(const fs::path& path) {
  struct stat info {};
  return ::stat(path.c_str(), &info) == 0 ? info.st_mode & 07777 : 0;
}

// Restores the test process's umask when done.
class UmaskScope {
 public:
  explicit UmaskScope(mode_t mask) : previous_(::umask(mask)) {}
  ~UmaskScope() { ::umask(previous_); }

 private:
  mode_t previous_;
};

// Every directory under `root` 0700 and every file 0600; answers the file count.
std::size_t expect_private_tree(const fs::path& root) {
  BOOST_TEST(mode_of(root) == mode_t{0700}, root.string());
  std::size_t files = 0;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    const mode_t expected = entry.is_directory() ? 0700 : 0600;
    BOOST_TEST(mode_of(entry.path()) == expected,
               entry.path().string() << " is " << std::oct << mode_of(entry.path()));
    if (entry.is_regular_file()) ++files;
  }
  return files;
}

void append_one(const std::string& dir, const std::string& stream) {
  auto log = RocksEventLog::open(dir);
  BOOST_REQUIRE_MESSAGE(log.ok(), (log.ok() ? "" : log.error().detail));
  BOOST_REQUIRE(log.value()->append(append_to(stream, ExpectedVersion::any(), {event("A")})).ok());
}

}  // namespace

BOOST_AUTO_TEST_CASE(the_log_and_its_copy_are_private_under_a_permissive_umask) {
  UmaskScope permissive(022);
  TempDir dir;
  const std::string data = dir.sub("a/b/data");
  append_one(data, "org-1");
  append_one(data, "org-2");  // reopened: a new MANIFEST, WAL and info log
  for (const fs::path& created : {fs::path(dir.sub("a")), fs::path(dir.sub("a/b"))}) {
    BOOST_TEST(mode_of(created) == mode_t{0700}, created.string());
  }
  BOOST_TEST(expect_private_tree(data) > 3u);

  const std::string copy = dir.sub("backups/first");
  Result<CopySummary> copied = copy_event_store(data, copy);
  BOOST_REQUIRE_MESSAGE(copied.ok(), (copied.ok() ? "" : copied.error().detail));
  BOOST_TEST(copied->last_position == 2u);
  BOOST_TEST(expect_private_tree(dir.sub("backups")) > 3u);
}

BOOST_AUTO_TEST_CASE(a_file_or_directory_that_exists_keeps_its_mode) {
  UmaskScope open(0);
  TempDir dir;
  const std::string data = dir.sub("data");
  BOOST_REQUIRE(create_private_directories(data).ok());
  BOOST_TEST(mode_of(data) == mode_t{0700});
  ::chmod(data.c_str(), 0750);  // the operator's choice
  append_one(data, "org-1");
  BOOST_TEST(mode_of(data) == mode_t{0750});
  const fs::path lock = fs::path(data) / "LOCK";
  ::chmod(lock.c_str(), 0640);
  append_one(data, "org-1");
  BOOST_TEST(mode_of(lock) == mode_t{0640});

  const int fd = open_private_file(dir.sub("lock"));
  BOOST_REQUIRE(fd >= 0);
  ::close(fd);
  BOOST_TEST(mode_of(dir.sub("lock")) == mode_t{0600});
}
