// An organization's aggregate state (what the domain folds from its stream)
// built from the serving state instead: the writer's cache takes it on a miss,
// so a large organization is not replayed from the log at its first write
// after a start (hundreds of thousands of events: seconds during which every
// write waits). The serving state applies the same events by its own rules;
// tests/unit/projections_aggregate_from_state_test.cc checks that both agree,
// field by field, over random traffic.
#pragma once

#include <memory>

#include "domain/organization.h"
#include "projections/serving_state.h"

namespace closient {

// `org` must belong to `state`; hold the state's read view meanwhile.
std::shared_ptr<OrganizationState> organization_state_from(const ServingState& state,
                                                           const OrgRecord& org);

}  // namespace closient
