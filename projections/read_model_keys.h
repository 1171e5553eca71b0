// The key layout of the core read models (see projections/DESIGN.md). Every
// key is built here so the projector, the queries and the authenticator can
// never disagree about a byte. Ids are shortuuids (fixed width, no '/'), so a
// prefix ending in '/' names exactly one parent.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "domain/roles.h"

namespace closient::rm_key {

// A per-parent sequence number as 16 lowercase hex digits: byte order is
// numeric order, so a prefix scan lists in join (creation) order.
std::string seq(uint64_t value);
std::optional<uint64_t> parse_seq(std::string_view text);

// The projection version the read models were built by.
std::string projection_version();  // "_/version"

// Organizations.
std::string org(std::string_view org_id);  // o/<org>
// The org stream's positions, for the audit feed: ae/<org>/<position as seq>.
std::string org_event(std::string_view org_id, uint64_t position);
std::string org_events_prefix(std::string_view org_id);

// Members.
std::string member(std::string_view org_id, std::string_view member_id);  // md/<org>/<member>
std::string member_in_order(std::string_view org_id, uint64_t seq);       // m/<org>/<seq>
std::string members_prefix(std::string_view org_id);                      // m/<org>/
std::string member_with_role(std::string_view org_id, Role role,
                             uint64_t seq);  // mr/<org>/<role>/<seq>
std::string members_with_role_prefix(std::string_view org_id, Role role);
std::string membership_of_user(std::string_view org_id,
                               std::string_view user_id);                // mu/<org>/<user>
std::string member_count(std::string_view org_id);                       // c/m/<org>
std::string member_count_with_role(std::string_view org_id, Role role);  // c/mr/<org>/<role>
std::string next_member_seq(std::string_view org_id);                    // s/m/<org>

// A user's organizations (deleted ones left out).
std::string user_org(std::string_view user_id, std::string_view org_id);  // uo/<user>/<org>
std::string user_orgs_prefix(std::string_view user_id);                   // uo/<user>/
std::string user_org_count(std::string_view user_id);                     // c/uo/<user>

// Users.
std::string user(std::string_view user_id);         // u/<user>
std::string user_by_email(std::string_view email);  // ue/<email> → user id
std::string preferences(std::string_view user_id);  // p/<user>

// API keys, org (csb/cpk) and user (csu) alike.
std::string key(std::string_view key_id);                    // k/<key>
std::string key_by_hash(std::string_view sha256_hex);        // kh/<sha256>
std::string org_key(std::string_view org_id, uint64_t seq);  // ok/<org>/<seq>
std::string org_keys_prefix(std::string_view org_id);
std::string org_key_count(std::string_view org_id);            // c/ok/<org>
std::string next_org_key_seq(std::string_view org_id);         // s/ok/<org>
std::string user_key(std::string_view user_id, uint64_t seq);  // uk/<user>/<seq>
std::string user_keys_prefix(std::string_view user_id);
std::string user_key_count(std::string_view user_id);     // c/uk/<user>
std::string next_user_key_seq(std::string_view user_id);  // s/uk/<user>

// Bearer tokens and sessions: documents by hash, and hash by id (for revocation).
std::string token_by_hash(std::string_view sha256_hex);       // th/<sha256>
std::string token_hash_by_id(std::string_view token_id);      // ti/<token>
std::string session_by_hash(std::string_view sha256_hex);     // sh/<sha256>
std::string session_hash_by_id(std::string_view session_id);  // si/<session>

}  // namespace closient::rm_key
