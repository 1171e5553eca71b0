#include "http/idempotency.h"

#include <nlohmann/json.hpp>

#include "events/sha256.h"

namespace closient::http {
namespace {

constexpr char kSpace[] = "idempotency";

bool valid_key(const std::string& key) {
  if (key.empty() || key.size() > kMaxIdempotencyKeyLength) return false;
  for (unsigned char c : key)
    if (c < 0x21 || c > 0x7e) return false;
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

}  // namespace

std::string request_fingerprint(const std::string& method, const std::string& path,
                                const std::string& body) {
  return sha256_hex(method + "\n" + path + "\n" + body);
}

IdempotencyStore::Claim IdempotencyStore::claim(const std::string& credential,
                                                const std::string& key,
                                                const std::string& fingerprint, int64_t now_ms) {
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
  if (std::optional<std::string> stored = store_.side_get(kSpace, claim.slot)) {
    nlohmann::json record = nlohmann::json::parse(*stored, nullptr, false);
    if (record.is_object() &&
        record.value("stored_at_ms", int64_t{0}) + kIdempotencyRetentionMs > now_ms) {
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
  if (response.status < 500) {
    nlohmann::json record = {{"fingerprint", fingerprint},
                             {"stored_at_ms", now_ms},
                             {"response", response_to_json(response)}};
    // Best effort: if the write fails the key simply is not remembered.
    (void)store_.side_put(kSpace, {{slot, record.dump()}});
  }
  std::lock_guard<std::mutex> lock(mutex_);
  in_flight_.erase(slot);
}

}  // namespace closient::http
