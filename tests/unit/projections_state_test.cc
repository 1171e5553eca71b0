// The serving state: equal to a full replay of the log whatever path built it
// (live commits, snapshot + tail, an online rebuild), and equal to what the
// domain's own aggregates say.
#include <sys/stat.h>

#include <atomic>
#include <boost/test/unit_test.hpp>
#include <map>
#include <thread>

#include "domain/event_types.h"
#include "projections/snapshot.h"
#include "projections/snapshot_files.h"
#include "projections_model_check.h"
#include "projections_random_commands.h"

using namespace closient;
using namespace closient::testing;

namespace {

std::unique_ptr<ServingState> full_replay(EventLog& log) {
  auto state = std::make_unique<ServingState>();
  auto replayed = replay_log(log, *state);
  BOOST_REQUIRE(replayed.ok());
  BOOST_TEST(replayed->apply_errors == 0u);
  return state;
}

std::string difference_from_replay(ProjectedWorld& w) {
  auto fresh = full_replay(*w.log);
  LiveState::View live = w.state->read();
  return live->first_difference(*fresh);
}

}  // namespace

BOOST_AUTO_TEST_CASE(random_commands_leave_the_state_equal_to_a_full_replay) {
  ProjectedWorld w;
  RandomTraffic traffic(w, 20260401);
  const size_t accepted = traffic.run(4000);
  BOOST_TEST_MESSAGE("accepted " << accepted << " commands, " << w.log->last_position()
                                 << " events");
  BOOST_TEST(accepted > 2000u);
  // The traffic reaches every event type, so every apply step is compared.
  std::map<std::string, size_t> types;
  BOOST_REQUIRE(w.log
                    ->scan(ReadFilter{},
                           [&](const EventEnvelope& e) {
                             ++types[e.type];
                             return true;
                           })
                    .ok());
  for (const DomainEventType& type : domain_event_types()) {
    BOOST_TEST_INFO("event type " << type.name);
    BOOST_TEST(types[type.name] > 0u);
  }
  BOOST_TEST(w.state->position() == w.log->last_position());
  BOOST_TEST(difference_from_replay(w) == "");
  check_state_matches_world(*w.state->read(), w.world);
}

BOOST_AUTO_TEST_CASE(each_seed_of_traffic_applies_like_the_domain) {
  for (uint64_t seed : {1, 2, 3}) {
    ProjectedWorld w;
    RandomTraffic(w, seed).run(600);
    check_state_matches_world(*w.state->read(), w.world);
    BOOST_TEST(difference_from_replay(w) == "");
  }
}

BOOST_AUTO_TEST_CASE(a_snapshot_round_trips_field_by_field) {
  ProjectedWorld w;
  RandomTraffic(w, 7).run(1500);
  LiveState::View live = w.state->read();
  const std::string bytes = encode_snapshot(*live);
  auto decoded = decode_snapshot(bytes);
  BOOST_REQUIRE(decoded.ok());
  BOOST_TEST((*decoded)->position() == live->position());
  BOOST_TEST((*decoded)->last_hash() == live->last_hash());
  BOOST_TEST((*decoded)->first_difference(*live) == "");
  BOOST_TEST(encode_snapshot(**decoded) == bytes);  // deterministic
  check_state_matches_world(**decoded, w.world);
}

BOOST_AUTO_TEST_CASE(a_start_from_snapshot_and_tail_equals_a_full_replay) {
  ProjectedWorld w;
  RandomTraffic traffic(w, 11);
  traffic.run(800);
  SnapshotFiles snapshots(w.dir());
  const uint64_t at = w.state->position();
  BOOST_REQUIRE(snapshots.write(snapshot_of(*w.state->read())).ok());
  traffic.run(800);  // the tail
  BOOST_REQUIRE(w.log->last_position() > at);

  w.reopen();
  auto loaded = load_serving_state(*w.log, snapshots, [](const std::string&) {});
  BOOST_REQUIRE(loaded.ok());
  BOOST_TEST(loaded->snapshot_position == at);
  BOOST_TEST(loaded->replay.events == w.log->last_position() - at);
  BOOST_TEST(loaded->state->first_difference(*full_replay(*w.log)) == "");
  check_state_matches_world(*loaded->state, w.world);
}

BOOST_AUTO_TEST_CASE(a_damaged_snapshot_is_reported_and_replaced_by_a_replay) {
  ProjectedWorld w;
  RandomTraffic(w, 13).run(400);
  const std::string good = encode_snapshot(*w.state->read());
  const uint64_t at = w.state->position();
  std::vector<std::pair<std::string, std::string>> damages = {
      {"truncated", good.substr(0, good.size() / 2)},
      {"flipped byte",
       [&] {
         std::string bad = good;
         bad[bad.size() / 3] ^= 0x40;
         return bad;
       }()},
      {"empty", ""},
      {"not a snapshot", std::string(4096, 'x')},
  };
  for (const auto& [what, bytes] : damages) {
    BOOST_TEST_CONTEXT(what) {
      BOOST_TEST(!decode_snapshot(bytes).ok());
      TempDir dir;
      SnapshotFiles snapshots(dir.path());
      BOOST_REQUIRE(snapshots.write(StoredSnapshot{at, "", bytes}).ok());
      std::vector<std::string> notes;
      auto loaded = load_serving_state(*w.log, snapshots,
                                       [&](const std::string& line) { notes.push_back(line); });
      BOOST_REQUIRE(loaded.ok());
      BOOST_TEST(loaded->snapshot_position == 0u);  // a full replay
      BOOST_TEST(notes.size() == 1u);
      BOOST_TEST(loaded->state->first_difference(*full_replay(*w.log)) == "");
    }
  }
}

BOOST_AUTO_TEST_CASE(a_snapshot_that_disagrees_with_the_log_is_never_trusted) {
  ProjectedWorld w;
  RandomTraffic(w, 17).run(300);
  auto state = full_replay(*w.log);
  // Claims the right position with another hash: a log replaced under it.
  state->restore_position(state->position(), std::string(64, 'a'));
  TempDir dir;
  SnapshotFiles snapshots(dir.path());
  BOOST_REQUIRE(snapshots.write(snapshot_of(*state)).ok());
  // And one from the future (a log restored from an older backup).
  auto ahead = full_replay(*w.log);
  ahead->restore_position(w.log->last_position() + 10, ahead->last_hash());
  BOOST_REQUIRE(snapshots.write(snapshot_of(*ahead)).ok());
  std::vector<std::string> notes;
  auto loaded = load_serving_state(*w.log, snapshots,
                                   [&](const std::string& line) { notes.push_back(line); });
  BOOST_REQUIRE(loaded.ok());
  BOOST_TEST(loaded->snapshot_position == 0u);
  BOOST_TEST(notes.size() == 2u);
  BOOST_TEST(loaded->state->first_difference(*full_replay(*w.log)) == "");
}

BOOST_AUTO_TEST_CASE(snapshot_files_are_private_and_only_the_newest_are_kept) {
  TempDir dir;
  SnapshotFiles snapshots(dir.path());
  ServingState empty;
  for (uint64_t p : {5, 9, 12}) {
    BOOST_REQUIRE(snapshots.write(StoredSnapshot{p, "", encode_snapshot(empty)}).ok());
  }
  BOOST_TEST((*snapshots.positions() == std::vector<uint64_t>{12, 9}));
  struct stat file {};
  BOOST_REQUIRE(::stat(snapshots.path_of(12).c_str(), &file) == 0);
  BOOST_TEST((file.st_mode & 0777) == 0600u);
  BOOST_REQUIRE(::stat(snapshots.directory().c_str(), &file) == 0);
  BOOST_TEST((file.st_mode & 0777) == 0700u);
}

BOOST_AUTO_TEST_CASE(an_online_rebuild_switches_without_losing_concurrent_appends) {
  ProjectedWorld w;
  RandomTraffic traffic(w, 99);
  traffic.run(1500);

  std::atomic<bool> stop{false};
  std::atomic<size_t> appended_during{0};
  std::thread appender([&] {
    // The World is only touched by this thread while it runs.
    while (!stop) appended_during += traffic.run(1);
  });
  uint64_t rebuilds = 0;
  while (appended_during < 200 || rebuilds < 3) {
    auto fresh = std::make_unique<ServingState>();
    BOOST_REQUIRE(w.state->switch_to(std::move(fresh), *w.log).ok());
    ++rebuilds;
  }
  stop = true;
  appender.join();
  BOOST_TEST_MESSAGE(rebuilds << " rebuilds while " << appended_during << " commands ran");
  BOOST_TEST(w.state->position() == w.log->last_position());
  BOOST_TEST(difference_from_replay(w) == "");
  check_state_matches_world(*w.state->read(), w.world);
}

// Every invite is one append of two events on two streams (the new user, the
// membership). A reader that could see half of one would count a user
// without a membership or the reverse.
BOOST_AUTO_TEST_CASE(readers_never_observe_half_of_an_append) {
  ProjectedWorld w;
  Person ann = w.person("ann@example.com");
  const std::string org_id = w.create_org(ann.session);
  const Uuid org_uuid = *shortuuid_decode(org_id);
  size_t base_users = 0, base_members = 0;
  {
    LiveState::View s = w.state->read();
    base_users = s->user_count();
    base_members = s->org(org_uuid)->active.count();
  }
  std::atomic<bool> stop{false};
  std::atomic<uint64_t> checks{0}, torn{0};
  std::vector<std::thread> readers;
  for (int r = 0; r < 3; ++r) {
    readers.emplace_back([&] {
      while (!stop) {
        LiveState::View s = w.state->read();
        const size_t users = s->user_count() - base_users;
        const size_t members = s->org(org_uuid)->active.count() - base_members;
        if (users != members) ++torn;
        ++checks;
      }
    });
  }
  for (int i = 0; i < 2000; ++i) {
    w.invite(ann.session, org_id, "n" + std::to_string(i) + "@example.com", Role::editor);
  }
  stop = true;
  for (auto& t : readers) t.join();
  BOOST_TEST_MESSAGE(checks << " consistent reads checked");
  BOOST_TEST(checks > 0u);
  BOOST_TEST(torn == 0u);
}

BOOST_AUTO_TEST_CASE(a_snapshot_of_older_apply_rules_is_served_and_rebuilt_online) {
  ProjectedWorld w;
  RandomTraffic traffic(w, 23);
  traffic.run(800);
  SnapshotFiles snapshots(w.dir());
  const uint64_t at = w.state->position();
  BOOST_REQUIRE(snapshots.write(snapshot_of(*w.state->read(), kServingStateVersion + 1)).ok());
  w.reopen();
  std::vector<std::string> notes;
  auto loaded =
      load_serving_state(*w.log, snapshots, [&](const std::string& n) { notes.push_back(n); });
  BOOST_REQUIRE(loaded.ok());
  BOOST_TEST(loaded->stale);
  BOOST_TEST(loaded->snapshot_position == at);
  BOOST_TEST(notes.size() == 1u);

  // Served at once; rebuilt beside it while commands keep coming and readers read.
  LiveState live(std::move(loaded->state));
  w.log->set_commit_observer(live.observer());
  std::atomic<bool> stop{false};
  std::atomic<uint64_t> reads{0};
  std::thread reader([&] {
    while (!stop) {
      LiveState::View view = live.read();
      if (view->position() > 0) ++reads;
    }
  });
  std::thread appender([&] {
    for (int i = 0; i < 200; ++i) traffic.run(1);
  });
  BOOST_REQUIRE(rebuild_online(live, *w.log).ok());
  appender.join();
  stop = true;
  reader.join();
  BOOST_TEST(reads > 0u);
  BOOST_TEST(live.position() == w.log->last_position());
  BOOST_TEST(live.read()->first_difference(*full_replay(*w.log)) == "");
  w.log->set_commit_observer(w.state->observer());
}
