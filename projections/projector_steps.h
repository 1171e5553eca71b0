// The core projector's steps, one file per aggregate part. Internal to
// projections/: core_projector.cc dispatches on the stream, these apply one
// decoded event each. Every step is written so that replaying it (a rebuild)
// gives the bytes the live append wrote.
#pragma once

#include <string>

#include "domain/api_key.h"
#include "domain/organization.h"
#include "domain/user.h"
#include "events/envelope.h"
#include "events/event_log.h"
#include "events/result.h"

namespace closient::projector {

// Events of stream org-<org_id>.
Status project_org_event(const EventEnvelope& event, const std::string& org_id, BatchWriter& batch);
// Events of stream user-<user_id>.
Status project_user_event(const EventEnvelope& event, const std::string& user_id,
                          BatchWriter& batch);

// Memberships (project_members.cc). `org` is the organization as its document
// stands before the event: whether it is deleted decides the uo/ entries.
void member_joined(BatchWriter& batch, const OrganizationState& org, const MemberJoined& event);
void member_role_changed(BatchWriter& batch, const OrganizationState& org,
                         const MemberRoleChanged& event);
void member_removed(BatchWriter& batch, const OrganizationState& org, const MemberRemoved& event,
                    int64_t occurred_at_ms);
// A deleted organization leaves its members' organization lists; a restored
// one comes back. Walks every membership by join seq (BatchWriter has point
// reads only); deletion is rare, so its cost grows with the member count.
void hide_org_from_members(BatchWriter& batch, const std::string& org_id);
void show_org_to_members(BatchWriter& batch, const std::string& org_id);

// API keys of either owner (project_api_keys.cc). Exactly one of the two ids is set.
struct KeyOwner {
  std::string org_id;
  std::string user_id;
};
void key_created(BatchWriter& batch, const KeyOwner& owner, const ApiKeyCreatedData& event);
void key_updated(BatchWriter& batch, const KeyOwner& owner, const ApiKeyUpdatedData& event);
void key_revoked(BatchWriter& batch, const KeyOwner& owner, const ApiKeyRevokedData& event);
// New rate limits reach the key document and the authentication record by hash.
void key_limits_changed(BatchWriter& batch, const KeyOwner& owner,
                        const ApiKeyLimitsChangedData& event);

}  // namespace closient::projector
