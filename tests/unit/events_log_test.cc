#include <boost/test/unit_test.hpp>
#include <thread>

#include "events_backend.h"
#include "events_test_support.h"

using namespace closient;
using namespace closient::testing;

namespace {

TestLogOptions unsynced() {
  TestLogOptions options;
  options.durability = Durability::never;
  return options;
}

std::vector<EventEnvelope> everything(EventStore& log, ReadFilter filter = {}) {
  std::vector<EventEnvelope> out;
  Status s = log.scan(filter, [&](const EventEnvelope& e) {
    out.push_back(e);
    return true;
  });
  BOOST_REQUIRE(s.ok());
  return out;
}

std::vector<uint64_t> positions(const std::vector<EventEnvelope>& events) {
  std::vector<uint64_t> out;
  for (const auto& e : events) out.push_back(e.position);
  return out;
}

}  // namespace

BOOST_AUTO_TEST_CASE(appends_get_gapless_positions_versions_and_a_hash_chain) {
  TestStore store;
  auto log = store.open();
  BOOST_TEST(log->last_position() == 0u);

  auto first = log->append(append_to("org-1", ExpectedVersion::no_stream(),
                                     {event("OrgCreated", {{"name", "A"}}), event("MemberAdded")}));
  BOOST_REQUIRE(first.ok());
  BOOST_TEST(first->events.size() == 2u);
  BOOST_TEST(first->last_position() == 2u);
  BOOST_TEST(first->events[0].prev_hash == zero_hash());
  BOOST_TEST(first->events[1].prev_hash == first->events[0].hash);
  BOOST_TEST(first->events[1].version == 2u);

  auto second = log->append(append_to("user-1", ExpectedVersion::any(), {event("UserCreated")}));
  BOOST_REQUIRE(second.ok());
  BOOST_TEST(second->events[0].position == 3u);
  BOOST_TEST(second->events[0].version == 1u);
  BOOST_TEST(second->events[0].prev_hash == first->events[1].hash);

  auto stream = log->read_stream("org-1");
  BOOST_REQUIRE(stream.ok());
  BOOST_TEST(stream->size() == 2u);
  BOOST_TEST((*stream)[0].data["name"] == "A");
  BOOST_TEST(((*stream)[0].actor == Actor{"user", "user-1", "user-1"}));
  BOOST_TEST((*stream)[1].hash == first->events[1].hash);
  auto tail = log->read_stream("org-1", 2);
  BOOST_REQUIRE(tail.ok());
  BOOST_TEST(tail->size() == 1u);
  BOOST_TEST(log->read_stream("org-")->empty());
  BOOST_TEST(*log->stream_version("org-1") == 2u);
  BOOST_TEST(*log->stream_version("org-2") == 0u);
  BOOST_TEST(log->last_position() == 3u);

  ChainReport report = log->verify_chain();
  BOOST_TEST(report.first_broken_position == 0u);
  BOOST_TEST(report.events_checked == 3u);
}

BOOST_AUTO_TEST_CASE(expected_version_mismatch_is_a_conflict_naming_the_stream) {
  TestStore store;
  auto log = store.open(unsynced());
  BOOST_REQUIRE(log->append(append_to("org-1", ExpectedVersion::no_stream(), {event("A")})).ok());

  auto stale = log->append(append_to("org-1", ExpectedVersion::exact(0), {event("B")}));
  BOOST_REQUIRE(!stale.ok());
  BOOST_TEST((stale.error().code == ErrorCode::conflict));
  BOOST_TEST(stale.error().detail ==
             "stream org-1 is at version 1, but the append expected version 0");

  auto exists = log->append(append_to("org-1", ExpectedVersion::no_stream(), {event("B")}));
  BOOST_REQUIRE(!exists.ok());
  BOOST_TEST(exists.error().detail.find("expected no stream") != std::string::npos);

  BOOST_TEST(log->append(append_to("org-1", ExpectedVersion::exact(1), {event("B")})).ok());
  BOOST_TEST(log->append(append_to("org-1", ExpectedVersion::any(), {event("C")})).ok());
  BOOST_TEST(log->last_position() == 3u);
  BOOST_TEST(log->stats().rejected == 2u);
}

BOOST_AUTO_TEST_CASE(a_mismatch_on_one_stream_writes_nothing_to_any_stream) {
  TestStore store;
  auto log = store.open(unsynced());
  BOOST_REQUIRE(log->append(append_to("org-1", ExpectedVersion::any(), {event("A")})).ok());

  AppendRequest invite;
  invite.streams.push_back({"user-9", ExpectedVersion::no_stream(), {event("UserInvited")}});
  invite.streams.push_back({"org-1", ExpectedVersion::exact(7), {event("MemberInvited")}});
  auto refused = log->append(invite);
  BOOST_REQUIRE(!refused.ok());
  BOOST_TEST(refused.error().detail.find("org-1") != std::string::npos);
  BOOST_TEST(log->read_stream("user-9")->empty());
  BOOST_TEST(*log->stream_version("org-1") == 1u);
  BOOST_TEST(log->last_position() == 1u);

  invite.streams[1].expected = ExpectedVersion::exact(1);
  auto accepted = log->append(invite);
  BOOST_REQUIRE(accepted.ok());
  BOOST_TEST(positions(accepted->events) == std::vector<uint64_t>({2, 3}));
  BOOST_TEST(accepted->events[0].stream == "user-9");
  BOOST_TEST(accepted->events[1].version == 2u);
  BOOST_TEST(log->verify_chain().problem == "");
}

BOOST_AUTO_TEST_CASE(appends_of_one_group_see_each_other) {
  TestStore store;
  auto log = store.open(unsynced());
  std::vector<AppendRequest> group;
  group.push_back(append_to("org-1", ExpectedVersion::no_stream(), {event("A")}));
  group.push_back(append_to("org-1", ExpectedVersion::no_stream(), {event("B")}));
  group.push_back(append_to("org-1", ExpectedVersion::exact(1), {event("C"), event("D")}));
  group.push_back(append_to("org-2", ExpectedVersion::exact(0), {event("E")}));
  auto results = log->append_all(std::move(group));
  BOOST_REQUIRE(results.size() == 4u);
  BOOST_TEST(results[0].ok());
  BOOST_REQUIRE(!results[1].ok());
  BOOST_TEST((results[1].error().code == ErrorCode::conflict));
  BOOST_REQUIRE(results[2].ok());
  BOOST_TEST(positions(results[2]->events) == std::vector<uint64_t>({2, 3}));
  BOOST_TEST(results[2]->events[1].version == 3u);
  BOOST_REQUIRE(results[3].ok());
  BOOST_TEST(results[3]->events[0].position == 4u);
  BOOST_TEST(log->stats().batches == 1u);
  BOOST_TEST(log->append_all({}).empty());
}

BOOST_AUTO_TEST_CASE(invalid_requests_are_refused_without_side_effects) {
  TestStore store;
  auto log = store.open(unsynced());
  AppendRequest none;
  BOOST_TEST(!log->append(none).ok());
  BOOST_TEST(!log->append(append_to("", ExpectedVersion::any(), {event("A")})).ok());
  BOOST_TEST(
      !log->append(append_to(std::string("a\0b", 3), ExpectedVersion::any(), {event("A")})).ok());
  BOOST_TEST(!log->append(append_to("org-1", ExpectedVersion::any(), {event("")})).ok());
  AppendRequest twice = append_to("org-1", ExpectedVersion::any(), {event("A")});
  twice.streams.push_back(twice.streams[0]);
  BOOST_TEST(!log->append(twice).ok());
  auto bad_text = log->append(append_to("org-1", ExpectedVersion::any(),
                                        {event("A", {{"name", std::string("\xc3\x28", 2)}})}));
  BOOST_REQUIRE(!bad_text.ok());
  BOOST_TEST((bad_text.error().code == ErrorCode::bad_request));
  AppendRequest far_future = append_to("org-1", ExpectedVersion::any(), {event("A")});
  far_future.occurred_at_ms = INT64_MAX;
  BOOST_TEST(!log->append(far_future).ok());
  BOOST_TEST(log->last_position() == 0u);

  // A stream with no events only checks its version (a guard on another aggregate).
  AppendRequest guarded = append_to("org-1", ExpectedVersion::any(), {event("A")});
  guarded.streams.push_back({"user-1", ExpectedVersion::no_stream(), {}});
  BOOST_TEST(log->append(guarded).ok());
  BOOST_TEST(*log->stream_version("user-1") == 0u);
  BOOST_TEST(log->verify_chain().problem == "");
}

BOOST_AUTO_TEST_CASE(events_and_versions_survive_reopening) {
  TestStore store;
  std::string last_hash;
  {
    auto log = store.open();
    for (int i = 0; i < 5; ++i) {
      auto r =
          log->append(append_to("org-1", ExpectedVersion::exact(i), {event("Tick", {{"i", i}})}));
      BOOST_REQUIRE(r.ok());
      last_hash = r->events[0].hash;
    }
  }
  auto log = store.open();
  BOOST_TEST(log->last_position() == 5u);
  BOOST_TEST(*log->stream_version("org-1") == 5u);
  BOOST_TEST(log->read_stream("org-1")->at(4).data["i"] == 4);
  auto next = log->append(append_to("org-1", ExpectedVersion::exact(5), {event("Tick")}));
  BOOST_REQUIRE(next.ok());
  BOOST_TEST(next->events[0].position == 6u);
  BOOST_TEST(next->events[0].prev_hash == last_hash);
  BOOST_TEST(log->verify_chain().events_checked == 6u);
}

BOOST_AUTO_TEST_CASE(scan_filters_by_type_stream_time_actor_and_position) {
  TestStore store;
  auto log = store.open(unsynced());
  auto add = [&](std::string stream, std::string type, int64_t at, Actor actor) {
    AppendRequest r =
        append_to(std::move(stream), ExpectedVersion::any(), {event(std::move(type))});
    r.occurred_at_ms = at;
    r.actor = std::move(actor);
    BOOST_REQUIRE(log->append(r).ok());
  };
  add("org-1", "OrgCreated", 1000, {"user", "u1", "u1"});           // 1
  add("org-1", "MemberAdded", 2000, {"api_key", "key-1", "u2"});    // 2
  add("user-1", "UserCreated", 3000, {"operator", "root", ""});     // 3
  add("org-10", "MemberAdded", 4000, {"session", "sess-1", "u1"});  // 4
  add("org-2", "MemberRemoved", 5000, {"token", "tok-1", "u3"});    // 5

  ReadFilter by_type;
  by_type.types = {"MemberAdded", "MemberRemoved"};
  BOOST_TEST(positions(everything(*log, by_type)) == std::vector<uint64_t>({2, 4, 5}));

  ReadFilter by_prefix;
  by_prefix.stream_prefix = "org-1";
  BOOST_TEST(positions(everything(*log, by_prefix)) == std::vector<uint64_t>({1, 2, 4}));

  ReadFilter by_time;
  by_time.since_ms = 2000;
  by_time.until_ms = 4000;
  BOOST_TEST(positions(everything(*log, by_time)) == std::vector<uint64_t>({2, 3, 4}));

  ReadFilter by_actor;
  by_actor.actor_id = "u1";  // the user directly, or through a credential
  BOOST_TEST(positions(everything(*log, by_actor)) == std::vector<uint64_t>({1, 4}));
  by_actor.actor_id = "key-1";
  BOOST_TEST(positions(everything(*log, by_actor)) == std::vector<uint64_t>({2}));

  ReadFilter paged;
  paged.after_position = 1;
  paged.limit = 2;
  BOOST_TEST(positions(everything(*log, paged)) == std::vector<uint64_t>({2, 3}));
  paged.after_position = 5;
  BOOST_TEST(everything(*log, paged).empty());

  int seen = 0;
  BOOST_TEST(log->scan(ReadFilter{}, [&](const EventEnvelope&) { return ++seen < 2; }).ok());
  BOOST_TEST(seen == 2);
}

BOOST_AUTO_TEST_CASE(an_append_refused_midway_leaves_nothing_in_its_group) {
  TestStore store;
  auto log = store.open(unsynced());
  // The second append's first event is staged before its second one fails to
  // seal (not UTF-8): the batch rolls back to the append's save point.
  std::vector<AppendRequest> group;
  group.push_back(append_to("org-1", ExpectedVersion::any(), {event("A")}));
  group.push_back(append_to("org-2", ExpectedVersion::any(),
                            {event("B"), event("C", {{"name", std::string("\xc3\x28", 2)}})}));
  group.push_back(append_to("org-3", ExpectedVersion::any(), {event("D"), event("E")}));
  auto results = log->append_all(std::move(group));
  BOOST_REQUIRE(results[0].ok());
  BOOST_REQUIRE(!results[1].ok());
  BOOST_TEST((results[1].error().code == ErrorCode::bad_request));
  BOOST_REQUIRE(results[2].ok());
  BOOST_TEST(positions(results[2]->events) == std::vector<uint64_t>({2, 3}));
  BOOST_TEST(results[2]->events[0].prev_hash == results[0]->events[0].hash);
  BOOST_TEST(log->read_stream("org-2")->empty());
  BOOST_TEST(*log->stream_version("org-2") == 0u);
  BOOST_TEST(positions(everything(*log)) == std::vector<uint64_t>({1, 2, 3}));
  BOOST_TEST(log->verify_chain().problem == "");
}

BOOST_AUTO_TEST_CASE(a_failed_write_fails_the_group_and_reloads_state_from_disk) {
  TestStore store;
  TestLogOptions options;
  options.faults = std::make_shared<FaultSwitch>();
  auto log = store.open(options);
  BOOST_REQUIRE(log->append(append_to("org-1", ExpectedVersion::any(), {event("A")})).ok());

  options.faults->set(Fault::write);
  std::vector<AppendRequest> group;
  group.push_back(append_to("org-1", ExpectedVersion::exact(1), {event("B")}));
  group.push_back(append_to("org-2", ExpectedVersion::any(), {event("C")}));
  auto results = log->append_all(std::move(group));
  for (auto& r : results) {
    BOOST_REQUIRE(!r.ok());
    BOOST_TEST((r.error().code == ErrorCode::service_unavailable));
  }
  BOOST_TEST(log->stats().write_failures == 1u);
  BOOST_TEST(log->stats().failed == 2u);

  options.faults->set(Fault::none);
  // The writer forgot org-1 at version 2: the same expectation succeeds now.
  auto retried = log->append(append_to("org-1", ExpectedVersion::exact(1), {event("B")}));
  BOOST_REQUIRE(retried.ok());
  BOOST_TEST(retried->events[0].position == 2u);
  BOOST_TEST(retried->events[0].version == 2u);
  BOOST_TEST(log->verify_chain().problem == "");
}

BOOST_AUTO_TEST_CASE(concurrent_appends_share_batches_and_stats_count_them) {
  TestStore store;
  auto log = store.open();  // synced: slow enough for groups to form
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 20; ++i)
        BOOST_REQUIRE(
            log->append(append_to("s-" + std::to_string(t), ExpectedVersion::any(), {event("E")}))
                .ok());
    });
  }
  for (auto& t : threads) t.join();
  AppendStats stats = log->stats();
  BOOST_TEST(stats.appends == 160u);
  BOOST_TEST(stats.events == 160u);
  BOOST_TEST(stats.group_size_sum == 160u);
  BOOST_TEST(stats.syncs == stats.batches);
  BOOST_TEST(stats.batches <= 160u);
  uint64_t bucketed = 0;
  for (auto n : stats.group_size_buckets) bucketed += n;
  BOOST_TEST(bucketed == stats.batches);
  BOOST_TEST_MESSAGE("160 synced appends from 8 threads took " << stats.batches << " batches");
}

BOOST_AUTO_TEST_CASE(side_spaces_and_the_live_tail) {
  TestStore store;
  auto log = store.open(unsynced());
  BOOST_TEST(log->side_put("key_usage", {{"k1", "100"}, {"k2", "200"}}).ok());
  BOOST_TEST(log->side_put("idempotency", {{"req-1", "{}"}}).ok());
  BOOST_TEST(!log->side_put("nope", {{"a", "b"}}).ok());
  BOOST_TEST(log->side_get("key_usage", "k2").value_or("") == "200");
  BOOST_TEST(!log->side_get("idempotency", "k2").has_value());
  BOOST_TEST(!log->side_get("nope", "k2").has_value());
  BOOST_TEST(log->last_position() == 0u);  // side data is not in the log

  BOOST_TEST(log->wait_for_append(0, std::chrono::milliseconds(10)) == 0u);
  std::thread appender([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    BOOST_REQUIRE(log->append(append_to("org-1", ExpectedVersion::any(), {event("A")})).ok());
  });
  BOOST_TEST(log->wait_for_append(0, std::chrono::seconds(10)) == 1u);
  appender.join();
}
