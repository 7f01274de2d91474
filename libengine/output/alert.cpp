// Alerts (rules-language.md §D.2, §D.3). Validation JSON and rule listings: json_listings.cpp.
#include <ctime>

#include "output/json_writer.h"
#include "output/time_format.h"
#include "vigil/engine/engine.h"

namespace vigil::engine {

using output::append_json_string;

namespace output {

std::string iso_time(uint64_t ns, bool utc_z) {
  time_t secs = static_cast<time_t>(ns / 1000000000ull);
  struct tm tm;
  gmtime_r(&secs, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%09llu%s", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<unsigned long long>(ns % 1000000000ull),
                utc_z ? "Z" : "+0000");
  return buf;
}

std::string local_time(uint64_t ns) {
  time_t secs = static_cast<time_t>(ns / 1000000000ull);
  struct tm tm;
  localtime_r(&secs, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%02d:%02d:%02d.%09llu", tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<unsigned long long>(ns % 1000000000ull));
  return buf;
}

}  // namespace output

namespace {

using output::iso_time;

}  // namespace

std::string Alert::to_json(bool include_output, bool include_output_fields, bool include_tags) const {
  std::string out = "{\"hostname\":";
  append_json_string(out, hostname);
  if (include_output) {
    out += ",\"output\":";
    append_json_string(out, text);
  }
  if (include_output_fields) {
    out += ",\"output_fields\":{";
    bool first = true;
    for (auto& f : output_fields) {
      if (!first) out += ',';
      first = false;
      append_json_string(out, f.name);
      out += ':';
      switch (f.kind) {
        case Field::Kind::Number:
        case Field::Kind::Bool: out += f.value; break;
        case Field::Kind::Null: out += "null"; break;
        default: append_json_string(out, f.value);
      }
    }
    out += '}';
  }
  out += ",\"priority\":";
  append_json_string(out, priority_name(priority));
  out += ",\"rule\":";
  append_json_string(out, rule);
  out += ",\"source\":";
  append_json_string(out, source);
  if (include_tags) {
    out += ",\"tags\":[";
    bool first = true;
    for (auto& t : tags) {
      if (!first) out += ',';
      first = false;
      append_json_string(out, t);
    }
    out += ']';
  }
  out += ",\"time\":";
  append_json_string(out, iso_time(time_ns, true));
  out += '}';
  return out;
}

}  // namespace vigil::engine
