// Item 7: everything the service writes is its owner's alone. A scripted session
// (bootstrap, a server taking writes, a backup, a restore) under a permissive
// umask, then every directory must be 0700 and every file 0600.
#include <sys/stat.h>

#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "integration/server_process.h"

using namespace closient::testing;
namespace fs = std::filesystem;

namespace {

// Restores the test process's umask when done.
class UmaskScope {
 public:
  explicit UmaskScope(mode_t mask) : previous_(::umask(mask)) {}
  ~UmaskScope() { ::umask(previous_); }

 private:
  mode_t previous_;
};

mode_t mode_of(const fs::path& path) {
  struct stat info {};
  if (::lstat(path.c_str(), &info) != 0) return 0;
  return info.st_mode & 07777;
}

// Every directory under `root` (and root) 0700, every file 0600; counts files.
std::size_t expect_private_tree(const fs::path& root) {
  BOOST_TEST(mode_of(root) == mode_t{0700}, root.string());
  std::size_t files = 0;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    if (entry.is_symlink()) continue;
    const mode_t expected = entry.is_directory() ? 0700 : 0600;
    BOOST_TEST(mode_of(entry.path()) == expected,
               entry.path().string() << " is " << std::oct << mode_of(entry.path()));
    if (entry.is_regular_file()) ++files;
  }
  return files;
}

}  // namespace

BOOST_AUTO_TEST_CASE(every_file_of_a_session_and_of_its_backup_is_private) {
  UmaskScope permissive(022);  // the binaries must not rely on their caller's umask
  TempDir scratch;
  const std::string data = scratch.sub("service/data");  // its parent is made too

  const CommandResult boot =
      run_accountctl({"--data", data, "--json", "bootstrap", "--email", "ann@example.com", "--org",
                      "Acme", "--country", "DE"});
  BOOST_REQUIRE_MESSAGE(boot.exit_code == 0, boot.err);
  const std::string key = nlohmann::json::parse(boot.out)["api_key"];
  const std::string org = nlohmann::json::parse(boot.out)["organization_id"];

  {
    ServerProcess server({}, data);
    const HeaderList auth = {{"X-API-Key", key}, {"Content-Type", "application/json"}};
    BOOST_TEST(server
                   .request("POST", "/account/api/v1/organizations/" + org + "/members", auth,
                            R"({"email":"bob@example.com","role":"manager"})")
                   .status == 200);
    BOOST_TEST(server
                   .request("POST", "/account/api/v1/api-keys",
                            {{"X-API-Key", key},
                             {"Content-Type", "application/json"},
                             {"Idempotency-Key", "modes-1"}},
                            R"({"name":"ci","role":"readonly"})")
                   .status == 200);
    BOOST_TEST(server.stop() == 0);
  }

  const std::string backup = scratch.sub("backups/first");
  const CommandResult saved = run_accountctl({"--data", data, "backup", backup});
  BOOST_REQUIRE_MESSAGE(saved.exit_code == 0, saved.err);
  const std::string restored = scratch.sub("restored/data");
  const CommandResult back = run_accountctl({"--data", restored, "restore", backup});
  BOOST_REQUIRE_MESSAGE(back.exit_code == 0, back.err);

  BOOST_TEST(expect_private_tree(scratch.sub("service")) > 5u);
  BOOST_TEST(fs::exists(fs::path(data) / "accountd.lock"));
  BOOST_TEST(expect_private_tree(scratch.sub("backups")) > 3u);
  BOOST_TEST(fs::exists(fs::path(backup) / "BACKUP.json"));
  BOOST_TEST(expect_private_tree(scratch.sub("restored")) > 3u);
}
