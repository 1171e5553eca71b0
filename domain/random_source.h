// Where the domain gets randomness from. The domain never draws randomness on
// its own: callers hand a RandomSource in, so decisions stay reproducible and
// tests can use a deterministic fake.
#pragma once

#include <cstddef>

namespace closient {

class RandomSource {
 public:
  virtual ~RandomSource() = default;
  // Fills out[0..n) with random bytes. Production sources are cryptographic.
  virtual void fill(unsigned char* out, size_t n) = 0;
};

}  // namespace closient
