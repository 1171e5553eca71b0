// accountctl verify, rebuild, backup, restore and stats on real data
// directories, including ones damaged behind the service's back.
#include <fstream>

#include "accountctl_support.h"
#include "domain/ids.h"
#include "domain/user.h"
#include "projections/snapshot.h"

using namespace accountctl_test;

namespace {

// A data directory with two users and organizations, a token and a session.
struct Populated {
  TempDir dir;
  std::string data = dir.sub("data");
  Bootstrapped ann, bob;

  Populated() {
    ann = bootstrap(data, "ann@example.com", "Acme", "DE");
    bob = bootstrap(data, "bob@example.com", "Bobco", "FR");
    ok(data, {"token", "issue", "--email", "ann@example.com"});
    ok(data, {"session", "issue", "--email", "bob@example.com"});
  }
};

nlohmann::json verify_json(const std::string& dir, std::vector<std::string> extra, int exit_code) {
  std::vector<std::string> args = {"--data", dir, "verify", "--json"};
  args.insert(args.end(), extra.begin(), extra.end());
  RunResult result = accountctl(args);
  BOOST_TEST(result.exit_code == exit_code, result.err);
  return nlohmann::json::parse(result.out);
}

const nlohmann::json& check_named(const nlohmann::json& report, const std::string& name) {
  for (const auto& check : report.at("checks")) {
    if (check.at("name") == name) return check;
  }
  BOOST_FAIL("no check named " + name);
  return report;
}

}  // namespace

BOOST_AUTO_TEST_CASE(verify_passes_on_a_good_directory_with_and_without_a_snapshot) {
  Populated p;
  for (bool snapshot : {false, true}) {
    if (snapshot) ok(p.data, {"rebuild"});
    nlohmann::json report = verify_json(p.data, {}, 0);
    BOOST_TEST(report.at("ok") == true);
    BOOST_TEST(report.at("checks").size() == 4u);
    for (const auto& check : report.at("checks")) {
      BOOST_TEST(check.at("ok") == true, check.dump());
      BOOST_TEST(check.at("problem").is_null());
    }
    BOOST_TEST(
        check_named(report, "hash chain").at("checked").get<std::string>().find("14 events") !=
        std::string::npos);
  }
  // People see each check on its own line.
  const std::string text = ok(p.data, {"verify"});
  for (const char* name : {"hash chain", "stream versions", "event data", "serving state"}) {
    BOOST_TEST(text.find(name) != std::string::npos, name);
  }
  BOOST_TEST(text.find("all checks passed") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(verify_catches_a_tampered_event) {
  Populated p;
  {
    // Rewrite history: bob's email in the first event of his stream, one byte.
    RawDatabase db(p.data);
    rocksdb::ColumnFamilyHandle* events = db.family("events");
    std::string stored = db.get(events, position_key(7));
    const size_t at = stored.find("bob@example.com");
    BOOST_REQUIRE(at != std::string::npos);
    stored[at] = 'r';
    db.put(events, position_key(7), stored);
  }
  nlohmann::json report = verify_json(p.data, {}, 3);
  BOOST_TEST(report.at("ok") == false);
  const nlohmann::json& chain = check_named(report, "hash chain");
  BOOST_TEST(chain.at("ok") == false);
  BOOST_TEST(chain.at("problem").get<std::string>().find("position 7") != std::string::npos,
             chain.dump());

  RunResult text = accountctl({"--data", p.data, "verify"});
  BOOST_TEST(text.exit_code == 3);
  BOOST_TEST(text.out.find("FAILED") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(verify_catches_a_damaged_snapshot_and_rebuild_repairs_it) {
  Populated p;
  nlohmann::json rebuilt = ok_json(p.data, {"rebuild"});
  BOOST_TEST(rebuilt.at("applied_position") == 14);
  BOOST_TEST(rebuilt.at("events_replayed") == 14);
  const std::string snapshot = rebuilt.at("snapshot").get<std::string>();
  {
    std::fstream file(snapshot, std::ios::in | std::ios::out | std::ios::binary);
    file.seekp(40);
    file.put('\x7f');
  }
  nlohmann::json report = verify_json(p.data, {}, 3);
  const nlohmann::json& state = check_named(report, "serving state");
  BOOST_TEST(state.at("ok") == false);
  BOOST_TEST(state.at("problem").get<std::string>().find("checksum") != std::string::npos,
             state.dump());
  BOOST_TEST(check_named(report, "hash chain").at("ok") == true);

  ok(p.data, {"rebuild"});
  BOOST_TEST(verify_json(p.data, {}, 0).at("ok") == true);
}

// A snapshot that passes every check of its own (format, checksum, the log's
// hash at its position) but says something the log does not: only the full
// replay verify compares it with can tell.
BOOST_AUTO_TEST_CASE(a_snapshot_that_disagrees_with_a_full_replay_is_caught) {
  Populated p;
  nlohmann::json rebuilt = ok_json(p.data, {"rebuild"});
  const std::string path = rebuilt.at("snapshot").get<std::string>();
  {
    std::ifstream in(path, std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto state = closient::decode_snapshot(bytes);
    BOOST_REQUIRE(state.ok());
    const uint64_t position = (*state)->position();
    const std::string hash = (*state)->last_hash();
    // An event the log never held: ann's preferences replaced.
    closient::EventEnvelope forged;
    forged.position = position + 1;
    forged.stream = closient::user_stream(p.ann.user_id);
    forged.version = 99;
    forged.type = closient::PreferencesReplaced::kType;
    forged.data = {{"preferences",
                    {{{"trait", "peanuts"},
                      {"trait_label", "Peanuts"},
                      {"category", "ALLERGEN"},
                      {"stance", "AVOID"}}}}};
    BOOST_REQUIRE((*state)->apply(forged).ok());
    (*state)->restore_position(position, hash);
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << closient::encode_snapshot(**state);
  }
  nlohmann::json report = verify_json(p.data, {}, 3);
  const nlohmann::json& state = check_named(report, "serving state");
  BOOST_TEST(state.at("ok") == false);
  BOOST_TEST(state.at("problem").get<std::string>().find("differs from a full replay") !=
                 std::string::npos,
             state.dump());
}

BOOST_AUTO_TEST_CASE(backup_then_restore_gives_a_directory_that_verifies) {
  Populated p;
  nlohmann::json backup = ok_json(p.data, {"backup", p.dir.sub("backup")});
  BOOST_TEST(backup.at("last_position") == 14);
  nlohmann::json manifest =
      nlohmann::json::parse(std::ifstream(p.dir.sub("backup") + "/BACKUP.json"), nullptr, false);
  BOOST_TEST(manifest.at("last_hash") == backup.at("last_hash"));

  // Later writes to the original do not reach the backup.
  ok(p.data, {"token", "issue", "--email", "bob@example.com"});

  RunResult restored =
      accountctl({"restore", p.dir.sub("backup"), "--data", p.dir.sub("restored"), "--json"});
  BOOST_TEST(restored.exit_code == 0, restored.err);
  BOOST_TEST(nlohmann::json::parse(restored.out).at("verified") == true);
  BOOST_TEST(verify_json(p.dir.sub("restored"), {}, 0).at("ok") == true);

  std::vector<nlohmann::json> original = json_lines(ok(p.data, {"events", "--json"}));
  std::vector<nlohmann::json> copy = json_lines(ok(p.dir.sub("restored"), {"events", "--json"}));
  BOOST_REQUIRE(copy.size() == 14u);
  for (size_t i = 0; i < copy.size(); ++i) BOOST_TEST(copy[i] == original[i]);

  // The restored directory is a working data directory.
  ok(p.dir.sub("restored"), {"token", "issue", "--email", "ann@example.com"});
  BOOST_TEST(ok_json(p.dir.sub("restored"), {"stats"}).at("tokens") == 2);
}

BOOST_AUTO_TEST_CASE(backup_and_restore_refuse_to_overwrite) {
  Populated p;
  std::filesystem::create_directories(p.dir.sub("full"));
  std::ofstream(p.dir.sub("full") + "/something") << "x";
  RunResult backup = accountctl({"--data", p.data, "backup", p.dir.sub("full")});
  BOOST_TEST(backup.exit_code == 1);
  BOOST_TEST(backup.err.find("not empty") != std::string::npos);

  ok(p.data, {"backup", p.dir.sub("backup")});
  RunResult restore = accountctl({"restore", p.dir.sub("backup"), "--data", p.data});
  BOOST_TEST(restore.exit_code == 1);
  BOOST_TEST(restore.err.find("not empty") != std::string::npos);
  RunResult no_backup = accountctl({"restore", p.dir.sub("nothing"), "--data", p.dir.sub("x")});
  BOOST_TEST(no_backup.exit_code == 1);
}

BOOST_AUTO_TEST_CASE(stats_count_what_was_created) {
  Populated p;
  ok(p.data, {"session", "issue", "--email", "ann@example.com"});
  nlohmann::json stats = ok_json(p.data, {"stats"});
  BOOST_TEST(stats.at("events") == 15);
  BOOST_TEST(stats.at("last_position") == 15);
  BOOST_TEST(stats.at("streams").at("total") == 4);
  BOOST_TEST(stats.at("streams").at("organization") == 2);
  BOOST_TEST(stats.at("streams").at("user") == 2);
  BOOST_TEST(stats.at("organizations") == 2);
  BOOST_TEST(stats.at("deleted_organizations") == 0);
  BOOST_TEST(stats.at("users") == 2);
  BOOST_TEST(stats.at("members") == 2);
  BOOST_TEST(stats.at("api_keys").at("user") == 2);
  BOOST_TEST(stats.at("api_keys").at("organization") == 0);
  BOOST_TEST(stats.at("tokens") == 1);  // the bootstrap tokens were revoked
  BOOST_TEST(stats.at("sessions") == 2);
  BOOST_TEST(stats.at("size_on_disk_bytes").get<uint64_t>() > 0u);
  BOOST_TEST(stats.at("snapshots").at("count") == 0);
  ok(p.data, {"rebuild"});
  nlohmann::json after = ok_json(p.data, {"stats"});
  BOOST_TEST(after.at("snapshots").at("count") == 1);
  BOOST_TEST(after.at("snapshots").at("newest_position") == 15);
  BOOST_TEST(after.at("snapshots").at("events_after") == 0);
}
