// Time budgets of the tests that check some work stays cheap (a body that once
// took seconds now takes milliseconds). The sanitized build (tools/sanitize:
// AddressSanitizer, UBSan and libFuzzer's coverage, -O1; CMake defines
// ACCOUNT_SANITIZED for its tests) runs the same code about five times slower,
// so there each budget is five times larger: still far below the cost each
// test guards against. Shared by every kind of test.
#pragma once

#include <chrono>

namespace closient::testing {

#ifdef ACCOUNT_SANITIZED
inline constexpr int kTimeBudgetFactor = 5;
#else
inline constexpr int kTimeBudgetFactor = 1;
#endif

// The budget for work that takes well under `release` in the Release build.
constexpr std::chrono::milliseconds time_budget(std::chrono::milliseconds release) {
  return release * kTimeBudgetFactor;
}

}  // namespace closient::testing
