// Rebuild equivalence: whatever the live appends projected equals a rebuild
// from the log, key for key; and both say what the domain's aggregates say.
#include <atomic>
#include <boost/test/unit_test.hpp>
#include <map>
#include <thread>

#include "domain/event_types.h"
#include "projections/catch_up.h"
#include "projections/read_model_keys.h"
#include "projections/rebuild.h"
#include "projections_model_check.h"
#include "projections_random_commands.h"

using namespace closient;
using namespace closient::testing;

BOOST_AUTO_TEST_CASE(random_commands_leave_read_models_equal_to_a_rebuild) {
  ProjectedWorld w;
  RandomTraffic traffic(w, 20260401);
  const size_t accepted = traffic.run(4000);
  BOOST_TEST_MESSAGE("accepted " << accepted << " commands, " << w.log->last_position()
                                 << " events");
  BOOST_TEST(accepted > 2000u);
  // The traffic reaches every event type, so every projector step is compared.
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

  auto verified = verify_read_models(*w.log);
  BOOST_REQUIRE(verified.ok());
  BOOST_TEST(verified->first_difference == "");
  BOOST_TEST(verified->compared_at == w.log->last_position());
  check_read_models_match_world(*w.log, w.world);

  // And after switching to a rebuilt copy, the same answers.
  const uint64_t generation = w.log->read_model_generation();
  auto rebuilt = rebuild_read_models(*w.log);
  BOOST_REQUIRE(rebuilt.ok());
  BOOST_TEST(rebuilt->generation == generation + 1);
  BOOST_TEST(rebuilt->events_projected == w.log->last_position());
  check_read_models_match_world(*w.log, w.world);
  BOOST_TEST(verify_read_models(*w.log)->equal());
}

BOOST_AUTO_TEST_CASE(each_seed_of_traffic_projects_like_the_domain) {
  for (uint64_t seed : {1, 2, 3}) {
    ProjectedWorld w;
    RandomTraffic(w, seed).run(600);
    check_read_models_match_world(*w.log, w.world);
    auto verified = verify_read_models(*w.log);
    BOOST_REQUIRE(verified.ok());
    BOOST_TEST(verified->first_difference == "");
  }
}

BOOST_AUTO_TEST_CASE(verify_reports_a_corrupted_read_model_key) {
  ProjectedWorld w;
  Person ann = w.person("ann@example.com");
  const std::string org = w.create_org(ann.session);
  w.invite(ann.session, org, "bob@example.com", Role::editor);

  // A write no event explains: an append whose own hook skews a counter.
  AppendRequest request;
  request.streams.push_back(StreamAppend{
      user_stream(ann.user_id),
      ExpectedVersion::any(),
      {NewEvent{PreferencesReplaced::kType, 1, nlohmann::json(PreferencesReplaced{})}}});
  request.actor = ann.session.actor();
  request.project = [&](const std::vector<EventEnvelope>&, BatchWriter& batch) -> Status {
    batch.put(rm_key::member_count(org), "999");
    return ok_status();
  };
  BOOST_REQUIRE(w.log->append(std::move(request)).ok());

  auto verified = verify_read_models(*w.log);
  BOOST_REQUIRE(verified.ok());
  BOOST_TEST(!verified->equal());
  BOOST_TEST(verified->first_difference.find(rm_key::member_count(org)) != std::string::npos);
  BOOST_TEST(verified->first_difference.find("999") != std::string::npos);

  // A rebuild repairs it.
  BOOST_REQUIRE(rebuild_read_models(*w.log).ok());
  BOOST_TEST(read_counter(*w.log, rm_key::member_count(org)) == 2u);
  BOOST_TEST(verify_read_models(*w.log)->equal());
}

BOOST_AUTO_TEST_CASE(an_online_rebuild_keeps_the_appends_made_while_it_runs) {
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
    RebuildOptions small_flushes;
    small_flushes.flush_every = 64;  // more interleaving with the appender
    auto rebuilt = rebuild_read_models(*w.log, small_flushes);
    BOOST_REQUIRE(rebuilt.ok());
    ++rebuilds;
  }
  stop = true;
  appender.join();
  BOOST_TEST_MESSAGE(rebuilds << " rebuilds while " << appended_during << " commands ran");

  auto verified = verify_read_models(*w.log);
  BOOST_REQUIRE(verified.ok());
  BOOST_TEST(verified->first_difference == "");
  check_read_models_match_world(*w.log, w.world);
  BOOST_TEST(*w.log->read_models_applied_position() == w.log->last_position());
}

BOOST_AUTO_TEST_CASE(a_new_projection_version_rebuilds_on_start) {
  ProjectedWorld w;
  RandomTraffic(w, 5).run(200);
  BOOST_TEST(stored_projection_version(*w.log).value_or(0) == kCoreProjectionVersion);

  auto unchanged = bring_read_models_current(*w.log);
  BOOST_REQUIRE(unchanged.ok());
  BOOST_TEST(!unchanged->rebuilt);

  const uint64_t generation = w.log->read_model_generation();
  auto bumped = bring_read_models_current(*w.log, kCoreProjectionVersion + 1);
  BOOST_REQUIRE(bumped.ok());
  BOOST_TEST(bumped->rebuilt);
  BOOST_TEST(bumped->reason.find("version") != std::string::npos);
  BOOST_TEST(w.log->read_model_generation() == generation + 1);
  BOOST_TEST(stored_projection_version(*w.log).value_or(0) == kCoreProjectionVersion + 1);
  check_read_models_match_world(*w.log, w.world);

  BOOST_TEST(!bring_read_models_current(*w.log, kCoreProjectionVersion + 1)->rebuilt);
  // Going back (a rollback of the binary) rebuilds too.
  BOOST_TEST(bring_read_models_current(*w.log)->rebuilt);
}

BOOST_AUTO_TEST_CASE(read_models_behind_the_log_catch_up_on_start) {
  ProjectedWorld w;
  Person ann = w.person("ann@example.com");
  w.create_org(ann.session);

  // Appends made while no projector was installed (an older binary, a tool).
  w.log->set_projection_hook(nullptr);
  Person bob = w.person("bob@example.com");
  BOOST_TEST(!w.log->get(rm_key::user(bob.user_id)));

  w.reopen();  // installs the projector and catches up, as the server's start does
  BOOST_TEST(w.log->get(rm_key::user(bob.user_id)).has_value());
  BOOST_TEST(*w.log->read_models_applied_position() == w.log->last_position());
  check_read_models_match_world(*w.log, w.world);
  BOOST_TEST(!bring_read_models_current(*w.log)->rebuilt);
}

BOOST_AUTO_TEST_CASE(an_empty_log_gets_versioned_read_models) {
  ProjectedWorld w;
  BOOST_TEST(w.log->last_position() == 0u);
  BOOST_TEST(stored_projection_version(*w.log).value_or(0) == kCoreProjectionVersion);
  BOOST_TEST(verify_read_models(*w.log)->equal());
}
