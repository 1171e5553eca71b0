#include "domain/event_types.h"

#include <functional>
#include <map>

#include "domain/event_json.h"
#include "domain/organization.h"
#include "domain/user.h"
#include "events/catalog.h"

namespace closient {
namespace {

using Normalizer = std::function<Result<nlohmann::json>(const nlohmann::json&)>;

template <typename T>
Normalizer normalizer() {
  return [](const nlohmann::json& data) -> Result<nlohmann::json> {
    Result<T> event = decode_event<T>(data);
    if (!event.ok()) return event.error();
    return nlohmann::json(event.value());
  };
}

struct Entry {
  DomainEventType type;
  Normalizer normalize;
};

template <typename T>
Entry entry(const char* stream) {
  return Entry{DomainEventType{T::kType, T::kSchema, stream}, normalizer<T>()};
}

const std::vector<Entry>& entries() {
  static const std::vector<Entry> all = {
      entry<OrganizationCreated>("org"),
      entry<OrganizationUpdated>("org"),
      entry<OrganizationDeleted>("org"),
      entry<OrganizationRestored>("org"),
      entry<MemberAdded>("org"),
      entry<MemberInvited>("org"),
      entry<MemberRoleChanged>("org"),
      entry<MemberRemoved>("org"),
      entry<OrgApiKeyCreated>("org"),
      entry<OrgApiKeyUpdated>("org"),
      entry<OrgApiKeyRevoked>("org"),
      entry<UserCreated>("user"),
      entry<UserApiKeyCreated>("user"),
      entry<UserApiKeyUpdated>("user"),
      entry<UserApiKeyRevoked>("user"),
      entry<TokenIssued>("user"),
      entry<TokenRevoked>("user"),
      entry<SessionIssued>("user"),
      entry<SessionRevoked>("user"),
      entry<PreferencesReplaced>("user"),
      // Added later; appended so that the order of the older types stays put.
      entry<OrgApiKeyLimitsChanged>("org"),
      entry<UserApiKeyLimitsChanged>("user"),
  };
  return all;
}

}  // namespace

const std::vector<DomainEventType>& domain_event_types() {
  static const std::vector<DomainEventType> types = [] {
    std::vector<DomainEventType> out;
    for (const Entry& e : entries()) out.push_back(e.type);
    return out;
  }();
  return types;
}

const EventCatalog& domain_event_catalog() {
  static const EventCatalog catalog = [] {
    EventCatalog c;
    register_domain_events(c);
    return c;
  }();
  return catalog;
}

void register_domain_events(EventCatalog& catalog) {
  // Every type is at schema 1, so there are no upcasters yet. When a type's
  // data changes, bump its kSchema and add the step from the old schema here.
  for (const DomainEventType& type : domain_event_types()) catalog.add(type.name, type.schema);
}

Result<nlohmann::json> normalize_event_data(const std::string& type, const nlohmann::json& data) {
  for (const Entry& e : entries())
    if (type == e.type.name) return e.normalize(data);
  return Error::make(ErrorCode::not_found, "Unknown event type " + type + ".");
}

}  // namespace closient
