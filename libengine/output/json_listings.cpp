// Falco's JSON listings: load results (-V, rules-language.md §A.11) and the compiled rules
// (--list). Neither is on the event path, so they are built as documents with nlohmann-json;
// ordered_json keeps Falco's key order. The alert JSON, written per alert, stays hand-written
// (alert.cpp, bench/alert_json_bench.cpp).
#include <nlohmann/json.hpp>

#include "vigil/engine/engine.h"

namespace vigil::engine {
namespace {

using Json = nlohmann::ordered_json;

Json diagnostic_json(const Diagnostic& d) {
  Json position = {{"name", d.file}, {"line", d.line}, {"column", d.column}};
  Json location = {{"item_type", d.item_type}, {"item_name", d.item_name}, {"position", std::move(position)}};
  Json context = {{"locations", Json::array({std::move(location)})}, {"snippet", d.snippet}};
  return {{"code", d.code}, {"codedesc", code_description(d.code)}, {"message", d.message}, {"context", std::move(context)}};
}

// Compact, UTF-8 kept as is; a byte that is not valid UTF-8 becomes U+FFFD instead of failing.
std::string dump(const Json& doc) { return doc.dump(-1, ' ', false, Json::error_handler_t::replace); }

}  // namespace

std::string Engine::validation_json(const std::vector<LoadResult>& results) {
  Json loads = Json::array();
  for (const LoadResult& r : results) {
    Json load = {{"name", r.name}, {"successful", r.ok}};
    load["schema_valid"] = r.schema == SchemaStatus::Ok ? "ok" : r.schema == SchemaStatus::Failed ? "failed" : "none";
    load["schema_warnings"] = r.schema_problems;
    for (Severity sev : {Severity::Error, Severity::Warning}) {
      Json& list = load[sev == Severity::Error ? "errors" : "warnings"] = Json::array();
      for (const Diagnostic& d : r.diagnostics) {
        if (d.severity == sev) list.push_back(diagnostic_json(d));
      }
    }
    loads.push_back(std::move(load));
  }
  return dump(Json{{"falco_load_results", std::move(loads)}});
}

std::string Engine::rules_json() const {
  Json listing = Json::array();
  const std::vector<RuleInfo>& infos = rules();
  for (size_t i = 0; i < infos.size(); ++i) {
    const RuleInfo& r = infos[i];
    listing.push_back({{"name", r.name},
                       {"desc", r.desc},
                       {"condition", r.condition},
                       {"compiled_condition", r.compiled_condition},
                       {"output", r.output},
                       {"priority", priority_name(r.priority)},
                       {"source", r.source},
                       {"enabled", is_enabled(static_cast<uint32_t>(i))},
                       {"tags", r.tags},
                       {"event_types", r.event_types}});
  }
  return dump(listing);
}

}  // namespace vigil::engine
