// The production RandomSource: OpenSSL's CSPRNG (RAND_bytes). Constructed by
// the server and the operator tool and passed into the domain.
#pragma once

#include "domain/random_source.h"

namespace closient {

class OpenSslRandom final : public RandomSource {
 public:
  // Aborts the process if the CSPRNG fails: handing out predictable keys or
  // tokens would be worse than stopping.
  void fill(unsigned char* out, size_t n) override;
};

}  // namespace closient
