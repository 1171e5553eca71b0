#include "http/idempotency.h"

#include <cinttypes>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <vector>

#include "events/sha256.h"

namespace closient::http {
namespace {

constexpr char kSpace[] = "idempotency";
constexpr char kRecordPrefix[] = "r/";
constexpr char kExpiryPrefix[] = "x/";
constexpr size_t kTimeDigits = 16;  // hex digits of stored_at_ms in an index key

bool valid_key(const std::string& key) {
  if (key.empty() || key.size() > kMaxIdempotencyKeyLength) return false;
  for (unsigned char c : key)
    if (c < 0x21 || c > 0x7e) return false;
  return true;
}

std::string record_key(const std::string& slot) {
  return kRecordPrefix + slot;
}

// Fixed-width hex, so that index keys sort by time.
std::string expiry_key(int64_t stored_at_ms, const std::string& slot) {
  char time[kTimeDigits + 1];
  std::snprintf(time, sizeof time, "%016" PRIx64,
                static_cast<uint64_t>(stored_at_ms < 0 ? 0 : stored_at_ms));
  return kExpiryPrefix + std::string(time) + "/" + slot;
}

// stored_at_ms and slot of an index key; false when it is not one.
bool parse_expiry_key(const std::string& key, int64_t* stored_at_ms, std::string* slot) {
  const size_t prefix = sizeof kExpiryPrefix - 1;
  if (key.size() <= prefix + kTimeDigits + 1 || key[prefix + kTimeDigits] != '/') return false;
  uint64_t time = 0;
  for (size_t i = prefix; i < prefix + kTimeDigits; ++i) {
    const char c = key[i];
    const int digit = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
    if (digit < 0) return false;
    time = time * 16 + static_cast<uint64_t>(digit);
  }
  *stored_at_ms = static_cast<int64_t>(time);
  *slot = key.substr(prefix + kTimeDigits + 1);
  return true;
}

nlohmann::json response_to_json(const Response& response) {
  nlohmann::json headers = nlohmann::json::array();
  for (const auto& [name, value] : response.headers) headers.push_back({name, value});
  return {{"status", response.status}, {"headers", headers}, {"body", response.body}};
}

Response response_from_json(const nlohmann::json& j) {
  Response response;
  response.status = j.at("status").get<int>();
  for (const auto& field : j.at("headers"))
    response.headers.add(field.at(0).get<std::string>(), field.at(1).get<std::string>());
  response.body = j.at("body").get<std::string>();
  return response;
}

bool carries_secret(const Response& response) {
  std::optional<std::string_view> cache = response.headers.find("Cache-Control");
  return cache && cache->find("no-store") != std::string_view::npos;
}

int64_t stored_at_of(const nlohmann::json& record) {
  const auto it = record.find("stored_at_ms");
  return it != record.end() && it->is_number_integer() ? it->get<int64_t>() : 0;
}

}  // namespace

std::string request_fingerprint(const std::string& method, const std::string& path,
                                const std::string& body) {
  return sha256_hex(method + "\n" + path + "\n" + body);
}

std::optional<Response> replayable_answer(const Response& response) {
  if (!carries_secret(response)) return response;
  nlohmann::json body = nlohmann::json::parse(response.body, nullptr, /*allow_exceptions=*/false);
  if (!body.is_object() || !body.contains("key")) return std::nullopt;
  body.erase("key");
  Response kept = response;
  kept.body = dump_json(body);
  // Still no-store: a key creation's answer is never cached, replayed or not.
  return kept;
}

IdempotencyStore::Claim IdempotencyStore::claim(const std::string& credential,
                                                const std::string& key,
                                                const std::string& fingerprint, int64_t now_ms) {
  sweep_if_due(now_ms);
  Claim claim;
  if (!valid_key(key)) {
    claim.outcome = Claim::Outcome::invalid;
    return claim;
  }
  claim.slot = sha256_hex(credential + "\n" + key);
  std::lock_guard<std::mutex> lock(mutex_);
  if (in_flight_.count(claim.slot)) {
    claim.outcome = Claim::Outcome::in_flight;
    return claim;
  }
  if (std::optional<std::string> stored = store_.side_get(kSpace, record_key(claim.slot))) {
    nlohmann::json record = nlohmann::json::parse(*stored, nullptr, false);
    // An expired record not yet swept is absent: the request runs again.
    if (record.is_object() && stored_at_of(record) + kIdempotencyRetentionMs > now_ms) {
      if (record.value("fingerprint", "") != fingerprint) {
        claim.outcome = Claim::Outcome::mismatch;
        return claim;
      }
      try {
        claim.stored = response_from_json(record.at("response"));
        claim.outcome = Claim::Outcome::replay;
        return claim;
      } catch (const nlohmann::json::exception&) {
        // An unreadable record is treated as absent: the request runs again.
      }
    }
  }
  in_flight_.insert(claim.slot);
  claim.outcome = Claim::Outcome::proceed;
  return claim;
}

void IdempotencyStore::finish(const std::string& slot, const std::string& fingerprint,
                              const Response& response, int64_t now_ms) {
  std::optional<Response> kept = replayable_answer(response);
  if (kept && kept->status < 500) {
    nlohmann::json record = {{"fingerprint", fingerprint},
                             {"stored_at_ms", now_ms},
                             {"response", response_to_json(*kept)}};
    // Best effort: if the write fails the key simply is not remembered.
    (void)store_.side_put(kSpace,
                          {{record_key(slot), record.dump()}, {expiry_key(now_ms, slot), ""}});
  }
  release(slot);
}

void IdempotencyStore::release(const std::string& slot) {
  std::lock_guard<std::mutex> lock(mutex_);
  in_flight_.erase(slot);
}

void IdempotencyStore::sweep_if_due(int64_t now_ms) {
  {
    std::unique_lock<std::mutex> lock(sweep_mutex_, std::try_to_lock);
    if (!lock.owns_lock() || now_ms < next_sweep_ms_) return;
    next_sweep_ms_ = now_ms + kIdempotencySweepIntervalMs;
  }
  sweep(now_ms);
}

size_t IdempotencyStore::sweep(int64_t now_ms, size_t max) {
  std::lock_guard<std::mutex> lock(sweep_mutex_);
  std::vector<std::string> doomed;
  size_t records = 0;
  // Records of the first format: bare hex slots, which sort before "r/" and "x/".
  if (!first_format_gone_) {
    bool more = false;
    Status scanned =
        store_.side_scan(kSpace, "", "", [&](const std::string& key, const std::string&) {
          if (key >= kRecordPrefix) return false;
          if (records == max) {
            more = true;
            return false;
          }
          doomed.push_back(key);
          ++records;
          return true;
        });
    if (scanned.ok() && !more) first_format_gone_ = true;
  }
  // Expired records, oldest first, through the index.
  (void)store_.side_scan(
      kSpace, kExpiryPrefix, "", [&](const std::string& key, const std::string&) {
        int64_t stored_at_ms = 0;
        std::string slot;
        if (!parse_expiry_key(key, &stored_at_ms, &slot)) {
          doomed.push_back(key);
          return true;
        }
        if (stored_at_ms + kIdempotencyRetentionMs > now_ms || records == max) return false;
        // The slot may have been used again since (after its first record
        // expired): then the index entry goes, the newer record stays.
        if (std::optional<std::string> stored = store_.side_get(kSpace, record_key(slot))) {
          nlohmann::json record = nlohmann::json::parse(*stored, nullptr, false);
          if (!record.is_object() || stored_at_of(record) <= stored_at_ms) {
            doomed.push_back(record_key(slot));
            ++records;
          }
        }
        doomed.push_back(key);
        return true;
      });
  if (doomed.empty() || !store_.side_erase(kSpace, doomed).ok()) return 0;
  return records;
}

}  // namespace closient::http
