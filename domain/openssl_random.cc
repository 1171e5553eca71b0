#include "domain/openssl_random.h"

#include <openssl/rand.h>

#include <climits>
#include <cstdlib>

namespace closient {

void OpenSslRandom::fill(unsigned char* out, size_t n) {
  while (n > 0) {
    const int chunk = n > static_cast<size_t>(INT_MAX) ? INT_MAX : static_cast<int>(n);
    if (RAND_bytes(out, chunk) != 1) std::abort();
    out += chunk;
    n -= static_cast<size_t>(chunk);
  }
}

}  // namespace closient
