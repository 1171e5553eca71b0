#include "projections/core_projector.h"

#include <exception>

#include "domain/ids.h"
#include "projections/event_upcasting.h"
#include "projections/projector_steps.h"

namespace closient {
namespace {

Status project_current(const EventEnvelope& event, BatchWriter& batch) {
  if (auto org_id = org_id_of_stream(event.stream)) {
    return projector::project_org_event(event, *org_id, batch);
  }
  if (auto user_id = user_id_of_stream(event.stream)) {
    return projector::project_user_event(event, *user_id, batch);
  }
  return ok_status();  // a stream kind the core read models do not cover
}

}  // namespace

Status project(const EventEnvelope& event, BatchWriter& batch) {
  try {
    if (!needs_upcast(event)) return project_current(event, batch);
    EventEnvelope current = event;
    Status upcast = upcast_to_current(current);
    if (!upcast.ok()) return upcast;
    return project_current(current, batch);
  } catch (const std::exception& e) {
    // A read-model document that does not decode: the store is damaged, and
    // the append must not build on it.
    return Error::make(ErrorCode::internal_error,
                       std::string("Projecting ") + event.type + " failed: " + e.what());
  }
}

ProjectionHook core_projection_hook() {
  return [](const std::vector<EventEnvelope>& events, BatchWriter& batch) -> Status {
    for (const EventEnvelope& event : events) {
      Status projected = project(event, batch);
      if (!projected.ok()) return projected;
    }
    return ok_status();
  };
}

void install_core_projector(EventLog& log) {
  log.set_projection_hook(core_projection_hook());
}

}  // namespace closient
