#include <atomic>
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <future>
#include <memory>
#include <thread>

#include "http/position_barrier.h"

using namespace closient::http;
using namespace std::chrono_literals;

BOOST_AUTO_TEST_CASE(header_values_are_decimal_positions_that_fit_64_bits) {
  BOOST_TEST(parse_min_position("0").value() == 0u);
  BOOST_TEST(parse_min_position("42").value() == 42u);
  BOOST_TEST(parse_min_position("18446744073709551615").value() == UINT64_MAX);
  for (const char* bad : {"", "-1", "+1", " 1", "1 ", "0x10", "1.0", "18446744073709551616",
                          "000000000000000000001"}) {
    BOOST_TEST(!parse_min_position(bad).has_value(), bad);
  }
}

BOOST_AUTO_TEST_CASE(an_applied_position_proceeds_at_once_on_the_calling_thread) {
  PositionBarrier barrier([] { return uint64_t{10}; });
  bool reached = false;
  std::thread::id ran_on;
  barrier.wait_for(10, [&](bool r) {
    reached = r;
    ran_on = std::this_thread::get_id();
  });
  BOOST_TEST(reached);
  BOOST_TEST((ran_on == std::this_thread::get_id()));
}

BOOST_AUTO_TEST_CASE(a_waiting_request_proceeds_once_the_position_is_applied) {
  std::atomic<uint64_t> applied{5};
  PositionBarrier barrier([&] { return applied.load(); });
  std::promise<bool> outcome;
  std::future<bool> answered = outcome.get_future();
  barrier.wait_for(7, [&](bool r) { outcome.set_value(r); });
  BOOST_TEST(barrier.waiting() == 1u);
  applied = 6;
  barrier.advanced();
  BOOST_TEST((answered.wait_for(100ms) == std::future_status::timeout));
  applied = 7;
  barrier.advanced();
  BOOST_REQUIRE((answered.wait_for(5s) == std::future_status::ready));
  BOOST_TEST(answered.get());
  BOOST_TEST(barrier.waiting() == 0u);
}

BOOST_AUTO_TEST_CASE(a_position_not_applied_within_the_bound_proceeds_unreached) {
  PositionBarrier barrier([] { return uint64_t{1}; }, PositionBarrierOptions{100ms, 10});
  std::promise<bool> outcome;
  std::future<bool> answered = outcome.get_future();
  const auto started = std::chrono::steady_clock::now();
  barrier.wait_for(2, [&](bool r) { outcome.set_value(r); });
  BOOST_REQUIRE((answered.wait_for(5s) == std::future_status::ready));
  BOOST_TEST(!answered.get());
  BOOST_TEST((std::chrono::steady_clock::now() - started >= 100ms));
}

BOOST_AUTO_TEST_CASE(a_full_barrier_refuses_at_once_and_stopping_releases_every_waiter) {
  std::atomic<int> unreached{0};
  {
    PositionBarrier barrier([] { return uint64_t{0}; }, PositionBarrierOptions{60s, 2});
    for (int i = 0; i < 3; ++i) {
      barrier.wait_for(1, [&](bool r) {
        if (!r) ++unreached;
      });
    }
    BOOST_TEST(barrier.waiting() == 2u);
    BOOST_TEST(unreached.load() == 1);  // the third, refused on the calling thread
  }
  BOOST_TEST(unreached.load() == 3);  // the two held ones, released by the destructor
}
