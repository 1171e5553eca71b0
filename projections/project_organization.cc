// Events of an organization stream: the organization document, its version
// (the ETag), the audit index, and dispatch of member and key events.
#include "domain/event_json.h"
#include "projections/documents.h"
#include "projections/projector_steps.h"
#include "projections/read_model_keys.h"

namespace closient::projector {
namespace {

bool is_org_scalar_event(const std::string& type) {
  return type == OrganizationCreated::kType || type == OrganizationUpdated::kType ||
         type == OrganizationDeleted::kType || type == OrganizationRestored::kType;
}

// The organization's own fields change exactly as the domain's evolve says;
// members and keys are projected into their own documents instead.
Status apply_org_scalars(OrganizationState& org, const EventEnvelope& event, BatchWriter& batch) {
  const bool was_deleted = org.deleted();
  Status applied = evolve_checked(org, event);
  if (!applied.ok()) return applied;
  if (!was_deleted && org.deleted()) hide_org_from_members(batch, org.id);
  if (was_deleted && !org.deleted()) show_org_to_members(batch, org.id);
  return ok_status();
}

template <typename T>
Status with(const EventEnvelope& event, const std::function<void(const T&)>& then) {
  return decode_and<T>(event, then);
}

Status apply_to_parts(OrganizationState& org, const EventEnvelope& event, BatchWriter& batch) {
  const std::string& type = event.type;
  const KeyOwner owner{org.id, ""};
  if (type == MemberAdded::kType) {
    return with<MemberAdded>(event, [&](const MemberAdded& e) { member_joined(batch, org, e); });
  }
  if (type == MemberInvited::kType) {
    return with<MemberInvited>(event,
                               [&](const MemberInvited& e) { member_joined(batch, org, e); });
  }
  if (type == MemberRoleChanged::kType) {
    return with<MemberRoleChanged>(
        event, [&](const MemberRoleChanged& e) { member_role_changed(batch, org, e); });
  }
  if (type == MemberRemoved::kType) {
    return with<MemberRemoved>(event, [&](const MemberRemoved& e) {
      member_removed(batch, org, e, event.occurred_at_ms);
    });
  }
  if (type == OrgApiKeyCreated::kType) {
    return with<OrgApiKeyCreated>(event,
                                  [&](const OrgApiKeyCreated& e) { key_created(batch, owner, e); });
  }
  if (type == OrgApiKeyUpdated::kType) {
    return with<OrgApiKeyUpdated>(event,
                                  [&](const OrgApiKeyUpdated& e) { key_updated(batch, owner, e); });
  }
  if (type == OrgApiKeyRevoked::kType) {
    return with<OrgApiKeyRevoked>(event,
                                  [&](const OrgApiKeyRevoked& e) { key_revoked(batch, owner, e); });
  }
  if (type == OrgApiKeyLimitsChanged::kType) {
    return with<OrgApiKeyLimitsChanged>(
        event, [&](const OrgApiKeyLimitsChanged& e) { key_limits_changed(batch, owner, e); });
  }
  return ok_status();  // unknown to this build: only the version moves
}

}  // namespace

Status project_org_event(const EventEnvelope& event, const std::string& org_id,
                         BatchWriter& batch) {
  // Every event of the stream is in the audit feed, known type or not.
  batch.put(rm_key::org_event(org_id, event.position), "");

  const std::string doc_key = rm_key::org(org_id);
  std::optional<nlohmann::json> doc = read_document(batch, doc_key);
  if (!doc && event.type != OrganizationCreated::kType) {
    // Nothing to attach the event to: the stream does not start with a
    // creation, which decide never produces.
    return ok_status();
  }
  OrganizationState org = doc ? org_from_document(*doc) : OrganizationState{};
  if (!doc) org.id = org_id;

  Status applied = is_org_scalar_event(event.type) ? apply_org_scalars(org, event, batch)
                                                   : apply_to_parts(org, event, batch);
  if (!applied.ok()) return applied;
  org.version = event.version;
  batch.put(doc_key, org_document(org).dump());
  return ok_status();
}

}  // namespace closient::projector
