// Memberships: the member document, the join-order and per-role indexes, the
// user's membership lookup (mu/) and organization list (uo/), and counters.
#include <functional>

#include "projections/counters.h"
#include "projections/documents.h"
#include "projections/projector_steps.h"
#include "projections/read_model_keys.h"

namespace closient::projector {
namespace {

std::optional<MemberDocument> read_member(BatchWriter& batch, const std::string& org_id,
                                          const std::string& member_id) {
  auto doc = read_document(batch, rm_key::member(org_id, member_id));
  if (!doc) return std::nullopt;
  return member_from_document(*doc);
}

void write_member(BatchWriter& batch, const std::string& org_id, const MemberDocument& doc) {
  batch.put(rm_key::member(org_id, doc.member.id), member_document(doc).dump());
}

void list_in_user_orgs(BatchWriter& batch, const std::string& org_id, const Member& m) {
  put_counted(batch, rm_key::user_org(m.user_id, org_id), role_name(m.role),
              rm_key::user_org_count(m.user_id));
}

void unlist_from_user_orgs(BatchWriter& batch, const std::string& org_id, const Member& m) {
  erase_counted(batch, rm_key::user_org(m.user_id, org_id), rm_key::user_org_count(m.user_id));
}

// A membership that just took a fresh seq: its order entries cannot exist yet,
// so they are written without the existence check (a read that would miss).
void index_active(BatchWriter& batch, const OrganizationState& org, const MemberDocument& doc) {
  const Member& m = doc.member;
  batch.put(rm_key::member_in_order(org.id, doc.seq), m.id);
  add_to_counter(batch, rm_key::member_count(org.id), 1);
  batch.put(rm_key::member_with_role(org.id, m.role, doc.seq), m.id);
  add_to_counter(batch, rm_key::member_count_with_role(org.id, m.role), 1);
  batch.put(rm_key::membership_of_user(org.id, m.user_id), m.id);
  if (!org.deleted()) list_in_user_orgs(batch, org.id, m);
}

void unindex_active(BatchWriter& batch, const OrganizationState& org, const MemberDocument& doc) {
  const Member& m = doc.member;
  erase_counted(batch, rm_key::member_in_order(org.id, doc.seq), rm_key::member_count(org.id));
  erase_counted(batch, rm_key::member_with_role(org.id, m.role, doc.seq),
                rm_key::member_count_with_role(org.id, m.role));
  const std::string lookup = rm_key::membership_of_user(org.id, m.user_id);
  if (batch.get(lookup) == m.id) batch.erase(lookup);
  unlist_from_user_orgs(batch, org.id, m);
}

// Every active membership, in join order.
void for_each_active_member(BatchWriter& batch, const std::string& org_id,
                            const std::function<void(const Member&)>& visit) {
  const uint64_t end = counter_from(batch.get(rm_key::next_member_seq(org_id)));
  for (uint64_t seq = 0; seq < end; ++seq) {
    std::optional<std::string> member_id = batch.get(rm_key::member_in_order(org_id, seq));
    if (!member_id) continue;  // removed since
    if (auto doc = read_member(batch, org_id, *member_id)) visit(doc->member);
  }
}

}  // namespace

void member_joined(BatchWriter& batch, const OrganizationState& org, const MemberJoined& e) {
  if (batch.get(rm_key::member(org.id, e.member_id))) return;  // a membership id joins once
  MemberDocument doc;
  Member& m = doc.member;
  m.id = e.member_id;
  m.user_id = e.user_id;
  m.email = e.email;
  m.name = e.name;
  m.user_metadata = e.user_metadata;
  m.role = e.role;
  m.joined_at_ms = e.joined_at_ms;
  doc.seq = take_next_seq(batch, rm_key::next_member_seq(org.id));
  write_member(batch, org.id, doc);
  index_active(batch, org, doc);
}

void member_role_changed(BatchWriter& batch, const OrganizationState& org,
                         const MemberRoleChanged& e) {
  std::optional<MemberDocument> doc = read_member(batch, org.id, e.member_id);
  if (!doc || doc->member.removed || doc->member.role == e.to) return;
  erase_counted(batch, rm_key::member_with_role(org.id, doc->member.role, doc->seq),
                rm_key::member_count_with_role(org.id, doc->member.role));
  doc->member.role = e.to;
  put_counted(batch, rm_key::member_with_role(org.id, e.to, doc->seq), e.member_id,
              rm_key::member_count_with_role(org.id, e.to));
  write_member(batch, org.id, *doc);
  const std::string listed = rm_key::user_org(doc->member.user_id, org.id);
  if (batch.get(listed)) batch.put(listed, role_name(e.to));
}

void member_removed(BatchWriter& batch, const OrganizationState& org, const MemberRemoved& e,
                    int64_t occurred_at_ms) {
  std::optional<MemberDocument> doc = read_member(batch, org.id, e.member_id);
  if (!doc || doc->member.removed) return;
  unindex_active(batch, org, *doc);
  doc->member.removed = true;
  doc->member.removed_at_ms = occurred_at_ms;
  doc->member.removal_reason = e.reason;
  write_member(batch, org.id, *doc);
}

void hide_org_from_members(BatchWriter& batch, const std::string& org_id) {
  for_each_active_member(batch, org_id,
                         [&](const Member& m) { unlist_from_user_orgs(batch, org_id, m); });
}

void show_org_to_members(BatchWriter& batch, const std::string& org_id) {
  for_each_active_member(batch, org_id,
                         [&](const Member& m) { list_in_user_orgs(batch, org_id, m); });
}

}  // namespace closient::projector
