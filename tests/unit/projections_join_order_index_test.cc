// The order-statistic index behind offset paging, against a plain vector.
#include <boost/test/unit_test.hpp>
#include <random>
#include <vector>

#include "projections/join_order_index.h"

using closient::JoinOrderIndex;

BOOST_AUTO_TEST_CASE(select_and_page_agree_with_a_plain_scan) {
  std::mt19937_64 random(42);
  JoinOrderIndex index;
  std::vector<bool> marks;
  for (int step = 0; step < 20000; ++step) {
    const int action = static_cast<int>(random() % 10);
    if (action < 6 || marks.empty()) {
      const bool present = random() % 4 != 0;
      index.push_back(present);
      marks.push_back(present);
    } else {
      const uint32_t at = static_cast<uint32_t>(random() % marks.size());
      const bool present = random() % 2 == 0;
      index.set(at, present);
      marks[at] = present;
    }
    if (step % 97 != 0) continue;
    std::vector<uint32_t> present;
    for (uint32_t i = 0; i < marks.size(); ++i)
      if (marks[i]) present.push_back(i);
    BOOST_REQUIRE(index.count() == present.size());
    for (uint64_t rank : {uint64_t{0}, uint64_t{present.size() / 2}, uint64_t{present.size()}}) {
      auto selected = index.select(rank);
      if (rank < present.size()) {
        BOOST_REQUIRE(selected);
        BOOST_REQUIRE(*selected == present[rank]);
      } else {
        BOOST_REQUIRE(!selected);
      }
    }
    const uint64_t offset = random() % (present.size() + 5);
    const uint64_t limit = 1 + random() % 100;
    std::vector<uint32_t> expected;
    for (uint64_t i = offset; i < present.size() && expected.size() < limit; ++i)
      expected.push_back(present[i]);
    BOOST_REQUIRE(index.page(offset, limit) == expected);
  }
}

BOOST_AUTO_TEST_CASE(a_long_run_of_removals_does_not_hide_later_entries) {
  JoinOrderIndex index;
  for (int i = 0; i < 10000; ++i) index.push_back(true);
  for (uint32_t i = 10; i < 9990; ++i) index.set(i, false);
  const std::vector<uint32_t> page = index.page(5, 10);
  BOOST_TEST((page == std::vector<uint32_t>{5, 6, 7, 8, 9, 9990, 9991, 9992, 9993, 9994}));
  BOOST_TEST(index.count() == 20u);
}
