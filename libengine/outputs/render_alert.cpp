// render_alert: the text or JSON line of an alert, built once and shared by every sink.
#include "output/json_writer.h"
#include "vigil/engine/alert_sink.h"

namespace vigil::engine {

namespace {

// Alert::to_json has no `message` key (json_include_message_property). Keys are alphabetical and
// "hostname" always comes first, so the message goes right after the hostname value.
std::string with_message(const Alert& alert, std::string json) {
  std::string head = "{\"hostname\":";
  output::append_json_string(head, alert.hostname);
  if (json.compare(0, head.size(), head) != 0) return json;  // shape changed: leave it alone
  std::string key = ",\"message\":";
  output::append_json_string(key, alert.message);
  json.insert(head.size(), key);
  return json;
}

}  // namespace

RenderedAlert render_alert(const Alert& alert, const AlertFormat& format, bool with_json) {
  RenderedAlert out;
  out.time_ns = alert.time_ns;
  out.priority = alert.priority;
  out.rule = alert.rule;
  if (with_json || format.json_output) {
    out.json = alert.to_json(format.include_output, format.include_output_fields, format.include_tags);
    if (format.include_message) out.json = with_message(alert, std::move(out.json));
  }
  out.line = format.json_output ? out.json : alert.text;
  return out;
}

}  // namespace vigil::engine
