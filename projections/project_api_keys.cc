// API keys of organizations (csb, cpk) and users (csu): the key document, the
// authentication record by hash, and the owner's list of live keys.
#include "projections/counters.h"
#include "projections/documents.h"
#include "projections/projector_steps.h"
#include "projections/read_model_keys.h"

namespace closient::projector {
namespace {

bool is_org(const KeyOwner& owner) {
  return !owner.org_id.empty();
}

std::string owner_list_entry(const KeyOwner& owner, uint64_t seq) {
  return is_org(owner) ? rm_key::org_key(owner.org_id, seq) : rm_key::user_key(owner.user_id, seq);
}

std::string owner_count(const KeyOwner& owner) {
  return is_org(owner) ? rm_key::org_key_count(owner.org_id)
                       : rm_key::user_key_count(owner.user_id);
}

std::string owner_next_seq(const KeyOwner& owner) {
  return is_org(owner) ? rm_key::next_org_key_seq(owner.org_id)
                       : rm_key::next_user_key_seq(owner.user_id);
}

// A live key of this owner; like evolve, events naming another owner's key,
// an unknown key or a revoked one change nothing.
std::optional<KeyDocument> live_key_of(BatchWriter& batch, const KeyOwner& owner,
                                       const std::string& key_id) {
  auto doc = read_document(batch, rm_key::key(key_id));
  if (!doc) return std::nullopt;
  KeyDocument key = key_from_document(*doc);
  if (key.key.revoked || key.key.org_id != owner.org_id || key.key.user_id != owner.user_id) {
    return std::nullopt;
  }
  return key;
}

void write_key(BatchWriter& batch, const KeyDocument& doc) {
  batch.put(rm_key::key(doc.key.id), key_document(doc).dump());
}

}  // namespace

void key_created(BatchWriter& batch, const KeyOwner& owner, const ApiKeyCreatedData& e) {
  if (batch.get(rm_key::key(e.key_id))) return;  // a key id is created once
  KeyDocument doc;
  doc.key = api_key_from_event(e);
  doc.key.org_id = owner.org_id;
  doc.key.user_id = owner.user_id;
  doc.seq = take_next_seq(batch, owner_next_seq(owner));
  write_key(batch, doc);
  batch.put(rm_key::key_by_hash(doc.key.key_sha256), key_credential_document(doc.key).dump());
  // A fresh seq: the list entry cannot exist yet.
  batch.put(owner_list_entry(owner, doc.seq), doc.key.id);
  add_to_counter(batch, owner_count(owner), 1);
}

void key_updated(BatchWriter& batch, const KeyOwner& owner, const ApiKeyUpdatedData& e) {
  std::optional<KeyDocument> doc = live_key_of(batch, owner, e.key_id);
  if (!doc) return;
  apply_key_update(doc->key, e);
  write_key(batch, *doc);
}

void key_revoked(BatchWriter& batch, const KeyOwner& owner, const ApiKeyRevokedData& e) {
  std::optional<KeyDocument> doc = live_key_of(batch, owner, e.key_id);
  if (!doc) return;
  doc->key.revoked = true;
  doc->key.revoked_at_ms = e.revoked_at_ms;
  write_key(batch, *doc);
  // The hash record stays, flagged, so a revoked key is told apart from an
  // unknown one in logs; both fail authentication.
  batch.put(rm_key::key_by_hash(doc->key.key_sha256), key_credential_document(doc->key).dump());
  erase_counted(batch, owner_list_entry(owner, doc->seq), owner_count(owner));
}

void key_limits_changed(BatchWriter& batch, const KeyOwner& owner,
                        const ApiKeyLimitsChangedData& e) {
  std::optional<KeyDocument> doc = live_key_of(batch, owner, e.key_id);
  if (!doc) return;
  apply_key_limits(doc->key, e);
  write_key(batch, *doc);
  batch.put(rm_key::key_by_hash(doc->key.key_sha256), key_credential_document(doc->key).dump());
}

}  // namespace closient::projector
