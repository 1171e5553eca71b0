// Idempotency-Key (contract §8): the first answer to a keyed write is kept with
// a fingerprint of its request; a retry with the same key replays that answer
// (with Idempotency-Replayed: true), the same key with a different request is a
// 422, and a retry while the first is still in flight is a 409. Keys are scoped
// to the credential that sent them.
//
// Answers are kept in the store's `idempotency` side space for 24 hours and then
// deleted: a sweep, run by claim() at most once a minute, deletes the expired
// records oldest first, a bounded number per run, through an index by storage
// time. Layout of the space:
//   r/<slot>                        → {"fingerprint", "stored_at_ms", "response"}
//   x/<stored_at_ms, 16 hex>/<slot> → ""   (the expiry index)
// where slot = SHA-256(credential, key). Records of the first format (the bare
// slot as key, which could hold a raw API key) are deleted by the sweep.
//
// No raw secret is ever stored: an answer that carries one (Cache-Control:
// no-store, the raw `key` of APIKeyCreated) is kept without it, so a replay
// tells what was created but never hands the key out again.
//
// That space is written without a sync: after a crash, a retry of a write whose
// answer was not yet stored runs again, and the domain's rules (an email already a
// member, a revoked key) answer it as a repeat would be answered. On a shared
// store the command ledger closes that gap, and the one between nodes (each
// knows only its own requests in flight): the write carries its slot as its
// command id, and the ledger refuses to carry out a retry of a committed one
// (409, reason idempotency_already_applied; nothing kept, so a later retry
// replays the first answer once it is stored).
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
inline constexpr int64_t kIdempotencySweepIntervalMs = 60 * 1000;
// Records deleted per sweep at most: a sweep runs on a request's thread, so its
// cost is bounded; a backlog shrinks by this much a minute.
inline constexpr size_t kIdempotencySweepBatch = 1000;

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
  // and body. A claim that proceeds must be finished. Sweeps when one is due.
  Claim claim(const std::string& credential, const std::string& key, const std::string& fingerprint,
              int64_t now_ms);
  // Keeps `response` for replays (unless it is a 5xx, which a retry may fix),
  // without any secret it carries, and releases the slot.
  void finish(const std::string& slot, const std::string& fingerprint, const Response& response,
              int64_t now_ms);

  // Releases the slot without keeping any answer (a later retry runs again).
  void release(const std::string& slot);

  // Deletes up to `max` records whose 24 hours have passed at `now_ms`, oldest
  // first (and records of the first format); returns how many it deleted.
  size_t sweep(int64_t now_ms, size_t max = kIdempotencySweepBatch);

 private:
  void sweep_if_due(int64_t now_ms);

  SideDataStore& store_;
  std::mutex mutex_;
  std::set<std::string> in_flight_;
  std::mutex sweep_mutex_;  // one sweep at a time; a busy sweep is not waited for
  int64_t next_sweep_ms_ = 0;
  bool first_format_gone_ = false;
};

// The fingerprint of a request: SHA-256 of method, path and body.
std::string request_fingerprint(const std::string& method, const std::string& path,
                                const std::string& body);

// What of an answer may be kept for replays: itself, or, when it carries a
// secret (Cache-Control: no-store), the answer without it (the `key` member
// of its JSON body taken out, and Cache-Control with it). nullopt when the
// secret cannot be told apart: such an answer is not kept at all.
std::optional<Response> replayable_answer(const Response& response);

}  // namespace closient::http
