// No raw secret in any stored byte (contract §2, issue 11 item 5): a scripted
// session makes every kind of secret the service hands out — a bootstrap csu
// key, a bearer token, a session cookie and its CSRF token (accountctl), and
// csb, cpk and csu keys created through the API, with Idempotency-Key and
// replayed — and then every file of the data directory and of a backup is
// searched for them: the raw bytes of each file (the write-ahead log, SST
// files, manifests, options, lock and backup metadata alike), and every key
// and value of every column family read back through RocksDB (which sees
// through block compression).
#include <rocksdb/db.h>
#include <rocksdb/options.h>

#include <filesystem>

#include "events/sha256.h"
#include "integration/api_support.h"

using namespace api_test;
namespace fs = std::filesystem;

namespace {

struct Secret {
  std::string label;
  std::string raw;
};

// Fragments of a secret long enough never to occur by chance: a secret that a
// compressor split (a block-local match in the middle) still shows one.
constexpr size_t kWindow = 12;

bool shows(const std::string& haystack, const std::string& secret) {
  if (secret.size() <= kWindow) return haystack.find(secret) != std::string::npos;
  for (size_t at = 0; at + kWindow <= secret.size(); at += kWindow / 2) {
    if (haystack.find(secret.substr(at, kWindow)) != std::string::npos) return true;
  }
  return haystack.find(secret.substr(secret.size() - kWindow)) != std::string::npos;
}

// "label in path" for every secret some file shows.
std::vector<std::string> raw_leaks(const std::string& dir, const std::vector<Secret>& secrets,
                                   size_t* files_read) {
  std::vector<std::string> found;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    ++*files_read;
    const std::string bytes = closient::testing::read_file(entry.path().string());
    for (const Secret& secret : secrets) {
      if (shows(bytes, secret.raw)) found.push_back(secret.label + " in " + entry.path().string());
    }
  }
  return found;
}

// Every key and value of every column family, as RocksDB reads them back.
std::string logical_contents(const std::string& dir) {
  rocksdb::Options options;
  std::vector<std::string> families;
  rocksdb::Status listed = rocksdb::DB::ListColumnFamilies(options, dir, &families);
  BOOST_REQUIRE_MESSAGE(listed.ok(), listed.ToString());
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (const std::string& name : families) descriptors.emplace_back(name, options);
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw_db = nullptr;
  rocksdb::Status opened =
      rocksdb::DB::OpenForReadOnly(options, dir, descriptors, &handles, &raw_db);
  BOOST_REQUIRE_MESSAGE(opened.ok(), opened.ToString());
  std::unique_ptr<rocksdb::DB> db(raw_db);
  std::string all;
  for (rocksdb::ColumnFamilyHandle* handle : handles) {
    std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions(), handle));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      all += it->key().ToString() + "\n" + it->value().ToString() + "\n";
    }
    BOOST_TEST(it->status().ok());
  }
  for (rocksdb::ColumnFamilyHandle* handle : handles) db->DestroyColumnFamilyHandle(handle);
  return all;
}

}  // namespace

BOOST_AUTO_TEST_CASE(no_secret_a_session_created_is_stored_anywhere) {
  TempDir dir;
  const std::string data = dir.path() + "/data";
  std::vector<Secret> secrets;

  const json boot = accountctl_json(
      data, {"bootstrap", "--email", "ann@example.com", "--org", "Acme", "--country", "DE"});
  const std::string org = boot["organization_id"];
  secrets.push_back({"bootstrap csu key", boot["api_key"]});
  const json token = accountctl_json(data, {"token", "issue", "--email", "ann@example.com"});
  secrets.push_back({"bearer token", token["token"]});
  const json browser = accountctl_json(data, {"session", "issue", "--email", "ann@example.com"});
  secrets.push_back({"session cookie", browser["sessionid"]});
  secrets.push_back({"csrf token", browser["csrf_token"]});

  {
    ServerProcess server({}, data);
    const Client c(server.port());
    const Credential by_key = api_key("csu", boot["api_key"]);
    const Credential by_token = bearer("token", token["token"]);
    const Credential by_session = session("session", browser["sessionid"], browser["csrf_token"]);
    const std::string keys = "/organizations/" + org + "/api-keys";
    // Each kind of key, created with an Idempotency-Key and replayed, by each
    // kind of credential; the replay must not hand the key out again.
    struct Creation {
      std::string path;
      json body;
      const Credential* by;
    };
    const std::vector<Creation> creations = {
        {keys, json{{"name", "business"}}, &by_key},
        {keys, json{{"name", "publishable"}, {"kind", "publishable"}}, &by_token},
        {"/api-keys", json{{"name", "personal"}, {"role", "readonly"}}, &by_session},
        {"/api-keys", json{{"name", "personal manager"}, {"role", "manager"}}, &by_token},
    };
    int n = 0;
    for (const Creation& creation : creations) {
      const HeaderList once = {{"Idempotency-Key", "create-" + std::to_string(++n)}};
      const HttpResponse first = c.post(creation.path, *creation.by, creation.body, once);
      BOOST_TEST_REQUIRE(first.status == 200, first.body);
      const std::string raw = body_of(first)["key"];
      secrets.push_back({"created key " + std::to_string(n), raw});
      const HttpResponse replay = c.post(creation.path, *creation.by, creation.body, once);
      BOOST_TEST(replay.header("Idempotency-Replayed").value_or("") == "true");
      BOOST_TEST(!shows(replay.body, raw));
      // Every key is used, so key usage (last_used) is stored too.
      BOOST_TEST(c.get("/whoami", api_key("new", raw)).status == 200);
    }
    BOOST_TEST(c.get("/whoami", by_session).status == 200);

    // While the server runs, the write-ahead log holds the recent writes.
    size_t files = 0;
    const std::vector<std::string> live = raw_leaks(data, secrets, &files);
    BOOST_TEST(live.empty(), live.size() << " leaks, first: " << (live.empty() ? "" : live[0]));
    BOOST_TEST(server.stop() == 0);  // flushes the memtables into SST files
  }

  const std::string backup = dir.path() + "/backup";
  const closient::testing::CommandResult backed_up =
      closient::testing::run_accountctl({"--data", data, "backup", backup});
  BOOST_TEST_REQUIRE(backed_up.exit_code == 0, backed_up.err);

  for (const std::string& where : {data, backup}) {
    BOOST_TEST_CONTEXT(where) {
      size_t files = 0;
      const std::vector<std::string> leaks = raw_leaks(where, secrets, &files);
      BOOST_TEST(files > 3u);
      BOOST_TEST(leaks.empty(), leaks.size()
                                    << " leaks, first: " << (leaks.empty() ? "" : leaks[0]));
      // The raw search can see: a stored random string of the same kind, a
      // key's hash, shows in the files.
      size_t again = 0;
      BOOST_TEST(
          !raw_leaks(where, {{"hash", closient::sha256_hex(secrets[0].raw)}}, &again).empty());
      const std::string contents = logical_contents(where);
      for (const Secret& secret : secrets) {
        BOOST_TEST(!shows(contents, secret.raw), secret.label << " is stored");
        // The search can see: what is meant to be stored, the hash, is found.
        BOOST_TEST(shows(contents, closient::sha256_hex(secret.raw)), secret.label);
      }
    }
  }
}
