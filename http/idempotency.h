// Idempotency-Key (contract §8): the first answer to a keyed write is kept with
// a fingerprint of its request; a retry with the same key replays that answer
// (with Idempotency-Replayed: true), the same key with a different request is a
// 422, and a retry while the first is still in flight is a 409. Keys are scoped
// to the credential that sent them.
//
// Answers are kept in the store's `idempotency` side space for at least 24 hours.
// That space is written without a sync: after a crash, a retry of a write whose
// answer was not yet stored runs again, and the domain's rules (an email already a
// member, a revoked key) answer it as a repeat would be answered.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <set>
#include <string>

#include "events/side_data_store.h"
#include "http/response.h"

namespace closient::http {

inline constexpr int64_t kIdempotencyRetentionMs = int64_t{24} * 60 * 60 * 1000;
inline constexpr size_t kMaxIdempotencyKeyLength = 255;

class IdempotencyStore {
 public:
  explicit IdempotencyStore(SideDataStore& store) : store_(store) {}

  struct Claim {
    enum class Outcome { proceed, replay, in_flight, mismatch, invalid };
    Outcome outcome = Outcome::proceed;
    Response stored;   // replay
    std::string slot;  // proceed: pass it to finish()
  };

  // `credential` names who sent it; `fingerprint` is the request's method, path
  // and body. A claim that proceeds must be finished.
  Claim claim(const std::string& credential, const std::string& key, const std::string& fingerprint,
              int64_t now_ms);
  // Keeps `response` for replays (unless it is a 5xx, which a retry may fix) and
  // releases the slot.
  void finish(const std::string& slot, const std::string& fingerprint, const Response& response,
              int64_t now_ms);

 private:
  SideDataStore& store_;
  std::mutex mutex_;
  std::set<std::string> in_flight_;
};

// The fingerprint of a request: SHA-256 of method, path and body.
std::string request_fingerprint(const std::string& method, const std::string& path,
                                const std::string& body);

}  // namespace closient::http
