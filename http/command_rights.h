// A write's rights, checked from the credential before its body is read
// (architecture: "a credential's rights are checked before its body is
// parsed"): a read-only key sending a large body is answered 403 (or 404)
// without the body costing anything. decide checks everything again against
// the state, so this only ever answers earlier, never differently.
#pragma once

#include <string_view>

#include "domain/caller.h"
#include "events/result.h"
#include "http/router.h"
#include "projections/queries.h"

namespace closient::http {

// ok when the credential may have its body read; else the answer decide would
// give. When the credential alone rules the action out, whether the caller may
// see its target (the organization, or the member of updateMember) decides
// between 404 and 403, as it does in decide; `queries` answers that.
Status check_rights_before_body(std::string_view operation_id, const PathParams& path,
                                const Caller& caller, AccountQueries& queries);

}  // namespace closient::http
